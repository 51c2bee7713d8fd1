#include "ops/registry.h"

#include <algorithm>

#include "ops/control_flow.h"
#include "ops/families.h"
#include "util/error.h"

namespace eg::ops {
namespace {

// Most multiply-accumulates one constant node may cost to fold (a few seconds of reference code).
constexpr int64_t kMaxFoldMacc = int64_t{1} << 30;

std::map<std::string, OpDef>& table() {
  static std::map<std::string, OpDef> t;
  return t;
}

void ensure_registered() {
  static const bool done = [] {
    register_all_families();
    return true;
  }();
  (void)done;
}

}  // namespace

OpDef make_op(std::string op, std::string constraints, std::vector<std::string> dtypes, OpFns fns,
              std::string c_layer_type, QdqRole qdq) {
  OpDef d;
  d.op = std::move(op);
  d.constraints = std::move(constraints);
  d.dtypes = std::move(dtypes);
  d.infer = std::move(fns.infer);
  d.ref = std::move(fns.ref);
  d.check = std::move(fns.check);
  d.emit = std::move(fns.emit);
  d.macc = std::move(fns.macc);
  d.c_layer_type = std::move(c_layer_type);
  d.qdq = qdq;
  return d;
}

std::string any_config(const Graph&, const Node&) { return {}; }
int64_t macc_none(const Graph&, const Node&) { return 0; }
int64_t macc_per_output(const Graph& g, const Node& n) { return g.t(n.outputs[0]).elements(); }

void register_op(OpDef def) {
  std::string key = def.op;
  table()[key] = std::move(def);
}

const OpDef* find_op(const std::string& op) {
  ensure_registered();
  auto it = table().find(op);
  return it == table().end() ? nullptr : &it->second;
}

const std::map<std::string, OpDef>& all_ops() {
  ensure_registered();
  return table();
}

namespace {

// Runs one step (infer or ref) of node n; a ReasonError (size overflow, bad index...) is
// rethrown naming the model, node and op.
template <class F>
void located(const Graph& g, const Node& n, F&& step) {
  try {
    step();
  } catch (const ReasonError& e) {
    fail_node(g.model_path, n.name, n.op, e.what());
  }
}

}  // namespace

void infer_node(Graph& g, const Node& n) {
  const OpDef* def = find_op(n.op);
  if (!def || !def->infer) fail_node(g.model_path, n.name, n.op, "unsupported operator");
  located(g, n, [&] { def->infer(g, n); });
  // every output must be a tensor edgegen can hold, checked before anything is allocated
  for (TensorId id : n.outputs) {
    if (id == kNoTensor) continue;
    const std::string why = tensor_size_problem(g.t(id), g.max_tensor_bytes);
    if (!why.empty()) fail_node(g.model_path, n.name, n.op, why);
  }
}

void evaluate_node_into(Graph& g, const Node& n) {
  const OpDef* def = find_op(n.op);
  if (!def || !def->ref) fail_node(g.model_path, n.name, n.op, "no reference implementation");
  located(g, n, [&] {
    std::vector<const Tensor*> ins;
    for (TensorId id : n.inputs) ins.push_back(id == kNoTensor ? nullptr : &g.t(id));
    std::vector<Tensor*> outs;
    for (TensorId id : n.outputs) {
      if (id == kNoTensor) {
        outs.push_back(nullptr);
        continue;
      }
      Tensor& t = g.t(id);
      t.data.assign(t.bytes(), 0);
      outs.push_back(&t);
    }
    def->ref(n, ins, outs);
  });
  for (TensorId id : n.outputs)
    if (id != kNoTensor) g.t(id).is_const = true;
}

namespace {

// The schema's type rules of an imported node (Node::input_types), checked before any operator code
// reads the inputs: kernels and folding take the dtype of one input for all inputs of a type parameter.
void check_input_types(const Graph& g, const Node& n) {
  auto described = [&](size_t i) {
    const Tensor& t = g.t(n.inputs[i]);
    return "input " + std::to_string(i + 1) + " '" + t.name + "' (" + std::string(dtype_name(t.dtype)) + ")";
  };
  for (size_t i = 0; i < n.input_types.size() && i < n.inputs.size(); ++i) {
    if (n.inputs[i] == kNoTensor) continue;
    const DType d = g.t(n.inputs[i]).dtype;
    if (d == DType::Undefined) continue;  // not known here: the op's own inference decides
    const InputTypeRule& r = n.input_types[i];
    if (r.fixed != DType::Undefined && d != r.fixed)
      fail_node(g.model_path, n.name, n.op,
                described(i) + " must be " + std::string(dtype_name(r.fixed)) + " (ONNX operator schema)");
    if (r.param < 0) continue;
    for (size_t j = 0; j < i; ++j) {
      if (n.inputs[j] == kNoTensor || n.input_types[j].param != r.param) continue;
      const DType e = g.t(n.inputs[j]).dtype;
      if (e != DType::Undefined && e != d)
        fail_node(g.model_path, n.name, n.op,
                  described(i) + " must have the type of " + described(j) + " (one type parameter in the ONNX schema)");
    }
  }
}

}  // namespace

void infer_shapes(Graph& g, bool fold_constants, const std::vector<std::string>& keep_ops) {
  std::vector<Node> kept;
  kept.reserve(g.nodes.size());
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    while (i < g.nodes.size() && expand_control_flow(g, i)) {
    }
    if (i >= g.nodes.size()) break;
    const Node& n = g.nodes[i];
    const OpDef* def = find_op(n.op);
    if (!def || !def->infer) fail_node(g.model_path, n.name, n.op, "unsupported operator");
    check_input_types(g, n);
    infer_node(g, n);
    bool all_const = !n.inputs.empty() || n.op == "Constant";
    // Shape and Size read only the (static) shape of their input
    const bool shape_only = n.op == "Shape" || n.op == "Size";
    for (TensorId id : n.inputs)
      if (id != kNoTensor && !g.t(id).is_const && !(shape_only && g.t(id).shape_known)) all_const = false;
    const bool keep = std::find(keep_ops.begin(), keep_ops.end(), n.op) != keep_ops.end();
    bool any_output_is_graph_output = false;
    for (TensorId id : n.outputs)
      if (id != kNoTensor && g.is_graph_output(id)) any_output_is_graph_output = true;
    if (fold_constants && all_const && !keep && def->ref && !any_output_is_graph_output) {
      // folding runs the reference at compile time: bound its work as the sizes are bounded
      if (def->macc) {
        int64_t work = 0;
        try {
          work = def->macc(g, n);
        } catch (const ReasonError&) {
          work = INT64_MAX;
        }
        if (work > kMaxFoldMacc)
          fail_node(g.model_path, n.name, n.op,
                    "folding this constant node would take " + std::to_string(work) +
                        " multiply-accumulates at compile time (limit " + std::to_string(kMaxFoldMacc) + ")");
      }
      evaluate_node_into(g, n);
      continue;  // node replaced by its constant outputs
    }
    kept.push_back(n);
  }
  g.nodes = std::move(kept);
}

}  // namespace eg::ops
