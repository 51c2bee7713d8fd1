#include "plan/memory_plan.h"

#include <algorithm>
#include <set>

#include "ops/families.h"
#include "ops/registry.h"
#include "util/error.h"

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

std::map<TensorId, TensorId> shared_sources(const Graph& g) {
  std::map<TensorId, TensorId> src = view_sources(g);
  auto root = [&](TensorId id) {
    while (src.count(id)) id = src.at(id);
    return id;
  };
  const int steps = static_cast<int>(g.nodes.size());
  // last step that reads each root's bytes (graph outputs: past the end)
  std::map<TensorId, int> last_use;
  auto use = [&](TensorId id, int step) {
    if (id == kNoTensor || g.t(id).is_const) return;
    auto& l = last_use[root(id)];
    l = std::max(l, step);
  };
  for (int i = 0; i < steps; ++i)
    for (TensorId id : g.nodes[static_cast<size_t>(i)].inputs) use(id, i);
  for (TensorId o : g.outputs) use(o, steps);
  for (int i = 0; i < steps; ++i) {
    const Node& n = g.nodes[static_cast<size_t>(i)];
    const ops::OpDef* def = ops::find_op(n.op);
    if (!def || !def->inplace || n.inputs.empty() || n.outputs.empty()) continue;
    const TensorId in = n.inputs[0], out = n.outputs[0];
    if (in == kNoTensor || out == kNoTensor || g.t(in).is_const || g.t(in).bytes() != g.t(out).bytes()) continue;
    if (g.is_graph_input(root(in))) continue;  // leave the application's input intact
    const TensorId r = root(in);
    if (last_use[r] != i || src.count(out)) continue;  // the input is still needed later
    // other inputs of the node must not share these bytes
    bool clash = false;
    for (size_t k = 1; k < n.inputs.size(); ++k)
      if (n.inputs[k] != kNoTensor && !g.t(n.inputs[k]).is_const && root(n.inputs[k]) == r) clash = true;
    if (clash) continue;
    src[out] = r;
    last_use[r] = std::max(last_use[r], last_use[out]);
  }
  // flatten to roots
  std::map<TensorId, TensorId> flat;
  for (const auto& [a, b] : src) flat[a] = root(b);
  return flat;
}

namespace {

bool is_recurrent(const std::string& op) { return op == "GRU" || op == "LSTM" || op == "RNN"; }

// Places the state pairs in the states buffer; returns the roots it placed (kept out of the
// activations plan).
std::set<TensorId> plan_states(const Graph& g, const std::map<TensorId, TensorId>& views, MemoryPlan& plan) {
  std::set<TensorId> placed;
  if (g.states.empty()) return placed;
  auto root_of = [&](TensorId id) {
    auto it = views.find(id);
    return it == views.end() ? id : it->second;
  };
  const int steps = static_cast<int>(g.nodes.size());
  auto align = [&](size_t v) { return (v + plan.alignment - 1) / plan.alignment * plan.alignment; };
  auto slot = [&](TensorId root, size_t bytes) {
    const size_t off = align(plan.states_bytes);
    plan.state_offset[root] = off;
    plan.states_bytes = off + bytes;
    placed.insert(root);
    return off;
  };
  for (const auto& p : g.states) {
    const TensorId in = root_of(g.inputs[p.in]), out = root_of(g.outputs[p.out]);
    const size_t bytes = g.t(g.inputs[p.in]).bytes();
    if (g.is_graph_input(out) && out != in)
      fail(g.model_path, "state output '" + g.t(g.outputs[p.out]).name + "' is the graph input '" + g.t(out).name +
                             "' itself; it cannot be fed back to '" + g.t(g.inputs[p.in]).name + "'");
    int last_read = -1, first_write = steps;
    for (int i = 0; i < steps; ++i) {
      const Node& n = g.nodes[static_cast<size_t>(i)];
      for (TensorId id : n.inputs)
        if (id != kNoTensor && root_of(id) == in) last_read = std::max(last_read, i);
      for (TensorId id : n.outputs)
        if (id != kNoTensor && root_of(id) == out) first_write = std::min(first_write, i);
    }
    // one node reading the state and writing its successor: a recurrent layer reads each
    // direction's initial state (inputs 5, 6) before it writes that direction's final state
    // (outputs 1, 2) at the same offsets
    bool same_node_ok = false;
    if (first_write == last_read && first_write >= 0 && first_write < steps) {
      const Node& n = g.nodes[static_cast<size_t>(first_write)];
      if (is_recurrent(n.op)) {
        same_node_ok = true;
        for (size_t k = 0; k < n.inputs.size(); ++k)
          if (n.inputs[k] != kNoTensor && root_of(n.inputs[k]) == in) {
            const size_t o = k == 5 ? 1 : k == 6 ? 2 : 0;
            if (!o || o >= n.outputs.size() || n.outputs[o] == kNoTensor || root_of(n.outputs[o]) != out)
              same_node_ok = false;
          }
      }
    }
    const size_t in_off = slot(in, bytes);
    if (out == in || first_write > last_read || same_node_ok) {
      plan.state_offset[out] = in_off;
      placed.insert(out);
      continue;
    }
    const size_t out_off = slot(out, bytes);
    plan.state_copies.push_back({out_off, in_off, bytes});
  }
  for (const auto& [view, root] : views)
    if (plan.state_offset.count(root)) plan.state_offset[view] = plan.state_offset[root];
  plan.states_bytes = align(plan.states_bytes);
  return placed;
}

size_t align_up(size_t v, size_t alignment) { return (v + alignment - 1) / alignment * alignment; }

// The largest sum of simultaneously live bytes: no placement can do better.
size_t live_bound(const std::vector<Block>& list, int steps) {
  size_t bound = 0;
  for (int i = 0; i < std::max(steps, 1); ++i) {
    size_t live = 0;
    for (const auto& b : list)
      if (b.first <= i && i <= b.last) live += b.size;
    bound = std::max(bound, live);
  }
  return bound;
}

// The offset of `b` among the blocks `placed` (at their .offset) that overlap it in time: the
// first gap that holds it, or the tightest one (best fit), or after all of them.
size_t free_offset(const Block& b, const std::vector<Block>& list, const std::vector<size_t>& placed, bool best_fit,
                   size_t alignment) {
  std::vector<std::pair<size_t, size_t>> busy;
  for (size_t p : placed)
    if (!(list[p].last < b.first || b.last < list[p].first)) busy.emplace_back(list[p].offset, list[p].offset + list[p].size);
  std::sort(busy.begin(), busy.end());
  size_t off = 0, best = SIZE_MAX, best_gap = SIZE_MAX;
  for (auto [s0, e0] : busy) {
    if (off + b.size <= s0) {
      const size_t gap = s0 - off;
      if (!best_fit) return off;
      if (gap < best_gap) {
        best_gap = gap;
        best = off;
      }
    }
    off = std::max(off, align_up(e0, alignment));
  }
  return best == SIZE_MAX ? off : best;
}

// Several greedy placements (orderings x first-fit/best-fit), each placing blocks one by one at
// a free offset over their lifetime; the smallest wins. Sets each block's offset, returns the
// bytes they span.
size_t place_best(std::vector<Block>& list, size_t alignment) {
  auto place = [&](const std::vector<size_t>& order, bool best_fit) {
    size_t total = 0;
    std::vector<size_t> placed;
    for (size_t idx : order) {
      list[idx].offset = free_offset(list[idx], list, placed, best_fit, alignment);
      placed.push_back(idx);
      total = std::max(total, list[idx].offset + list[idx].size);
    }
    return total;
  };
  std::vector<size_t> base(list.size());
  for (size_t i = 0; i < base.size(); ++i) base[i] = i;
  std::vector<std::vector<size_t>> orders;
  auto by = [&](auto less) {
    std::vector<size_t> o = base;
    std::stable_sort(o.begin(), o.end(), less);
    orders.push_back(o);
  };
  by([&](size_t a, size_t b) {  // largest first
    return list[a].size != list[b].size ? list[a].size > list[b].size : list[a].first < list[b].first;
  });
  by([&](size_t a, size_t b) {  // longest-lived first
    const int la = list[a].last - list[a].first, lb = list[b].last - list[b].first;
    return la != lb ? la > lb : list[a].size > list[b].size;
  });
  by([&](size_t a, size_t b) {  // largest area (bytes x steps) first
    const size_t aa = list[a].size * static_cast<size_t>(list[a].last - list[a].first + 1);
    const size_t ab = list[b].size * static_cast<size_t>(list[b].last - list[b].first + 1);
    return aa != ab ? aa > ab : list[a].first < list[b].first;
  });
  by([&](size_t a, size_t b) { return list[a].first != list[b].first ? list[a].first < list[b].first : list[a].size > list[b].size; });
  size_t best_total = SIZE_MAX;
  std::vector<size_t> best_offsets;
  for (const auto& order : orders)
    for (bool fit : {false, true}) {
      const size_t t = place(order, fit);
      if (t < best_total) {
        best_total = t;
        best_offsets.clear();
        for (const auto& b : list) best_offsets.push_back(b.offset);
      }
    }
  for (size_t i = 0; i < list.size(); ++i) list[i].offset = best_offsets[i];
  return list.empty() ? 0 : best_total;
}

// --memory-pool: the most used blocks first (then the smaller), each into the fastest region
// that still holds it (at a free offset, else with the region planned again); then each region
// planned again on its own. Fills the regions' bytes and bounds.
void assign_regions(const Graph& g, std::vector<Block>& list, std::vector<RegionUse>& regions, int steps,
                    size_t alignment) {
  std::vector<size_t> order(list.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return list[a].uses != list[b].uses ? list[a].uses > list[b].uses : list[a].size < list[b].size;
  });
  std::vector<std::vector<size_t>> members(regions.size());
  auto replan = [&](const std::vector<size_t>& idx) {  // the region's blocks placed anew
    std::vector<Block> sub;
    for (size_t i : idx) sub.push_back(list[i]);
    const size_t total = place_best(sub, alignment);
    return std::make_pair(total, sub);
  };
  std::vector<size_t> used(regions.size(), 0);
  for (size_t idx : order) {
    Block& b = list[idx];
    bool done = false;
    for (size_t r = 0; r < regions.size() && !done; ++r) {
      if (b.size > regions[r].capacity) continue;
      b.offset = free_offset(b, list, members[r], true, alignment);
      if (b.offset + b.size <= regions[r].capacity) {
        used[r] = std::max(used[r], b.offset + b.size);
      } else {
        std::vector<size_t> with = members[r];
        with.push_back(idx);
        auto [total, sub] = replan(with);
        if (total > regions[r].capacity) continue;
        for (size_t k = 0; k < with.size(); ++k) list[with[k]].offset = sub[k].offset;
        used[r] = total;
      }
      b.region = static_cast<int>(r);
      members[r].push_back(idx);
      done = true;
    }
    if (!done) {
      std::string where;
      for (const auto& r : regions) where += (where.empty() ? "" : ", ") + r.name + " " + std::to_string(r.capacity) + " B";
      const std::string what = b.tensor != kNoTensor ? "tensor '" + g.t(b.tensor).name + "'"
                                                     : "the scratch of node '" + g.nodes[static_cast<size_t>(b.node)].name + "'";
      fail(g.model_path, "--memory-pool: " + what + " (" + std::to_string(b.size) + " B, live over layers " +
                             std::to_string(b.first) + ".." + std::to_string(b.last) + ") fits in no region (" + where +
                             ") beside what is live with it");
    }
  }
  for (size_t r = 0; r < regions.size(); ++r) {
    auto [total, sub] = replan(members[r]);
    if (total <= used[r]) {
      for (size_t k = 0; k < members[r].size(); ++k) list[members[r][k]].offset = sub[k].offset;
      used[r] = total;
    }
    regions[r].bytes = members[r].empty() ? 0 : align_up(used[r], alignment);
    regions[r].lower_bound = live_bound(sub, steps);
  }
}

// The plan with every required scratch and the optional scratch of the nodes in `granted`
// (all of them when `granted` is null).
// The roots (and their views) that live in the application's I/O buffers instead of the
// activations: an output sharing bytes with an input or a state stays planned.
std::map<TensorId, std::pair<bool, size_t>> app_buffer_roots(const Graph& g, const AppBuffers& app,
                                                            const std::map<TensorId, TensorId>& views,
                                                            const std::set<TensorId>& in_states, MemoryPlan& plan) {
  std::map<TensorId, std::pair<bool, size_t>> app_root;
  for (bool output : {false, true}) {
    if (!(output ? app.outputs : app.inputs)) continue;
    const auto& io = output ? g.outputs : g.inputs;
    size_t k = 0;
    for (size_t i = 0; i < io.size(); ++i) {
      if (output ? g.is_state_output(i) : g.is_state_input(i)) continue;
      const auto view = views.find(io[i]);
      const TensorId r = view == views.end() ? io[i] : view->second;
      if (!in_states.count(r) && !app_root.count(r) && !(output && g.is_graph_input(r))) app_root[r] = {output, k};
      ++k;
    }
  }
  for (const auto& [r, where] : app_root) plan.app_buffer[r] = where;
  for (const auto& [view, root] : views)
    if (app_root.count(root)) plan.app_buffer[view] = app_root.at(root);
  return app_root;
}

MemoryPlan plan_with(const Graph& g, size_t alignment, const std::set<int>* granted, AppBuffers app,
                     const std::vector<MemoryRegion>& regions) {
  MemoryPlan plan;
  plan.alignment = alignment;
  const int steps = static_cast<int>(g.nodes.size());
  const auto views = shared_sources(g);
  auto root_of = [&](TensorId id) {
    auto it = views.find(id);
    return it == views.end() ? id : it->second;
  };
  const std::set<TensorId> in_states = plan_states(g, views, plan);
  const auto app_root = app_buffer_roots(g, app, views, in_states, plan);
  std::map<TensorId, Block> blocks;  // by root tensor
  auto touch = [&](TensorId id, int step, bool counted) {
    if (id == kNoTensor || g.t(id).is_const) return;
    const TensorId r = root_of(id);
    if (in_states.count(r) || app_root.count(r)) return;
    auto [it, inserted] = blocks.try_emplace(r);
    Block& b = it->second;
    if (inserted) {
      b.tensor = r;
      b.first = b.last = step;
    }
    b.size = std::max(b.size, g.t(id).bytes());
    if (counted) ++b.uses;
    b.first = std::min(b.first, step);
    b.last = std::max(b.last, step);
  };
  for (TensorId in : g.inputs) touch(in, 0, false);
  for (int i = 0; i < steps; ++i) {
    for (TensorId id : g.nodes[static_cast<size_t>(i)].inputs) touch(id, i, true);
    for (TensorId id : g.nodes[static_cast<size_t>(i)].outputs) touch(id, i, true);
  }
  for (TensorId out : g.outputs) touch(out, std::max(steps - 1, 0), false);
  std::vector<Block> list;
  for (auto& [id, b] : blocks) list.push_back(b);
  for (int i = 0; i < steps; ++i) {
    const Node& n = g.nodes[static_cast<size_t>(i)];
    const ops::OpDef* def = ops::find_op(n.op);
    if (!def || !def->scratch) continue;
    if (def->scratch_optional && granted && !granted->count(i)) continue;
    const size_t s = def->scratch(g, n);
    if (!s) continue;
    Block b;
    b.node = i;
    b.size = s;
    b.first = b.last = i;
    b.uses = 2;  // written and read again within its node
    list.push_back(b);
  }
  plan.lower_bound = live_bound(list, steps);
  if (regions.empty()) {
    plan.activations_bytes = align_up(place_best(list, alignment), alignment);
  } else {
    for (const auto& r : regions) plan.regions.push_back({r.name, r.size, 0, 0});
    assign_regions(g, list, plan.regions, steps, alignment);
    for (const auto& r : plan.regions) plan.activations_bytes += r.bytes;
  }
  for (const auto& b : list) {
    if (b.tensor != kNoTensor) {
      plan.offset[b.tensor] = b.offset;
      if (b.region) plan.region[b.tensor] = b.region;
    } else {
      plan.scratch_offset[b.node] = b.offset;
      plan.scratch_size[b.node] = b.size;
      if (b.region) plan.scratch_region[b.node] = b.region;
    }
  }
  for (const auto& [view, root] : views) {
    if (plan.offset.count(root)) plan.offset[view] = plan.offset[root];
    if (plan.region.count(root)) plan.region[view] = plan.region[root];
  }
  plan.blocks = list;
  return plan;
}

}  // namespace

MemoryPlan plan_memory(const Graph& g, size_t alignment, AppBuffers app, const std::vector<MemoryRegion>& regions) {
  if (policy(g.optimization).always_grant_optional_scratch) return plan_with(g, alignment, nullptr, app, regions);
  // --optimization ram: the smallest buffer first, then each optional scratch (a faster kernel
  // path) that fits in it without growing it
  std::set<int> granted;
  MemoryPlan best = plan_with(g, alignment, &granted, app, regions);
  for (int i = 0; i < static_cast<int>(g.nodes.size()); ++i) {
    const ops::OpDef* def = ops::find_op(g.nodes[static_cast<size_t>(i)].op);
    if (!def || !def->scratch || !def->scratch_optional || !def->scratch(g, g.nodes[static_cast<size_t>(i)])) continue;
    granted.insert(i);
    try {
      MemoryPlan p = plan_with(g, alignment, &granted, app, regions);
      if (p.activations_bytes <= best.activations_bytes) {
        best = std::move(p);
        continue;
      }
    } catch (const CompileError&) {  // the memory pool's regions cannot hold this scratch too
    }
    granted.erase(i);
  }
  return best;
}

}  // namespace eg::plan
