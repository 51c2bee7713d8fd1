// Transposes cost a copy; most are layout artefacts. Repeatedly:
//  - sink a transpose below element-wise single-input ops (Relu, Clip, Q/DQ)
//  - compose two consecutive transposes into one
//  - drop identity transposes
//  - a transpose that only moves unit axes keeps the byte order: a free view
#include "ops/common.h"
#include "ops/registry.h"
#include "ops/families.h"
#include "passes/passes.h"

namespace eg::passes {
namespace {

bool is_identity(const std::vector<int64_t>& p) {
  for (size_t i = 0; i < p.size(); ++i)
    if (p[i] != static_cast<int64_t>(i)) return false;
  return true;
}

// True when the permutation keeps the relative order of all non-unit axes.
bool only_moves_unit_axes(const Shape& in, const std::vector<int64_t>& p) {
  int64_t prev = -1;
  for (auto a : p) {
    if (in[static_cast<size_t>(a)] == 1) continue;
    if (a < prev) return false;
    prev = a;
  }
  return true;
}

// One varying input, element-wise (OpDef::inplace), other inputs scalar
// constants: such an op commutes with any transpose.
bool elementwise_unary(const Graph& g, const Node& n) {
  if (n.op == "QuantizeLinear" || n.op == "DequantizeLinear")
    return ops::has_in(n, 1) && g.t(n.inputs[1]).elements() == 1;
  const ops::OpDef* def = ops::find_op(n.op);
  if (!def || !def->inplace || n.inputs.empty() || n.inputs[0] == kNoTensor || n.outputs.size() != 1) return false;
  if (g.t(n.inputs[0]).shape != g.t(n.outputs[0]).shape) return false;
  for (size_t i = 1; i < n.inputs.size(); ++i)
    if (n.inputs[i] != kNoTensor && (!g.t(n.inputs[i]).is_const || g.t(n.inputs[i]).elements() != 1)) return false;
  return true;
}

bool sink_one(Graph& g) {
  for (size_t k = 0; k < g.nodes.size(); ++k) {
    if (g.nodes[k].op != "Transpose") continue;
    int c = -1;
    if (!single_consumer(g, g.nodes[k].outputs[0], &c)) continue;
    Node& e = g.nodes[static_cast<size_t>(c)];
    if (!elementwise_unary(g, e) || g.is_graph_output(e.outputs[0])) continue;
    // T: x -> t ; E: t -> y   becomes   E: x -> e' ; T: e' -> y
    Node& t = g.nodes[k];
    const TensorId x = t.inputs[0], y = e.outputs[0];
    Tensor mid = g.t(y);
    mid.name = g.unique_name(mid.name + "_pre");
    mid.shape = g.t(x).shape;
    const TensorId m = g.add_tensor(mid);
    Node tn = g.nodes[k], en = e;
    en.inputs[0] = x;
    en.outputs[0] = m;
    tn.inputs[0] = m;
    tn.outputs[0] = y;
    g.nodes[k] = en;
    g.nodes[static_cast<size_t>(c)] = tn;
    return true;
  }
  return false;
}

// Add(T(a), T(b)) with equal permutations and shapes -> T(Add(a, b)).
bool sink_binary_one(Graph& g) {
  static const char* kOps[] = {"Add", "Sub", "Mul", "Div", "Max", "Min"};
  for (size_t k = 0; k < g.nodes.size(); ++k) {
    Node& e = g.nodes[k];
    bool is_bin = false;
    for (const char* o : kOps) is_bin |= e.op == o;
    if (!is_bin || e.inputs.size() != 2 || g.is_graph_output(e.outputs[0])) continue;
    const int pa = g.producer(e.inputs[0]), pb = g.producer(e.inputs[1]);
    if (pa < 0 || pb < 0 || pa == pb) continue;
    const Node& ta = g.nodes[static_cast<size_t>(pa)];
    const Node& tb = g.nodes[static_cast<size_t>(pb)];
    if (ta.op != "Transpose" || tb.op != "Transpose") continue;
    if (!single_consumer(g, ta.outputs[0]) || !single_consumer(g, tb.outputs[0])) continue;
    const TensorId a = ta.inputs[0], b = tb.inputs[0];
    if (g.t(a).shape != g.t(b).shape) continue;
    if (ops::perm_of(ta, g.t(a).shape.size()) != ops::perm_of(tb, g.t(b).shape.size())) continue;
    const TensorId y = e.outputs[0];
    Tensor mid = g.t(y);
    mid.name = g.unique_name(mid.name + "_pre");
    mid.shape = g.t(a).shape;
    const TensorId m = g.add_tensor(mid);
    Node t = g.nodes[static_cast<size_t>(pa)];
    t.inputs[0] = m;
    t.outputs[0] = y;
    t.name = e.name + "_transpose";
    Node& e2 = g.nodes[k];
    e2.inputs = {a, b};
    e2.outputs[0] = m;
    g.nodes.insert(g.nodes.begin() + static_cast<long>(k) + 1, t);
    return true;  // the two old transposes are now dead
  }
  return false;
}

bool is_binary_eltwise(const Node& n) {
  return (n.op == "Add" || n.op == "Sub" || n.op == "Mul" || n.op == "Div" || n.op == "Max" || n.op == "Min") &&
         n.inputs.size() == 2;
}

// A transpose read by several nodes is split into one per reader when at most
// one reader cannot absorb it (another transpose composes with it, element-wise
// ops let it sink): the absorbed copies then cost nothing, the rest no more
// than before.
bool split_one(Graph& g) {
  for (size_t k = 0; k < g.nodes.size(); ++k) {
    if (g.nodes[k].op != "Transpose") continue;
    const TensorId out = g.nodes[k].outputs[0];
    const auto readers = g.consumers(out);
    if (readers.size() < 2 || g.is_graph_output(out)) continue;
    int stuck = 0;
    for (int r : readers) {
      const Node& n = g.nodes[static_cast<size_t>(r)];
      const bool absorbs = n.op == "Transpose" || (elementwise_unary(g, n) && n.inputs[0] == out) ||
                           is_binary_eltwise(n);
      stuck += !absorbs;
    }
    if (stuck > 1) continue;
    // keep the first reader on the original; give every other reader its own copy
    std::vector<Node> copies;
    for (size_t i = 1; i < readers.size(); ++i) {
      Tensor t = g.t(out);
      t.name = g.unique_name(t.name + "_split");
      const TensorId id = g.add_tensor(t);
      Node c = g.nodes[k];
      c.name = g.nodes[k].name + "_split" + std::to_string(i);
      c.outputs[0] = id;
      for (auto& in : g.nodes[static_cast<size_t>(readers[i])].inputs)
        if (in == out) in = id;
      copies.push_back(c);
    }
    g.nodes.insert(g.nodes.begin() + static_cast<long>(k) + 1, copies.begin(), copies.end());
    return true;
  }
  return false;
}

bool compose_one(Graph& g) {
  for (size_t k = 0; k < g.nodes.size(); ++k) {
    if (g.nodes[k].op != "Transpose") continue;
    int c = -1;
    if (!single_consumer(g, g.nodes[k].outputs[0], &c) || g.nodes[static_cast<size_t>(c)].op != "Transpose") continue;
    const Node& a = g.nodes[k];
    Node& b = g.nodes[static_cast<size_t>(c)];
    const auto pa = ops::perm_of(a, g.t(a.inputs[0]).shape.size());
    const auto pb = ops::perm_of(b, pa.size());
    std::vector<int64_t> p;
    for (auto i : pb) p.push_back(pa[static_cast<size_t>(i)]);
    b.inputs[0] = a.inputs[0];
    b.attrs["perm"] = p;
    b.origin.insert(b.origin.begin(), a.origin.begin(), a.origin.end());
    g.nodes.erase(g.nodes.begin() + static_cast<long>(k));
    return true;
  }
  return false;
}

}  // namespace

void transpose_cleanup(Graph& g, PassLog& log) {
  int sunk = 0, composed = 0, dropped = 0, viewed = 0, split = 0;
  for (int guard = 0; guard < 10000; ++guard) {
    if (compose_one(g)) {
      ++composed;
      continue;
    }
    if (sink_one(g)) {
      ++sunk;
      continue;
    }
    if (sink_binary_one(g)) {
      PassLog quiet;
      dead_code(g, quiet);
      ++sunk;
      continue;
    }
    if (split_one(g)) {
      ++split;
      continue;
    }
    break;
  }
  for (auto& n : g.nodes) {
    if (n.op != "Transpose") continue;
    const Shape& in = g.t(n.inputs[0]).shape;
    const auto p = ops::perm_of(n, in.size());
    if (is_identity(p) || only_moves_unit_axes(in, p)) {
      n.op = "Reshape";
      n.attrs.clear();
      const Shape& os = g.t(n.outputs[0]).shape;
      n.inputs.push_back(g.add_tensor(make_const(g.unique_name(n.name + "_shape"), DType::I64,
                                                 {static_cast<int64_t>(os.size())}, os)));
      ++(is_identity(p) ? dropped : viewed);
    }
  }
  if (sunk + composed + dropped + viewed)
    log.add("transpose-cleanup: " + std::to_string(split) + " split per reader, " + std::to_string(composed) +
            " composed, " + std::to_string(sunk) + " sunk, " +
            std::to_string(dropped) + " identity and " + std::to_string(viewed) +
            " unit-axis transpose(s) turned into free views");
}

}  // namespace eg::passes
