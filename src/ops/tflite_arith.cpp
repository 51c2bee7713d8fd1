// TFLite MUL, MAXIMUM, MINIMUM and MEAN, and the float32 forms of the element-wise binary ops
// (ADD/SUB too). int8 MUL / MAXIMUM / MINIMUM run eg_binary_s8_tfl (TFLite Micro's MUL
// requantization; MAXIMUM/MINIMUM compare the bytes), int8 MEAN eg_mean_s8_tfl; float32 runs the
// registry's Add/Sub/Mul/Max/Min kernels, then TFLite's fused activation clamp, and MEAN the
// registry's ReduceMean over the constant axes.
#include "ops/emit_context.h"
#include "ops/families.h"
#include "ops/registry.h"
#include "ops/tensor_common.h"
#include "ops/tflite_common.h"

extern "C" {
#include "eg_common.h"
#include "eg_eltwise.h"
#include "eg_tfl_eltwise.h"
}

namespace eg::ops {

namespace tfl {

std::string onnx_binary_op(const std::string& op) {
  if (op == "ADD") return "Add";
  if (op == "SUB") return "Sub";
  if (op == "MUL") return "Mul";
  if (op == "MAXIMUM") return "Max";
  return "Min";
}

std::string float_binary_problem(const Graph& g, const Node& n) {
  for (TensorId id : {n.inputs[0], n.inputs[1], n.outputs[0]})
    if (g.t(id).dtype != DType::F32) return "inputs and output must all be float32 or all int8";
  return find_op(onnx_binary_op(n.op))->check(g, onnx_form(n, onnx_binary_op(n.op), 2));
}

void float_binary_ref(const Node& n, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  find_op(onnx_binary_op(n.op))->ref(onnx_form(n, onnx_binary_op(n.op), 2), in.subspan(0, 2), out);
  if (n.attr_int("activation", 0) == 0) return;
  const auto [lo, hi] = act_range_f32_finite(n);
  float* y = out[0]->mutable_values<float>().data();
  eg_clamp_f32(y, y, static_cast<int32_t>(out[0]->elements()), lo, hi);
}

void float_binary_emit(EmitContext& ctx, const Graph& g, const Node& n) {
  find_op(onnx_binary_op(n.op))->emit(ctx, g, onnx_form(n, onnx_binary_op(n.op), 2));
  if (n.attr_int("activation", 0) == 0) return;
  const auto [lo, hi] = act_range_f32_finite(n);
  const std::string y = ctx.ptr(n.outputs[0]);
  ctx.use("eg_eltwise");
  ctx.emit("eg_clamp_f32(" + y + ", " + y + ", " + std::to_string(g.t(n.outputs[0]).elements()) + ", " +
           EmitContext::float_lit(lo) + ", " + EmitContext::float_lit(hi) + ");");
}

}  // namespace tfl

namespace {

std::string v(int64_t x) { return std::to_string(x); }

// ---- MUL / MAXIMUM / MINIMUM ----------------------------------------------------------------------------

void infer_binary(Graph& g, const Node& n) {
  const Tensor& a = in_t(g, n, 0);
  const Tensor& b = in_t(g, n, 1);
  const auto bc = tfl::broadcast4(a.shape, b.shape);
  if (!bc) bad(g, n, "shapes " + shape_str(a.shape) + " and " + shape_str(b.shape) + " do not broadcast (4-D at most)");
  if (auto why = tfl::activation_problem(n); !why.empty()) bad(g, n, why);
  tfl::set_checked(g, n, a.dtype, bc->out);
}

std::string check_binary(const Graph& g, const Node& n) {
  if (g.t(n.inputs[0]).dtype == DType::F32) return tfl::float_binary_problem(g, n);
  for (size_t i = 0; i < 2; ++i)
    if (auto why = tfl::per_tensor_s8_problem(g.t(n.inputs[i]), "input"); !why.empty()) return why;
  if (auto why = tfl::per_tensor_s8_problem(g.t(n.outputs[0]), "output"); !why.empty()) return why;
  if (n.op != "MUL") return tfl::same_quant_problem(g, n, 2);
  return "";
}

eg_binary_s8_tfl_params binary_setup(const Node& n, const Tensor& a, const Tensor& b, const Tensor& y) {
  eg_binary_s8_tfl_params p{};
  const tfl::Broadcast bc = *tfl::broadcast4(a.shape, b.shape);
  for (int i = 0; i < 4; ++i) {
    p.dims[i] = bc.dims[i];
    p.a_strides[i] = bc.a_strides[i];
    p.b_strides[i] = bc.b_strides[i];
  }
  p.op = n.op == "MUL" ? EG_TFL_MUL : n.op == "MAXIMUM" ? EG_TFL_MAX : EG_TFL_MIN;
  p.act_min = -128;
  p.act_max = 127;
  if (n.op != "MUL") return p;
  const auto m = tfl::multiplier(static_cast<double>(a.quant->scale[0]) * static_cast<double>(b.quant->scale[0]) /
                                 static_cast<double>(y.quant->scale[0]));
  p.a_offset = -a.quant->zero_point[0];
  p.b_offset = -b.quant->zero_point[0];
  p.out_offset = y.quant->zero_point[0];
  p.out_mult = m.mult;
  p.out_shift = m.shift;
  std::tie(p.act_min, p.act_max) = tfl::act_range_s8(n, y);
  return p;
}

void ref_binary(const Node& n, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  if (in[0]->dtype == DType::F32) return tfl::float_binary_ref(n, in, out);
  const auto p = binary_setup(n, *in[0], *in[1], *out[0]);
  eg_binary_s8_tfl(&p, in[0]->values<int8_t>().data(), in[1]->values<int8_t>().data(), out[0]->mutable_values<int8_t>().data());
}

void emit_binary(EmitContext& ctx, const Graph& g, const Node& n) {
  if (g.t(n.inputs[0]).dtype == DType::F32) return tfl::float_binary_emit(ctx, g, n);
  const auto p = binary_setup(n, g.t(n.inputs[0]), g.t(n.inputs[1]), g.t(n.outputs[0]));
  const std::string id = ctx.layer_ident();
  auto four = [](const int32_t* x) { return "{" + v(x[0]) + ", " + v(x[1]) + ", " + v(x[2]) + ", " + v(x[3]) + "}"; };
  const char* op = p.op == EG_TFL_MUL ? "EG_TFL_MUL" : p.op == EG_TFL_MAX ? "EG_TFL_MAX" : "EG_TFL_MIN";
  ctx.use("eg_tfl_eltwise");
  ctx.decl("static const eg_binary_s8_tfl_params " + id + " = {" + op + ", " + four(p.dims) + ", " + four(p.a_strides) +
           ", " + four(p.b_strides) + ",\n    " + v(p.a_offset) + ", " + v(p.b_offset) + ", " + v(p.out_offset) + ", " +
           v(p.out_mult) + ", " + v(p.out_shift) + ", " + v(p.act_min) + ", " + v(p.act_max) + "};");
  ctx.emit("eg_binary_s8_tfl(&" + id + ", " + ctx.ptr(n.inputs[0]) + ", " + ctx.ptr(n.inputs[1]) + ", " +
           ctx.ptr(n.outputs[0]) + ");");
}

// ---- MEAN: float32 is the registry's ReduceMean over the constant axes; int8 is TFLM's
// QuantizedMeanOrSum (int32 sums, input_scale / output_scale with 1/count folded in) ----------------------

struct MeanS8 {
  eg_reduce_params g{};
  int32_t mult = 0, shift = 0;
};
MeanS8 mean_s8_setup(const Graph& g, const Node& n, std::span<const Tensor* const> in, const Tensor& y) {
  const Tensor& x = *in[0];
  if (x.shape.size() > 6) bad(g, n, "rank above 6");
  std::vector<bool> reduced(x.shape.size(), false);
  for (int64_t a : in[1]->as_int64()) reduced[static_cast<size_t>(norm_axis(g, n, a, x.shape.size()))] = true;
  MeanS8 m;
  m.g.op = EG_REDUCE_MEAN;
  m.g.rank = static_cast<int32_t>(x.shape.size());
  int64_t stride = 1, count = 1;
  for (size_t d = x.shape.size(); d-- > 0;) {
    m.g.shape[d] = static_cast<int32_t>(x.shape[d]);
    m.g.out_stride[d] = reduced[d] ? 0 : static_cast<int32_t>(stride);
    if (reduced[d]) count *= x.shape[d];
    else stride *= x.shape[d];
  }
  m.g.out_elems = static_cast<int32_t>(stride);
  m.g.count = static_cast<int32_t>(count);
  const auto q = tfl::multiplier(static_cast<double>(x.quant->scale[0]) / static_cast<double>(y.quant->scale[0]));
  int s = 0;
  while ((int64_t{1} << (s + 1)) <= count) ++s;  // 63 - CountLeadingZeros(count)
  s = std::min({s, 32, 31 + q.shift});
  m.mult = static_cast<int32_t>((static_cast<int64_t>(q.mult) << s) / count);
  m.shift = q.shift - s;
  return m;
}

void ref_mean_s8(const Node& n, std::span<const Tensor* const> in, Tensor& y) {
  static const Graph none;
  const MeanS8 m = mean_s8_setup(none, n, in, y);
  std::vector<int32_t> sums(static_cast<size_t>(m.g.out_elems));
  eg_mean_s8_tfl(&m.g, in[0]->values<int8_t>().data(), y.mutable_values<int8_t>().data(), sums.data(),
                 in[0]->quant->zero_point[0], y.quant->zero_point[0], m.mult, m.shift);
}

void emit_mean_s8(EmitContext& ctx, const Graph& g, const Node& n) {
  const MeanS8 m = mean_s8_setup(g, n, graph_inputs(g, n), g.t(n.outputs[0]));
  auto six = [](const int32_t* a) {
    std::string r = "{";
    for (int i = 0; i < 6; ++i) r += (i ? ", " : "") + v(a[i]);
    return r + "}";
  };
  const std::string id = ctx.layer_ident();
  ctx.use("eg_tfl_eltwise");
  ctx.decl("static const eg_reduce_params " + id + " = {EG_REDUCE_MEAN, " + v(m.g.rank) + ", " + six(m.g.shape) + ", " +
           six(m.g.out_stride) + ", " + v(m.g.out_elems) + ", " + v(m.g.count) + "};");
  ctx.emit("eg_mean_s8_tfl(&" + id + ", " + ctx.ptr(n.inputs[0]) + ", " + ctx.ptr(n.outputs[0]) + ", " +
           ctx.scratch(ctx.current_node, "int32_t*") + ", " + v(g.t(n.inputs[0]).quant->zero_point[0]) + ", " +
           v(g.t(n.outputs[0]).quant->zero_point[0]) + ", " + v(m.mult) + ", " + v(m.shift) + ");");
}

Node mean_form(const Graph& g, const Node& n, std::span<const Tensor* const> in) {
  if (in.size() < 2 || !in[1] || !in[1]->is_const) bad(g, n, "the axes must be a constant");
  Node f = tfl::onnx_form(n, "ReduceMean", 1);
  f.attrs["axes"] = in[1]->as_int64();
  f.attrs["keepdims"] = n.attr_int("keep_dims", 0);
  return f;
}

}  // namespace

void register_tflite_arith() {
  for (const char* name : {"MUL", "MAXIMUM", "MINIMUM"}) {
    register_op(make_op(name,
                        std::string(name) == "MUL"
                            ? "TFLite: broadcast up to 4-D, fused activations, TFLite's requantization"
                            : "TFLite: broadcast up to 4-D; int8: inputs quantized as the output",
                        {"float32", "int8 (TFLite)"},
                        {infer_binary, ref_binary, check_binary, emit_binary, macc_per_output}, "Eltwise"));
  }
  OpDef m;
  m.op = "MEAN";
  m.constraints = "TFLite: constant axes, keep_dims, rank <= 6; int8: TFLM's QuantizedMeanOrSum";
  m.dtypes = {"float32", "int8 (TFLite)"};
  m.infer = [](Graph& g, const Node& n) {
    in_t(g, n, 0);
    const Shape want = g.t(n.outputs[0]).shape;
    find_op("ReduceMean")->infer(g, mean_form(g, n, graph_inputs(g, n)));
    if (!want.empty() && want != g.t(n.outputs[0]).shape)
      bad(g, n, "output shape " + shape_str(want) + " differs from the computed " + shape_str(g.t(n.outputs[0]).shape));
  };
  m.ref = [](const Node& n, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
    if (in[0]->dtype == DType::I8) return ref_mean_s8(n, in, *out[0]);
    static const Graph none;
    find_op("ReduceMean")->ref(mean_form(none, n, in), in.subspan(0, 1), out);
  };
  m.check = [](const Graph& g, const Node& n) {
    const Tensor& x = g.t(n.inputs[0]);
    if (x.dtype == DType::I8) {
      if (auto why = tfl::per_tensor_s8_problem(x, "input"); !why.empty()) return why;
      if (auto why = tfl::per_tensor_s8_problem(g.t(n.outputs[0]), "output"); !why.empty()) return why;
      return x.shape.size() > 6 ? std::string("rank above 6") : std::string();
    }
    if (x.dtype != DType::F32) return std::string("float32 or int8 only");
    return find_op("ReduceMean")->check(g, mean_form(g, n, graph_inputs(g, n)));
  };
  m.emit = [](EmitContext& ctx, const Graph& g, const Node& n) {
    if (g.t(n.inputs[0]).dtype == DType::I8) return emit_mean_s8(ctx, g, n);
    find_op("ReduceMean")->emit(ctx, g, mean_form(g, n, graph_inputs(g, n)));
  };
  m.scratch = [](const Graph& g, const Node& n) -> size_t {
    if (g.t(n.inputs[0]).dtype != DType::I8) return 0;
    return static_cast<size_t>(g.t(n.outputs[0]).elements()) * sizeof(int32_t);
  };
  m.macc = [](const Graph& g, const Node& n) { return g.t(n.inputs[0]).elements(); };
  m.c_layer_type = "Reduce";
  register_op(m);
}

}  // namespace eg::ops
