// Data movement and shape ops: Transpose, Gather, and the view ops (Reshape,
// Squeeze, Unsqueeze, Flatten, Identity) that cost nothing at run time because
// the planner gives their output the input's bytes. Constant lives here too.
#include <algorithm>
#include <numeric>

#include "ops/emit_context.h"
#include "ops/common.h"
#include "ops/families.h"
#include "ops/registry.h"

namespace eg::ops {
namespace {

void ref_copy(const Node&, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  out[0]->data = in[0]->data;
}

void emit_view(EmitContext& ctx, const Graph& g, const Node& n) {
  const TensorId src = n.inputs[0], dst = n.outputs[0];
  if (n.op == "Dropout" && n.outputs.size() > 1 && n.outputs[1] != kNoTensor)  // inference: mask all ones
    ctx.emit("memset(" + ctx.ptr(n.outputs[1]) + ", 1, " + std::to_string(g.t(n.outputs[1]).bytes()) + ");");
  const auto a = ctx.offsets.of(src), b = ctx.offsets.of(dst);
  if (!g.t(src).is_const && a && b && *a == *b) {
    ctx.emit("/* view: shares the input's bytes */");
    return;
  }
  ctx.use("eg_move");
  ctx.emit("eg_copy(" + ctx.ptr(src) + ", " + ctx.ptr(dst) + ", " + std::to_string(g.t(dst).bytes()) + ");");
}

void infer_reshape(Graph& g, const Node& n) {
  const Tensor& x = in_t(g, n, 0);
  std::vector<int64_t> shape;
  if (n.op == "Reshape") {
    shape = const_ints(g, n, 1);
    const bool allowzero = n.attr_int("allowzero", 0) != 0;
    int64_t known = 1, infer_at = -1;
    for (size_t i = 0; i < shape.size(); ++i) {
      if (shape[i] == 0 && !allowzero) {
        if (i >= x.shape.size()) bad(g, n, "0 in shape beyond the input rank");
        shape[i] = x.shape[i];
      }
      if (shape[i] == -1) {
        if (infer_at >= 0) bad(g, n, "more than one -1 in shape");
        infer_at = static_cast<int64_t>(i);
      } else if (shape[i] < 0) {
        bad(g, n, "negative dimension " + std::to_string(shape[i]) + " in shape");
      } else {
        known = checked_mul(known, shape[i]);
      }
    }
    if (infer_at >= 0) shape[static_cast<size_t>(infer_at)] = known ? x.elements() / known : 0;
  } else if (n.op == "Flatten") {
    const int64_t axis = n.attr_int("axis", 1);
    const int64_t r = static_cast<int64_t>(x.shape.size());
    const int64_t a = axis < 0 ? axis + r : axis;
    if (a < 0 || a > r) bad(g, n, "axis out of range");
    const int64_t outer = prod(x.shape, 0, static_cast<size_t>(a));
    shape = {outer, outer ? x.elements() / outer : 0};
  } else if (n.op == "Squeeze") {
    std::vector<int64_t> axes = has_in(n, 1) ? const_ints(g, n, 1) : n.attr_ints("axes");
    std::vector<bool> drop(x.shape.size(), false);
    if (axes.empty())
      for (size_t i = 0; i < x.shape.size(); ++i) drop[i] = x.shape[i] == 1;
    for (int64_t a : axes) {
      const size_t k = static_cast<size_t>(norm_axis(g, n, a, x.shape.size()));
      if (x.shape[k] != 1) bad(g, n, "cannot squeeze axis " + std::to_string(a) + " of size " + std::to_string(x.shape[k]));
      drop[k] = true;
    }
    for (size_t i = 0; i < x.shape.size(); ++i)
      if (!drop[i]) shape.push_back(x.shape[i]);
  } else if (n.op == "Unsqueeze") {
    std::vector<int64_t> axes = has_in(n, 1) ? const_ints(g, n, 1) : n.attr_ints("axes");
    const size_t r = x.shape.size() + axes.size();
    std::vector<bool> ins(r, false);
    for (int64_t a : axes) {
      const size_t k = static_cast<size_t>(norm_axis(g, n, a, r));
      if (ins[k]) bad(g, n, "repeated axis");
      ins[k] = true;
    }
    size_t j = 0;
    for (size_t i = 0; i < r; ++i) shape.push_back(ins[i] ? 1 : x.shape[j++]);
  } else {  // Identity, Dropout (inference)
    shape = x.shape;
  }
  if (num_elements(shape) != x.elements())
    bad(g, n, "cannot reshape " + shape_str(x.shape) + " to " + shape_str(shape));
  set_out(g, n, 0, x.dtype, shape);
  if (n.op == "Dropout" && n.outputs.size() > 1) set_out(g, n, 1, DType::Bool, x.shape);
}

void ref_dropout(const Node& n, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  ref_copy(n, in, out);
  if (out.size() > 1 && out[1]) std::fill(out[1]->data.begin(), out[1]->data.end(), 1);
}

void infer_transpose(Graph& g, const Node& n) {
  const Tensor& x = in_t(g, n, 0);
  std::vector<int64_t> perm = n.attr_ints("perm");
  if (perm.empty())
    for (size_t i = x.shape.size(); i-- > 0;) perm.push_back(static_cast<int64_t>(i));
  if (perm.size() != x.shape.size()) bad(g, n, "perm length differs from input rank");
  std::vector<bool> seen(perm.size(), false);
  Shape out;
  for (int64_t p : perm) {
    const size_t k = static_cast<size_t>(norm_axis(g, n, p, perm.size()));
    if (seen[k]) bad(g, n, "perm is not a permutation");
    seen[k] = true;
    out.push_back(x.shape[k]);
  }
  set_out(g, n, 0, x.dtype, out);
}


void ref_transpose(const Node& n, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  const Tensor& x = *in[0];
  Tensor& y = *out[0];
  const auto perm = perm_of(n, x.shape.size());
  const auto xs = strides_of(x.shape), ys = strides_of(y.shape);
  const size_t es = dtype_size(x.dtype);
  const int64_t total = x.elements();
  for (int64_t o = 0; o < total; ++o) {
    int64_t src = 0;
    for (size_t d = 0; d < perm.size(); ++d) src += ((o / ys[d]) % y.shape[d]) * xs[static_cast<size_t>(perm[d])];
    std::memcpy(&y.data[static_cast<size_t>(o) * es], &x.data[static_cast<size_t>(src) * es], es);
  }
}

// The same transpose on the fewest axes: size-1 axes dropped, and input axes
// that stay adjacent and in order in the output merged into one. NCHW -> NHWC
// of one image becomes [C, H*W] -> [H*W, C].
std::pair<Shape, std::vector<int64_t>> canonical_transpose(const Shape& shape, const std::vector<int64_t>& perm) {
  std::vector<int64_t> kept;  // output order, input axes of size > 1
  for (int64_t a : perm)
    if (shape[static_cast<size_t>(a)] != 1) kept.push_back(a);
  std::vector<std::pair<int64_t, int64_t>> groups;  // [first, last] input axes, in output order
  for (int64_t a : kept) {
    // adjacent in the input once size-1 axes are ignored
    bool adjacent = !groups.empty();
    if (adjacent)
      for (int64_t b = groups.back().second + 1; b < a; ++b) adjacent = adjacent && shape[static_cast<size_t>(b)] == 1;
    if (adjacent && a > groups.back().second) groups.back().second = a;
    else groups.push_back({a, a});
  }
  std::vector<size_t> order(groups.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t x, size_t y) { return groups[x].first < groups[y].first; });
  Shape cshape(groups.size());
  std::vector<int64_t> cperm(groups.size());
  for (size_t r = 0; r < order.size(); ++r) {
    const auto [first, last] = groups[order[r]];
    int64_t size = 1;
    for (int64_t a = first; a <= last; ++a) size *= shape[static_cast<size_t>(a)];
    cshape[r] = size;
    cperm[order[r]] = static_cast<int64_t>(r);
  }
  return {cshape, cperm};
}

void emit_transpose(EmitContext& ctx, const Graph& g, const Node& n) {
  const Tensor& x = g.t(n.inputs[0]);
  const auto perm = perm_of(n, x.shape.size());
  if (x.shape.size() > 8) bad(g, n, "rank above 8");
  ctx.use("eg_move");
  const auto [shape, cperm] = canonical_transpose(x.shape, perm);
  if (shape.size() <= 1) {  // only size-1 axes move: the bytes stay in order
    ctx.emit("eg_copy(" + ctx.ptr(n.inputs[0]) + ", " + ctx.ptr(n.outputs[0]) + ", " +
             std::to_string(x.elements() * static_cast<int64_t>(dtype_size(x.dtype))) + ");");
    return;
  }
  const std::string id = ctx.layer_ident();
  ctx.decl("static const int32_t " + id + "_shape[] = " + EmitContext::ints_lit(shape) + ";");
  ctx.decl("static const int32_t " + id + "_perm[] = " + EmitContext::ints_lit(cperm) + ";");
  ctx.emit("eg_transpose(" + ctx.ptr(n.inputs[0]) + ", " + ctx.ptr(n.outputs[0]) + ", " +
           std::to_string(dtype_size(x.dtype)) + ", " + std::to_string(shape.size()) + ", " + id + "_shape, " + id +
           "_perm);");
}

void infer_gather(Graph& g, const Node& n) {
  const Tensor& x = in_t(g, n, 0);
  const Tensor& idx = in_t(g, n, 1);
  if (x.shape.empty()) bad(g, n, "cannot gather from a scalar");
  const size_t axis = static_cast<size_t>(norm_axis(g, n, n.attr_int("axis", 0), x.shape.size()));
  Shape out(x.shape.begin(), x.shape.begin() + static_cast<long>(axis));
  out.insert(out.end(), idx.shape.begin(), idx.shape.end());
  out.insert(out.end(), x.shape.begin() + static_cast<long>(axis) + 1, x.shape.end());
  if (idx.is_const)
    for (int64_t i : idx.as_int64()) wrap_index(i, x.shape[axis]);
  set_out(g, n, 0, x.dtype, out);
}

void ref_gather(const Node& n, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  const Tensor& x = *in[0];
  const auto idx = in[1]->as_int64();
  int64_t axis = n.attr_int("axis", 0);
  if (axis < 0) axis += static_cast<int64_t>(x.shape.size());
  int64_t outer = 1, inner = 1;
  for (int64_t i = 0; i < axis; ++i) outer *= x.shape[static_cast<size_t>(i)];
  for (size_t i = static_cast<size_t>(axis) + 1; i < x.shape.size(); ++i) inner *= x.shape[i];
  const int64_t dim = x.shape[static_cast<size_t>(axis)];
  const size_t row = static_cast<size_t>(inner) * dtype_size(x.dtype);
  uint8_t* d = out[0]->data.data();
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t k : idx) {
      const int64_t j = wrap_index(k, dim);
      std::memcpy(d, &x.data[static_cast<size_t>(o * dim + j) * row], row);
      d += row;
    }
}

std::string check_gather(const Graph& g, const Node& n) {
  const Tensor& idx = g.t(n.inputs[1]);
  if (!idx.is_const && idx.dtype != DType::I64 && idx.dtype != DType::I32) return "indices must be int32 or int64";
  return "";
}

void emit_gather(EmitContext& ctx, const Graph& g, const Node& n) {
  const Tensor& x = g.t(n.inputs[0]);
  const size_t axis = static_cast<size_t>(norm_axis(g, n, n.attr_int("axis", 0), x.shape.size()));
  int64_t outer = 1, inner = 1;
  for (size_t i = 0; i < axis; ++i) outer *= x.shape[i];
  for (size_t i = axis + 1; i < x.shape.size(); ++i) inner *= x.shape[i];
  const Tensor& it = g.t(n.inputs[1]);
  if (!it.is_const) {  // indices computed at run time
    ctx.use("eg_move");
    ctx.emit(std::string(it.dtype == DType::I64 ? "eg_gather_i64(" : "eg_gather(") + ctx.ptr(n.inputs[0]) + ", " +
             ctx.ptr(n.outputs[0]) + ", " + std::to_string(dtype_size(x.dtype)) + ", " + std::to_string(outer) +
             ", " + std::to_string(x.shape[axis]) + ", " + std::to_string(inner) + ", " + ctx.ptr(n.inputs[1]) +
             ", " + std::to_string(it.elements()) + ");");
    return;
  }
  const auto idx = it.as_int64();
  std::vector<int32_t> idx32(idx.begin(), idx.end());
  std::string arr = ctx.add_array(ctx.tensor_symbol(g.t(n.inputs[1]).name),
                                  make_const(g.t(n.inputs[1]).name, DType::I32, {static_cast<int64_t>(idx32.size())}, idx32),
                                  g.t(n.inputs[1]).name, true);
  ctx.use("eg_move");
  ctx.emit("eg_gather(" + ctx.ptr(n.inputs[0]) + ", " + ctx.ptr(n.outputs[0]) + ", " +
           std::to_string(dtype_size(x.dtype)) + ", " + std::to_string(outer) + ", " + std::to_string(x.shape[axis]) +
           ", " + std::to_string(inner) + ", " + arr + ", " + std::to_string(idx32.size()) + ");");
}

void infer_constant(Graph& g, const Node& n) {
  Tensor& y = g.t(n.outputs[0]);
  if (const Tensor* v = n.attr_tensor("value")) {
    y.dtype = v->dtype;
    y.shape = v->shape;
  } else if (n.has_attr("value_float")) {
    y.dtype = DType::F32;
    y.shape = {};
  } else if (n.has_attr("value_floats")) {
    y.dtype = DType::F32;
    y.shape = {static_cast<int64_t>(n.attr_floats("value_floats").size())};
  } else if (n.has_attr("value_int")) {
    y.dtype = DType::I64;
    y.shape = {};
  } else if (n.has_attr("value_ints")) {
    y.dtype = DType::I64;
    y.shape = {static_cast<int64_t>(n.attr_ints("value_ints").size())};
  } else {
    bad(g, n, "unsupported Constant value kind");
  }
  y.shape_known = true;
}

void ref_constant(const Node& n, std::span<const Tensor* const>, std::span<Tensor* const> out) {
  Tensor& y = *out[0];
  if (const Tensor* v = n.attr_tensor("value")) {
    y.data = v->data;
  } else if (n.has_attr("value_float")) {
    float f = n.attr_float("value_float", 0);
    std::memcpy(y.data.data(), &f, 4);
  } else if (n.has_attr("value_floats")) {
    auto v = n.attr_floats("value_floats");
    std::memcpy(y.data.data(), v.data(), v.size() * 4);
  } else if (n.has_attr("value_int")) {
    int64_t i = n.attr_int("value_int", 0);
    std::memcpy(y.data.data(), &i, 8);
  } else if (n.has_attr("value_ints")) {
    auto v = n.attr_ints("value_ints");
    std::memcpy(y.data.data(), v.data(), v.size() * 8);
  }
}

OpDef view_op(const std::string& name, const std::string& constraints) {
  return make_op(
      name, constraints, {"any"},
      {infer_reshape, name == "Dropout" ? RefFn(ref_dropout) : RefFn(ref_copy), any_config, emit_view, macc_none},
      "Reshape", QdqRole::Movement);
}

}  // namespace

std::vector<int64_t> perm_of(const Node& n, size_t rank) {
  std::vector<int64_t> perm = n.attr_ints("perm");
  if (perm.empty())
    for (size_t i = rank; i-- > 0;) perm.push_back(static_cast<int64_t>(i));
  for (auto& p : perm)
    if (p < 0) p += static_cast<int64_t>(rank);
  return perm;
}

bool is_view_op(const std::string& op) {
  return op == "Reshape" || op == "Flatten" || op == "Squeeze" || op == "Unsqueeze" || op == "Identity" ||
         op == "Dropout" || op == "RESHAPE" || op == "SQUEEZE";
}

void register_movement() {
  register_op(view_op("Reshape", "shape constant (folded); a view, no copy"));
  register_op(view_op("Flatten", "a view, no copy"));
  register_op(view_op("Squeeze", "axes constant; a view, no copy"));
  register_op(view_op("Unsqueeze", "axes constant; a view, no copy"));
  register_op(view_op("Identity", "a view, no copy"));
  register_op(view_op("Dropout", "inference only (identity); a view, no copy"));

  register_op(make_op("Transpose", "rank <= 8; removed by the layout pass where it only moves unit axes or cancels out",
                      {"any"},
                      {infer_transpose, ref_transpose, any_config, emit_transpose,
                       [](const Graph& g, const Node& n) { return g.t(n.outputs[0]).elements() / 2; }},
                      "Transpose", QdqRole::Movement));

  register_op(make_op("Gather", "indices constant, or int32/int64 computed at run time", {"any"},
                      {infer_gather, ref_gather, check_gather, emit_gather, macc_none}, "Gather", QdqRole::Movement));

  register_op(make_op("Constant", "folded into weights", {"any"}, {infer_constant, ref_constant, {}, {}, macc_none}));
}

}  // namespace eg::ops
