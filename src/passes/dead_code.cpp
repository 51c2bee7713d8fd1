#include <set>

#include "passes/passes.h"

namespace eg::passes {

namespace {
// Ops whose trailing outputs ONNX lets us omit.
bool optional_outputs(const std::string& op) { return op == "GRU" || op == "LSTM" || op == "RNN" || op == "Dropout"; }
}  // namespace

void dead_code(Graph& g, PassLog& log) {
  size_t removed = 0;
  bool changed = true;
  while (changed) {
    changed = false;
    std::set<TensorId> used(g.outputs.begin(), g.outputs.end());
    for (const auto& n : g.nodes)
      for (TensorId i : n.inputs) used.insert(i);
    for (size_t k = g.nodes.size(); k-- > 0;) {
      Node& n = g.nodes[k];
      bool any = false;
      for (TensorId o : n.outputs)
        if (o != kNoTensor && used.count(o)) any = true;
      if (!any) {
        g.nodes.erase(g.nodes.begin() + static_cast<long>(k));
        ++removed;
        changed = true;
        continue;
      }
      if (optional_outputs(n.op))
        for (TensorId& o : n.outputs)
          if (o != kNoTensor && !used.count(o)) o = kNoTensor;
    }
  }
  if (removed) log.add("dead-code: removed " + std::to_string(removed) + " node(s) whose outputs nobody reads");
}

}  // namespace eg::passes
