// Clamping activations (Relu, Clip): ONNX semantics and the clamp kernels for
// the cases the fusion pass could not fold into their producer.
#include <limits>

#include "ops/emit_context.h"
#include "ops/common.h"
#include "ops/quant_math.h"
#include "ops/registry.h"

namespace eg::ops {
namespace {

void infer_same(Graph& g, const Node& n) {
  const Tensor& x = in_t(g, n, 0);
  set_out(g, n, 0, x.dtype, x.shape);
}

// Clamp bounds of a Relu/Clip node, in real numbers.
std::pair<float, float> clamp_bounds(const Graph* g, const Node& n, std::span<const Tensor* const> in) {
  const float inf = std::numeric_limits<float>::infinity();
  if (n.op == "Relu") return {0.0f, inf};
  float lo = n.attr_float("min", -inf), hi = n.attr_float("max", inf);
  auto get = [&](size_t i, float dflt) {
    const Tensor* t = nullptr;
    if (!in.empty()) t = i < in.size() ? in[i] : nullptr;
    else if (g && has_in(n, i)) t = &g->t(n.inputs[i]);
    if (!t || t->data.empty()) return dflt;
    const float v = t->as_float()[0];
    // an int8 constant standing for a real (QDQ folding replaced its DequantizeLinear)
    return t->quant ? (v - static_cast<float>(t->quant->zero_point[0])) * t->quant->scale[0] : v;
  };
  lo = get(1, lo);
  hi = get(2, hi);
  return {lo, hi};
}

void ref_clamp(const Node& n, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  auto [lo, hi] = clamp_bounds(nullptr, n, in);
  const Tensor& x = *in[0];
  for (size_t i = 0; i < static_cast<size_t>(x.elements()); ++i) {
    double v = get_as_double(x, i);
    if (v < lo) v = lo;
    if (v > hi) v = hi;
    set_from_double(*out[0], i, v);
  }
}

// The Clip bounds (inputs 1, 2) computed at run time.
std::vector<size_t> runtime_bounds(const Graph& g, const Node& n) {
  std::vector<size_t> v;
  for (size_t i = 1; i < 3; ++i)
    if (has_in(n, i) && !g.t(n.inputs[i]).is_const) v.push_back(i);
  return v;
}

std::string check_clamp(const Graph& g, const Node& n) {
  const Tensor& x = g.t(n.inputs[0]);
  if (x.dtype != DType::F32 && x.dtype != DType::I8) return "float32 or int8 only";
  if (x.quant && !runtime_bounds(g, n).empty()) return "int8 (QDQ) min/max must be constant";
  return "";
}

// Bounds read from the activations at run time (plain float32 or int8 tensors; a missing or constant
// bound as a literal): the clamp kernel called with them.
void emit_runtime_clamp(EmitContext& ctx, const Graph& g, const Node& n, float lo, float hi, const std::string& args) {
  const bool f32 = g.t(n.inputs[0]).dtype == DType::F32;
  const std::string type = f32 ? "float" : "int32_t";
  auto bound = [&](size_t i, float dflt, int32_t dflt8) {
    if (has_in(n, i) && !g.t(n.inputs[i]).is_const)
      return (f32 ? "*" : "(int32_t)*") + ctx.ptr_as(n.inputs[i], f32 ? "const float*" : "const int8_t*");
    return f32 ? EmitContext::float_lit(dflt) : std::to_string(dflt8);
  };
  const auto [qlo, qhi] = quantized_act_range(lo, hi, 1.0f, 0);
  ctx.emit("{");
  ctx.emit("  const " + type + " lo = " + bound(1, lo, qlo) + ", hi = " + bound(2, hi, qhi) + ";");
  ctx.emit(std::string("  ") + (f32 ? "eg_clamp_f32(" : "eg_clamp_s8(") + args + ", lo, hi);");
  ctx.emit("}");
}

void emit_clamp(EmitContext& ctx, const Graph& g, const Node& n) {
  auto [lo, hi] = clamp_bounds(&g, n, {});
  const Tensor& x = g.t(n.inputs[0]);
  ctx.use("eg_eltwise");
  const std::string args = ctx.ptr(n.inputs[0]) + ", " + ctx.ptr(n.outputs[0]) + ", " + std::to_string(x.elements());
  const Tensor& y = g.t(n.outputs[0]);
  if (!runtime_bounds(g, n).empty()) {
    emit_runtime_clamp(ctx, g, n, lo, hi, args);
    return;
  }
  if (x.dtype == DType::I8 && x.quant && y.quant && !(*x.quant == *y.quant)) {
    // QDQ: DequantizeLinear -> Relu/Clip -> QuantizeLinear with other parameters
    auto f = to_fixed(static_cast<double>(x.quant->scale[0]) / y.quant->scale[0]);
    auto [qlo, qhi] = quantized_act_range(lo, hi, y.quant->scale[0], y.quant->zero_point[0]);
    ctx.use("eg_quant");
    ctx.emit("eg_requantize_s8(" + args + ", " + std::to_string(x.quant->zero_point[0]) + ", " +
             std::to_string(y.quant->zero_point[0]) + ", " + std::to_string(f.mult) + ", " + std::to_string(f.shift) +
             ", " + std::to_string(qlo) + ", " + std::to_string(qhi) + ");");
    return;
  }
  if (x.dtype == DType::I8) {
    // quantized: bounds in the int8 domain; plain int8: the bounds themselves
    auto [qlo, qhi] = x.quant ? quantized_act_range(lo, hi, x.quant->scale[0], x.quant->zero_point[0])
                              : quantized_act_range(lo, hi, 1.0f, 0);
    ctx.emit("eg_clamp_s8(" + args + ", " + std::to_string(qlo) + ", " + std::to_string(qhi) + ");");
  } else {
    ctx.emit("eg_clamp_f32(" + args + ", " + EmitContext::float_lit(lo) + ", " + EmitContext::float_lit(hi) + ");");
  }
}

OpDef clamp_op(const std::string& name, const std::string& constraints) {
  OpDef d =
      make_op(name, constraints, {"float32", "int8 (QDQ)"},
              {infer_same, ref_clamp, check_clamp, emit_clamp, macc_per_output}, "Nonlinearity", QdqRole::Requantize);
  d.inplace = true;
  return d;
}

}  // namespace

void register_activation() {
  register_op(clamp_op("Relu", "fused into the producing Conv/Gemm where possible"));
  register_op(clamp_op("Clip", "min/max constant or computed at run time (int8 QDQ: constant); constant ones "
                               "fused into the producing Conv/Gemm where possible"));
}

}  // namespace eg::ops
