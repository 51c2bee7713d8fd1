#include "plan/memory_plan.h"

#include <algorithm>

#include "ops/families.h"
#include "ops/registry.h"

namespace eg::plan {

std::map<TensorId, TensorId> view_sources(const Graph& g) {
  std::map<TensorId, TensorId> src;
  for (const auto& n : g.nodes) {
    if (!ops::is_view_op(n.op) || n.inputs.empty() || n.inputs[0] == kNoTensor) continue;
    if (g.t(n.inputs[0]).is_const) continue;
    TensorId root = n.inputs[0];
    while (src.count(root)) root = src[root];
    src[n.outputs[0]] = root;
  }
  return src;
}

MemoryPlan plan_memory(const Graph& g, size_t alignment) {
  MemoryPlan plan;
  plan.alignment = alignment;
  const int steps = static_cast<int>(g.nodes.size());
  const auto views = view_sources(g);
  auto root_of = [&](TensorId id) {
    auto it = views.find(id);
    return it == views.end() ? id : it->second;
  };
  std::map<TensorId, Block> blocks;  // by root tensor
  auto touch = [&](TensorId id, int step) {
    if (id == kNoTensor || g.t(id).is_const) return;
    const TensorId r = root_of(id);
    auto [it, inserted] = blocks.try_emplace(r);
    Block& b = it->second;
    if (inserted) {
      b.tensor = r;
      b.first = b.last = step;
    }
    b.size = std::max(b.size, g.t(id).bytes());
    b.first = std::min(b.first, step);
    b.last = std::max(b.last, step);
  };
  for (TensorId in : g.inputs) touch(in, 0);
  for (int i = 0; i < steps; ++i) {
    for (TensorId id : g.nodes[static_cast<size_t>(i)].inputs) touch(id, i);
    for (TensorId id : g.nodes[static_cast<size_t>(i)].outputs) touch(id, i);
  }
  for (TensorId out : g.outputs) touch(out, std::max(steps - 1, 0));
  std::vector<Block> list;
  for (auto& [id, b] : blocks) list.push_back(b);
  for (int i = 0; i < steps; ++i) {
    const Node& n = g.nodes[static_cast<size_t>(i)];
    const ops::OpDef* def = ops::find_op(n.op);
    if (!def || !def->scratch) continue;
    const size_t s = def->scratch(g, n);
    if (!s) continue;
    Block b;
    b.node = i;
    b.size = s;
    b.first = b.last = i;
    list.push_back(b);
  }
  auto align = [&](size_t v) { return (v + alignment - 1) / alignment * alignment; };
  // lower bound: the largest sum of simultaneously live bytes
  for (int i = 0; i < std::max(steps, 1); ++i) {
    size_t live = 0;
    for (const auto& b : list)
      if (b.first <= i && i <= b.last) live += b.size;
    plan.lower_bound = std::max(plan.lower_bound, live);
  }
  // greedy by size: largest first, each at the lowest offset free over its lifetime
  std::vector<size_t> order(list.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    if (list[a].size != list[b].size) return list[a].size > list[b].size;
    return list[a].first < list[b].first;
  });
  std::vector<const Block*> placed;
  for (size_t idx : order) {
    Block& b = list[idx];
    std::vector<std::pair<size_t, size_t>> busy;
    for (const Block* p : placed)
      if (!(p->last < b.first || b.last < p->first)) busy.emplace_back(p->offset, p->offset + p->size);
    std::sort(busy.begin(), busy.end());
    size_t off = 0;
    for (auto [s, e] : busy) {
      if (off + b.size <= s) break;
      off = std::max(off, align(e));
    }
    b.offset = off;
    placed.push_back(&b);
    plan.activations_bytes = std::max(plan.activations_bytes, off + b.size);
  }
  plan.activations_bytes = align(plan.activations_bytes);
  for (const auto& b : list) {
    if (b.tensor != kNoTensor) {
      plan.offset[b.tensor] = b.offset;
    } else {
      plan.scratch_offset[b.node] = b.offset;
      plan.scratch_size[b.node] = b.size;
    }
  }
  for (const auto& [view, root] : views)
    if (plan.offset.count(root)) plan.offset[view] = plan.offset[root];
  plan.blocks = list;
  return plan;
}

}  // namespace eg::plan
