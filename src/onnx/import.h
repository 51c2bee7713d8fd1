// ONNX model file -> IR graph. Constants (initializers and Constant nodes)
// become constant tensors; shapes come from the model where it states them and
// are completed by ops::infer_shapes.
#pragma once
#include <string>

#include "ir/graph.h"

namespace eg::onnx_import {

// Newest ai.onnx opset edgegen knows; models importing a later one are refused.
constexpr int64_t kNewestOpset = 27;

// Throws CompileError naming the file on anything unreadable or structurally invalid
// (ir/graph_check.h); the nodes come back in topological order. Tensors above
// max_tensor_bytes (initializers, Constant values) are refused before they are copied.
Graph load_model(const std::string& path, int64_t max_tensor_bytes = kDefaultMaxTensorBytes);
// The two halves of load_model, for a caller that also needs the file's bytes (its digest).
std::string read_model_file(const std::string& path);
Graph parse_model(const std::string& bytes, const std::string& path, int64_t max_tensor_bytes = kDefaultMaxTensorBytes);

// A serialized onnx.TensorProto (test_data_set_*/input_N.pb).
Tensor load_tensor_pb(const std::string& path);
// Inverse, for writing reference data.
void save_tensor_pb(const Tensor& t, const std::string& path);

}  // namespace eg::onnx_import
