// Reference interpreter: runs the imported ONNX graph with the registry's
// reference semantics (float math, QuantizeLinear/DequantizeLinear as ONNX
// defines them). It is the oracle for validate and the tests.
#pragma once
#include <vector>

#include "ir/graph.h"

namespace eg::ref {

// inputs: one tensor per graph input (dtype and shape of the graph input).
// Returns one tensor per graph output.
std::vector<Tensor> run(const Graph& model, const std::vector<Tensor>& inputs);

// The same run, giving the whole evaluated graph: every tensor's value (validate --full).
Graph run_graph(const Graph& model, const std::vector<Tensor>& inputs);

}  // namespace eg::ref
