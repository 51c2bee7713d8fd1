// Nodes that passes added around the nodes of a run-time If branch (layout transposes, for
// example) join the branch's guard when that cannot change a result: every reader of their
// outputs runs under the same guard (consumer rule), or every input comes from the branch and
// every reader is under the guard or is the Where that selects the branch (producer rule).
#include "ir/tensor_uses.h"
#include "ops/control_flow.h"
#include "passes/passes.h"

namespace eg::passes {
namespace {

// The Where (If output select) reads the branch `guard` ends with as its then/else operand.
bool selects_branch(const Graph& g, const Node& w, TensorId operand, const std::vector<std::string>& guard) {
  if (w.op != "Where" || !ops::guard_of(w).empty() || guard.empty() || w.inputs.size() != 3) return false;
  const std::string& last = guard.back();
  if (g.t(w.inputs[0]).name != last.substr(1)) return false;
  return w.inputs[last[0] == '+' ? 1 : 2] == operand && w.inputs[last[0] == '+' ? 2 : 1] != operand;
}

}  // namespace

void branch_guards(Graph& g, PassLog& log) {
  int joined = 0;
  for (bool changed = true; changed;) {
    changed = false;
    const TensorUses uses(g);  // the pass only adds guards: the graph's structure stays
    for (size_t k = 0; k < g.nodes.size(); ++k) {
      Node& n = g.nodes[k];
      if (!ops::guard_of(n).empty() || n.outputs.empty()) continue;
      std::vector<std::string> guard;
      bool ok = true, consumers_ok = true, any_reader = false;
      auto agree = [&](const std::vector<std::string>& gl) {
        if (gl.empty()) return false;
        if (guard.empty()) guard = gl;
        return gl == guard;
      };
      // producer rule: every non-constant input from a node under one guard
      bool from_branch = true, any_input = false;
      std::vector<std::string> in_guard;
      for (TensorId i : n.inputs) {
        if (i == kNoTensor || g.t(i).is_const) continue;
        any_input = true;
        const int p = uses.producer(i);
        const auto gl = p < 0 ? std::vector<std::string>{} : ops::guard_of(g.nodes[static_cast<size_t>(p)]);
        if (gl.empty() || (!in_guard.empty() && gl != in_guard)) from_branch = false;
        if (in_guard.empty()) in_guard = gl;
      }
      if (from_branch && any_input) guard = in_guard;
      for (TensorId o : n.outputs) {
        if (o == kNoTensor) continue;
        if (g.is_graph_output(o)) ok = false;
        for (int c : uses.consumers(o)) {
          any_reader = true;
          const Node& r = g.nodes[static_cast<size_t>(c)];
          if (agree(ops::guard_of(r))) continue;
          if (from_branch && any_input && selects_branch(g, r, o, guard)) continue;
          consumers_ok = false;
        }
      }
      if (!ok || !consumers_ok || !any_reader || guard.empty()) continue;
      n.attrs[ops::kGuard] = guard;
      changed = true;
      ++joined;
    }
  }
  if (joined) log.add("branch-guards: " + std::to_string(joined) + " node(s) added around run-time If branches run only with their branch");
}

}  // namespace eg::passes
