// User-facing compile errors: one line naming model, node, op and reason.
// The CLI turns them into exit code 2.
#pragma once
#include <stdexcept>
#include <string>

namespace eg {

class CompileError : public std::runtime_error {
 public:
  explicit CompileError(const std::string& msg) : std::runtime_error(msg) {}
};

// A reason without a location, thrown where the model and node are not known (size
// arithmetic, reference kernels, index checks); shape inference and constant folding
// (ops/registry.cpp) rethrow it located with fail_node.
class ReasonError : public CompileError {
 public:
  explicit ReasonError(const std::string& reason) : CompileError(reason) {}
};

// "model.onnx: node '/conv/Conv' (Conv): reason"
[[noreturn]] inline void fail_node(const std::string& model, const std::string& node,
                                   const std::string& op, const std::string& reason) {
  std::string where = model;
  if (!node.empty() || !op.empty()) where += ": node '" + node + "' (" + op + ")";
  throw CompileError(where + ": " + reason);
}

[[noreturn]] inline void fail(const std::string& model, const std::string& reason) {
  throw CompileError(model + ": " + reason);
}

}  // namespace eg
