// If, Loop and Scan, expanded in place while shapes are inferred: an If with a
// constant condition becomes its taken branch, one with a run-time condition
// both branches and a Where per output; a Loop with a constant trip count (and a condition that folds) and a
// Scan over a static sequence are unrolled, one body copy per iteration, body
// tensors renamed per copy and outer-scope names resolved (nested bodies too).
#include "ops/control_flow.h"

#include <algorithm>
#include <map>

#include "ops/common.h"
#include "ops/registry.h"

namespace eg::ops {
namespace {

constexpr int64_t kMaxIterations = 4096;

bool defined_in(const Graph& b, TensorId id) {
  return b.t(id).is_const || b.is_graph_input(id) || b.producer(id) >= 0;
}

// A copy of `sub` whose outer-scope references are renamed by `ren` (recursively, except where a
// nested body defines the name itself).
Subgraph renamed(const Graph& sub, const std::map<std::string, std::string>& ren) {
  auto copy = std::make_shared<Graph>(sub);
  std::map<std::string, std::string> inner = ren;
  for (size_t i = 0; i < copy->tensors.size(); ++i) {
    const TensorId id = static_cast<TensorId>(i);
    if (defined_in(*copy, id)) {
      inner.erase(copy->t(id).name);
      continue;
    }
    auto it = ren.find(copy->t(id).name);
    if (it != ren.end()) copy->t(id).name = it->second;
  }
  for (auto& n : copy->nodes)
    for (auto& [k, v] : n.attrs)
      if (auto* s = std::get_if<Subgraph>(&v)) v = renamed(**s, inner);
  return copy;
}

// Splices a copy of `body` into `out`: body inputs bound to `args`, constants copied, produced
// tensors renamed "<prefix>/<name>", outer names looked up in g. Returns the body outputs.
std::vector<TensorId> inline_body(Graph& g, const Node& owner, const Graph& body, const std::vector<TensorId>& args,
                                  const std::string& prefix, std::vector<Node>& out) {
  if (args.size() != body.inputs.size())
    bad(g, owner, "body takes " + std::to_string(body.inputs.size()) + " inputs, given " + std::to_string(args.size()));
  std::vector<TensorId> map(body.tensors.size(), kNoTensor);
  std::map<std::string, std::string> ren;
  for (size_t k = 0; k < args.size(); ++k) {
    map[static_cast<size_t>(body.inputs[k])] = args[k];
    if (args[k] != kNoTensor) ren[body.t(body.inputs[k]).name] = g.t(args[k]).name;
  }
  for (size_t i = 0; i < body.tensors.size(); ++i) {
    const TensorId id = static_cast<TensorId>(i);
    if (map[i] != kNoTensor || body.is_graph_input(id)) continue;
    const Tensor& bt = body.t(id);
    if (bt.is_const || body.producer(id) >= 0) {
      Tensor t = bt;
      t.name = g.unique_name(prefix + "/" + bt.name);
      if (!bt.is_const) {
        t.shape_known = false;
        t.dtype = DType::Undefined;
      }
      map[i] = g.add_tensor(std::move(t));
      ren[bt.name] = g.t(map[i]).name;
      continue;
    }
    auto outer = g.find_tensor(bt.name);
    if (!outer) bad(g, owner, "body reads '" + bt.name + "', which no enclosing scope defines");
    map[i] = *outer;
  }
  const auto owner_guard = guard_of(owner);
  for (const Node& bn : body.nodes) {
    Node n = bn;
    n.name = prefix + "/" + bn.name;
    n.origin = owner.origin;
    if (!owner_guard.empty()) {  // a body inside a run-time branch runs under that branch's condition
      auto guard = owner_guard;
      const auto own = guard_of(bn);
      guard.insert(guard.end(), own.begin(), own.end());
      n.attrs[kGuard] = guard;
    }
    for (auto& id : n.inputs)
      if (id != kNoTensor) id = map[static_cast<size_t>(id)];
    for (auto& id : n.outputs)
      if (id != kNoTensor) id = map[static_cast<size_t>(id)];
    for (auto& [k, v] : n.attrs)
      if (auto* s = std::get_if<Subgraph>(&v)) v = renamed(**s, ren);
    out.push_back(std::move(n));
  }
  std::vector<TensorId> res;
  for (TensorId o : body.outputs) res.push_back(map[static_cast<size_t>(o)]);
  return res;
}

}  // namespace

Node simple(const Node& owner, const std::string& op, const std::string& suffix, std::vector<TensorId> in,
            std::vector<TensorId> outs) {
  Node n;
  if (owner.has_attr(kGuard)) n.attrs[kGuard] = owner.attrs.at(kGuard);
  n.name = owner.name + "/" + suffix;
  n.op = op;
  n.inputs = std::move(in);
  n.outputs = std::move(outs);
  n.origin = owner.origin;
  return n;
}

TensorId const_i64(Graph& g, const std::string& base, Shape shape, std::vector<int64_t> v) {
  return g.add_tensor(make_const(g.unique_name(base), DType::I64, std::move(shape), v));
}

void replace_node(Graph& g, size_t i, std::vector<Node> nodes) {
  g.nodes.erase(g.nodes.begin() + static_cast<long>(i));
  g.nodes.insert(g.nodes.begin() + static_cast<long>(i), nodes.begin(), nodes.end());
}

namespace {

bool const_true(const Graph& g, TensorId id) {
  const auto v = g.t(id).as_int64();
  return !v.empty() && v[0] != 0;
}

// A condition known only at run time: both branches are compiled and each output is selected by
// the condition (Where), so the network stays straight-line C.
bool expand_if_runtime(Graph& g, size_t i) {
  const Node n = g.nodes[i];
  const Graph* then_b = n.attr_graph("then_branch");
  const Graph* else_b = n.attr_graph("else_branch");
  if (!then_b || !else_b) bad(g, n, "missing branch subgraph");
  std::vector<Node> nodes;
  // each branch's nodes run only when the condition selects it (the emitter's `if`); a skipped
  // branch leaves its outputs stale, and the Where ignores them
  const std::string cond = g.t(n.inputs[0]).name;
  auto branch = [&](const Graph& body, const char* tag, const std::string& guard) {
    const size_t first = nodes.size();
    auto outs = inline_body(g, n, body, {}, n.name + tag, nodes);
    for (size_t k = first; k < nodes.size(); ++k) {
      // inline_body put the If's own guard first; the branch condition follows it
      const auto outer = guard_of(n), own = guard_of(nodes[k]);
      std::vector<std::string> gl = outer;
      gl.push_back(guard);
      gl.insert(gl.end(), own.begin() + static_cast<long>(std::min(own.size(), outer.size())), own.end());
      nodes[k].attrs[kGuard] = gl;
    }
    return outs;
  };
  const auto a = branch(*then_b, "/then", "+" + cond);
  const auto b = branch(*else_b, "/else", "-" + cond);
  if (a.size() != n.outputs.size() || b.size() != n.outputs.size())
    bad(g, n, "branch output count differs from the node's");
  for (size_t k = 0; k < a.size(); ++k)
    if (n.outputs[k] != kNoTensor)
      nodes.push_back(simple(n, "Where", "select" + std::to_string(k), {n.inputs[0], a[k], b[k]}, {n.outputs[k]}));
  replace_node(g, i, std::move(nodes));
  return true;
}

bool expand_if(Graph& g, size_t i) {
  const Node n = g.nodes[i];
  const TensorId c = n.in(0);
  if (c == kNoTensor) bad(g, n, "missing condition");
  if (!g.t(c).is_const) return g.t(c).shape_known ? expand_if_runtime(g, i) : false;
  const Graph* branch = n.attr_graph(const_true(g, c) ? "then_branch" : "else_branch");
  if (!branch) bad(g, n, "missing branch subgraph");
  std::vector<Node> nodes;
  const auto outs = inline_body(g, n, *branch, {}, n.name + (const_true(g, c) ? "/then" : "/else"), nodes);
  if (outs.size() != n.outputs.size()) bad(g, n, "branch output count differs from the node's");
  for (size_t k = 0; k < outs.size(); ++k)
    if (n.outputs[k] != kNoTensor) nodes.push_back(simple(n, "Identity", "out" + std::to_string(k), {outs[k]}, {n.outputs[k]}));
  replace_node(g, i, std::move(nodes));
  return true;
}

// Loop inputs: M, cond, v_initial...; after expansion the remaining iterations are a Loop node of
// the same body with attributes eg_done (iterations expanded) and eg_scans (scan outputs), whose
// extra inputs are the scan slices produced so far (iteration-major).
bool expand_loop(Graph& g, size_t i) {
  const Node n = g.nodes[i];
  const Graph* body = n.attr_graph("body");
  if (!body) bad(g, n, "missing body subgraph");
  const TensorId m = n.in(0), c = n.in(1);
  if ((m != kNoTensor && !g.t(m).is_const) || (c != kNoTensor && !g.t(c).is_const)) return false;
  const int64_t done = n.attr_int("eg_done", 0);
  const size_t nv = body->inputs.size() - 2;  // loop-carried values
  const size_t nscan = body->outputs.size() - 1 - nv;
  if (n.outputs.size() > nv + nscan) bad(g, n, "more outputs than the body gives");
  const int64_t left = m == kNoTensor ? kMaxIterations : g.t(m).as_int64().at(0);
  const bool go = left > 0 && (c == kNoTensor || const_true(g, c));
  if (m == kNoTensor && done >= kMaxIterations)
    bad(g, n, "the loop did not end within " + std::to_string(kMaxIterations) + " iterations at compile time");
  std::vector<TensorId> v(n.inputs.begin() + 2, n.inputs.begin() + 2 + static_cast<long>(nv));
  std::vector<TensorId> parts(n.inputs.begin() + 2 + static_cast<long>(nv), n.inputs.end());
  std::vector<Node> nodes;
  if (!go) {
    for (size_t k = 0; k < nv && k < n.outputs.size(); ++k)
      if (n.outputs[k] != kNoTensor) nodes.push_back(simple(n, "Identity", "v" + std::to_string(k), {v[k]}, {n.outputs[k]}));
    for (size_t s = 0; s < nscan && nv + s < n.outputs.size(); ++s) {
      const TensorId o = n.outputs[nv + s];
      if (o == kNoTensor) continue;
      if (done == 0) bad(g, n, "a loop that runs zero times has empty scan outputs, which static code cannot hold");
      std::vector<TensorId> slices;
      for (int64_t it = 0; it < done; ++it) {
        Tensor t;
        t.name = g.unique_name(n.name + "/scan" + std::to_string(s) + "_" + std::to_string(it));
        const TensorId u = g.add_tensor(std::move(t));
        nodes.push_back(simple(n, "Unsqueeze", "unsq" + std::to_string(s) + "_" + std::to_string(it),
                               {parts[static_cast<size_t>(it) * nscan + s], const_i64(g, n.name + "/axis0", {1}, {0})},
                               {u}));
        slices.push_back(u);
      }
      Node cat = simple(n, "Concat", "scan" + std::to_string(s), slices, {o});
      cat.attrs["axis"] = int64_t{0};
      nodes.push_back(std::move(cat));
    }
    replace_node(g, i, std::move(nodes));
    return true;
  }
  const std::string prefix = n.name + "/iter" + std::to_string(done);
  std::vector<TensorId> args = {const_i64(g, prefix + "/i", {}, {done}),
                                c == kNoTensor ? g.add_tensor(make_const(g.unique_name(prefix + "/cond"), DType::Bool,
                                                                         {}, std::vector<uint8_t>{1}))
                                               : c};
  args.insert(args.end(), v.begin(), v.end());
  const auto outs = inline_body(g, n, *body, args, prefix, nodes);
  Node rest = n;
  rest.inputs = {m == kNoTensor ? kNoTensor : const_i64(g, n.name + "/trip", {}, {left - 1}), outs[0]};
  rest.inputs.insert(rest.inputs.end(), outs.begin() + 1, outs.begin() + 1 + static_cast<long>(nv));
  rest.inputs.insert(rest.inputs.end(), parts.begin(), parts.end());
  rest.inputs.insert(rest.inputs.end(), outs.begin() + 1 + static_cast<long>(nv), outs.end());
  rest.attrs["eg_done"] = done + 1;
  nodes.push_back(std::move(rest));
  replace_node(g, i, std::move(nodes));
  return true;
}

// Scan: the body runs once per slice of the scan inputs (static length), its state outputs feed
// the next step, its scan outputs are stacked along their axes.
bool expand_scan(Graph& g, size_t i) {
  const Node n = g.nodes[i];
  const Graph* body = n.attr_graph("body");
  if (!body) bad(g, n, "missing body subgraph");
  const size_t nsi = static_cast<size_t>(n.attr_int("num_scan_inputs", 0));
  if (nsi == 0 || nsi > n.inputs.size()) bad(g, n, "num_scan_inputs out of range");
  const size_t nst = n.inputs.size() - nsi;
  const size_t nso = body->outputs.size() - nst;
  for (TensorId id : n.inputs)
    if (id != kNoTensor && !g.t(id).shape_known) return false;
  const auto in_axes = n.attr_ints("scan_input_axes", std::vector<int64_t>(nsi, 0));
  const auto in_dirs = n.attr_ints("scan_input_directions", std::vector<int64_t>(nsi, 0));
  const auto out_axes = n.attr_ints("scan_output_axes", std::vector<int64_t>(nso, 0));
  const auto out_dirs = n.attr_ints("scan_output_directions", std::vector<int64_t>(nso, 0));
  int64_t len = -1;
  std::vector<int64_t> axis(nsi);
  for (size_t k = 0; k < nsi; ++k) {
    const Tensor& x = g.t(n.inputs[nst + k]);
    axis[k] = norm_axis(g, n, k < in_axes.size() ? in_axes[k] : 0, x.shape.size());
    const int64_t l = x.shape[static_cast<size_t>(axis[k])];
    if (len >= 0 && l != len) bad(g, n, "scan inputs differ in sequence length");
    len = l;
  }
  if (len <= 0) bad(g, n, "empty scan sequence");
  if (len > kMaxIterations) bad(g, n, "scan sequence longer than " + std::to_string(kMaxIterations) + " steps");
  std::vector<Node> nodes;
  std::vector<TensorId> state(n.inputs.begin(), n.inputs.begin() + static_cast<long>(nst));
  std::vector<std::vector<TensorId>> slices(nso);
  for (int64_t t = 0; t < len; ++t) {
    const std::string prefix = n.name + "/step" + std::to_string(t);
    std::vector<TensorId> args = state;
    for (size_t k = 0; k < nsi; ++k) {
      const int64_t pos = k < in_dirs.size() && in_dirs[k] ? len - 1 - t : t;
      Tensor s;
      s.name = g.unique_name(prefix + "/x" + std::to_string(k));
      const TensorId sid = g.add_tensor(std::move(s));
      Node gat = simple(n, "Gather", "step" + std::to_string(t) + "_x" + std::to_string(k),
                        {n.inputs[nst + k], const_i64(g, prefix + "/pos", {}, {pos})}, {sid});
      gat.attrs["axis"] = axis[k];
      nodes.push_back(std::move(gat));
      args.push_back(sid);
    }
    const auto outs = inline_body(g, n, *body, args, prefix, nodes);
    state.assign(outs.begin(), outs.begin() + static_cast<long>(nst));
    for (size_t k = 0; k < nso; ++k) slices[k].push_back(outs[nst + k]);
  }
  for (size_t k = 0; k < nst && k < n.outputs.size(); ++k)
    if (n.outputs[k] != kNoTensor) nodes.push_back(simple(n, "Identity", "state" + std::to_string(k), {state[k]}, {n.outputs[k]}));
  for (size_t k = 0; k < nso && nst + k < n.outputs.size(); ++k) {
    const TensorId o = n.outputs[nst + k];
    if (o == kNoTensor) continue;
    const int64_t ax = k < out_axes.size() ? out_axes[k] : 0;
    std::vector<TensorId> parts;
    for (int64_t t = 0; t < len; ++t) {
      const int64_t src = k < out_dirs.size() && out_dirs[k] ? len - 1 - t : t;
      Tensor u;
      u.name = g.unique_name(n.name + "/y" + std::to_string(k) + "_" + std::to_string(t));
      const TensorId uid = g.add_tensor(std::move(u));
      nodes.push_back(simple(n, "Unsqueeze", "y" + std::to_string(k) + "_" + std::to_string(t),
                             {slices[k][static_cast<size_t>(src)], const_i64(g, n.name + "/yaxis", {1}, {ax})}, {uid}));
      parts.push_back(uid);
    }
    Node cat = simple(n, "Concat", "y" + std::to_string(k), parts, {o});
    cat.attrs["axis"] = ax;
    nodes.push_back(std::move(cat));
  }
  replace_node(g, i, std::move(nodes));
  return true;
}

void infer_unexpanded(Graph& g, const Node& n) {
  if (n.op == "If")
    bad(g, n, "the condition is computed at run time; only an If whose condition is known at compile time is "
              "supported (its taken branch is compiled)");
  if (n.op == "Loop")
    bad(g, n, "the trip count or the loop condition is computed at run time; a Loop must run a number of times "
              "known at compile time");
  bad(g, n, "the scan sequence length is not known at compile time");
}

}  // namespace

bool expand_control_flow(Graph& g, size_t i) {
  const std::string& op = g.nodes[i].op;
  if (op == "If") return expand_if(g, i);
  if (op == "Loop") return expand_loop(g, i);
  if (op == "Scan") return expand_scan(g, i);
  if (op == "Attention") return expand_attention(g, i);
  return false;
}

void register_control_flow() {
  for (const char* op : {"If", "Loop", "Scan"}) {
    register_op(make_op(op,
                        std::string(op) == "If"
                            ? "constant condition: the taken branch is compiled; run-time condition: "
                              "both branches, outputs selected (equal shapes)"
                        : std::string(op) == "Loop" ? "trip count and condition known at compile time (unrolled)"
                                                    : "static sequence length (unrolled)",
                        {"any (expanded at compile time)"}, {infer_unexpanded, {}, {}, {}, {}}));
  }
}

}  // namespace eg::ops
