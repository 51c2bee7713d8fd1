// Reading and writing tensors for validate: .npy, .npz (libzip) and .pb
// (serialized onnx.TensorProto, as in test_data_set_* folders).
#pragma once
#include <string>
#include <vector>

#include "ir/graph.h"

namespace eg::io {

// One file: .npy or .pb -> one tensor; .npz -> its arrays in archive order.
std::vector<Tensor> load_tensors(const std::string& path);
void save_npy(const Tensor& t, const std::string& path);

}  // namespace eg::io
