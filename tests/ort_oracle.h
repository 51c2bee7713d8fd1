// ONNX Runtime as a test oracle: runs a model on samples through
// ../shared/models/gen/ort_run.js (onnxruntime-node from the project's .ort/, installed by
// scripts/install-deps.sh) and returns the outputs as tensors.
#pragma once
#include <string>
#include <vector>

#include "pipeline/compile.h"
#include "ir/graph.h"
#include "validate/validate.h"

namespace eg::test {

// The folder holding onnxruntime-node (NODE_PATH): $EDGEGEN_ORT_NODE_PATH, else
// <source>/.ort/node_modules. Empty when node or onnxruntime-node is missing.
std::string ort_node_path();

// Runs `model` on every sample (one tensor per graph input, in graph input order) with ORT's
// CPU execution provider, one thread, graph optimizations at `opt` ("disabled" = the QDQ
// graph's own semantics). Returns one tensor per graph output per sample. Files go to `work`.
// Throws std::runtime_error when ORT fails.
std::vector<std::vector<Tensor>> ort_run(const std::string& model, const std::vector<std::vector<Tensor>>& samples,
                                         const std::string& work, const std::string& opt = "disabled");

// Runs the compiled network on `samples` (model-level inputs) with `runner` and compares every
// output with ONNX Runtime's (validate's metrics: bit-exact share and max LSB on int8 outputs).
// One graph input and one graph output (validate reads one array each).
validate::ValidateResult compare_with_ort(const pipeline::Compiled& c, const std::vector<std::vector<Tensor>>& samples,
                                          const std::string& work, const validate::Runner& runner,
                                          const std::string& mode = "host");

}  // namespace eg::test
