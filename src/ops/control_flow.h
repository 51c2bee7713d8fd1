// Control flow known at compile time (If, Loop, Scan), expanded in place while shapes are inferred.
#pragma once
#include <cstddef>
#include <string>
#include <vector>

#include "ir/graph.h"

namespace eg::ops {

// Node attribute (strings "+cond" / "-cond", tensor names): the node runs only when every listed
// boolean tensor is true (+) or false (-). Set on the nodes of an If's branches under a run-time
// condition; the emitter wraps them in `if`. Skipping one is always safe: its outputs are read only
// by nodes of the same branch and by the Where that selects the branch's outputs.
inline constexpr const char* kGuard = "eg_guard";
inline std::vector<std::string> guard_of(const Node& n) {
  auto it = n.attrs.find(kGuard);
  if (it == n.attrs.end()) return {};
  auto* v = std::get_if<std::vector<std::string>>(&it->second);
  return v ? *v : std::vector<std::string>{};
}

// When g.nodes[i] is an If/Loop/Scan whose control is known now (constant condition, trip count,
// static sequence), replaces it by the inlined body copies (a Loop keeps a node for the remaining
// iterations) and returns true; otherwise returns false and leaves the graph unchanged.
// (Attention is expanded the same way, into MatMul/Softmax/... nodes: ops/attention.cpp.)
bool expand_control_flow(Graph& g, size_t i);

// Composite ops expanded in place: the building blocks of the expansions.
// A node named "<owner>/<suffix>" standing for `owner` (same origin, same run-time branch guard).
Node simple(const Node& owner, const std::string& op, const std::string& suffix, std::vector<TensorId> in,
            std::vector<TensorId> outs);
// A new int64 constant named after `base` (made unique).
TensorId const_i64(Graph& g, const std::string& base, Shape shape, std::vector<int64_t> v);
// g.nodes[i] replaced by `nodes`, in order.
void replace_node(Graph& g, size_t i, std::vector<Node> nodes);
// Attention (opset 23) as Reshape/Transpose/Concat/MatMul/Softmax... nodes once its inputs' shapes are known.
bool expand_attention(Graph& g, size_t i);

}  // namespace eg::ops
