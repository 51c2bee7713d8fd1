// Nodes left with only constant inputs after the other passes (e.g. the
// DequantizeLinear of float-island weights) are evaluated at compile time.
#include "ops/registry.h"
#include "passes/passes.h"

namespace eg::passes {

void constant_fold(Graph& g, PassLog& log) {
  int folded = 0;
  std::vector<Node> kept;
  for (const Node& n : g.nodes) {
    bool all_const = !n.inputs.empty();
    for (TensorId i : n.inputs)
      if (i != kNoTensor && !g.t(i).is_const) all_const = false;
    bool is_out = false;
    for (TensorId o : n.outputs)
      if (o != kNoTensor && g.is_graph_output(o)) is_out = true;
    const ops::OpDef* def = ops::find_op(n.op);
    if (all_const && !is_out && def && def->ref) {
      ops::evaluate_node_into(g, n);
      ++folded;
      continue;
    }
    kept.push_back(n);
  }
  g.nodes = std::move(kept);
  if (folded) log.add("constant-fold: " + std::to_string(folded) + " node(s) evaluated at compile time");
}

}  // namespace eg::passes
