// QuantizeLinear / DequantizeLinear: ONNX semantics (per tensor and per axis)
// and the conversion kernels they lower to when they stay in the graph.
#include <cmath>

#include "ops/emit_context.h"
#include "ops/common.h"
#include "ops/registry.h"

namespace eg::ops {
namespace {

// Scale and zero point as ONNX defines them, checked before anything reads them: the scale a
// scalar or one entry per slice along `axis` of the input, each positive and finite; the zero
// point (if any) of the quantized type `q` with as many entries as the scale.
void check_affine(const Graph& g, const Node& n, DType q) {
  const Tensor& x = in_t(g, n, 0);
  const Tensor& s = in_t(g, n, 1);
  if (s.shape.size() > 1) bad(g, n, "scale must be a scalar or 1-D");
  const int64_t count = s.elements();
  if (count != 1) {
    const int64_t axis = norm_axis(g, n, n.attr_int("axis", 1), x.shape.size());
    if (x.shape[static_cast<size_t>(axis)] != count)
      bad(g, n, "scale has " + std::to_string(count) + " entries, axis " + std::to_string(axis) + " of '" + x.name +
                    "' has " + std::to_string(x.shape[static_cast<size_t>(axis)]));
  }
  if (s.is_const) {
    if (s.dtype != DType::F32 && s.dtype != DType::F16 && s.dtype != DType::BF16 && s.dtype != DType::F64)
      bad(g, n, "scale must be a float tensor");
    for (float v : s.as_float())
      if (!(std::isfinite(v) && v > 0)) bad(g, n, "scale " + std::to_string(v) + " is not a positive finite number");
  }
  if (!has_in(n, 2)) return;
  const Tensor& zp = in_t(g, n, 2);
  if (zp.elements() != count)
    bad(g, n, "zero point has " + std::to_string(zp.elements()) + " entries, scale " + std::to_string(count));
  if (zp.dtype != q)
    bad(g, n, "zero point is " + std::string(dtype_name(zp.dtype)) + ", the quantized data " + std::string(dtype_name(q)));
}

size_t channel_of(const Shape& shape, int64_t axis, size_t i) {
  auto st = strides_of(shape);
  return static_cast<size_t>((static_cast<int64_t>(i) / st[static_cast<size_t>(axis)]) % shape[static_cast<size_t>(axis)]);
}

void infer_quantize(Graph& g, const Node& n) {
  const Tensor& x = in_t(g, n, 0);
  DType dt = DType::U8;
  if (has_in(n, 2)) dt = in_t(g, n, 2).dtype;
  if (n.has_attr("output_dtype") && n.attr_int("output_dtype", 0) != 0)
    dt = dtype_from_onnx(static_cast<int>(n.attr_int("output_dtype", 0)));
  if (n.attr_int("block_size", 0) != 0) bad(g, n, "blocked quantization is not supported");
  if (dt != DType::I8 && dt != DType::U8 && dt != DType::I16 && dt != DType::U16 && dt != DType::I32)
    bad(g, n, "quantized type " + std::string(dtype_name(dt)) + " is not supported");
  check_affine(g, n, dt);
  set_out(g, n, 0, dt, x.shape);
}

// Scale, zero point (default 0) and normalized axis of a Q/DQ node's inputs.
struct Affine {
  std::vector<float> scale;
  std::vector<int64_t> zp;
  int64_t axis;
};

Affine affine_of(const Node& n, std::span<const Tensor* const> in) {
  Affine a;
  a.scale = in[1]->as_float();
  if (in.size() > 2 && in[2]) a.zp = in[2]->as_int64();
  if (a.zp.empty()) a.zp.assign(a.scale.size(), 0);
  a.axis = n.attr_int("axis", 1);
  if (a.axis < 0) a.axis += static_cast<int64_t>(in[0]->shape.size());
  return a;
}

void ref_quantize(const Node& n, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  const Tensor& x = *in[0];
  const auto [scale, zp, axis] = affine_of(n, in);
  Tensor& y = *out[0];
  double lo = 0, hi = 255;
  switch (y.dtype) {
    case DType::I8: lo = -128; hi = 127; break;
    case DType::I16: lo = -32768; hi = 32767; break;
    case DType::U16: lo = 0; hi = 65535; break;
    case DType::I32: lo = -2147483648.0; hi = 2147483647.0; break;
    default: break;
  }
  const size_t total = static_cast<size_t>(x.elements());
  for (size_t i = 0; i < total; ++i) {
    size_t c = scale.size() > 1 ? channel_of(x.shape, axis, i) : 0;
    // ONNX: saturate(round_half_even(x / scale) + zero_point), computed in float.
    float v = static_cast<float>(get_as_double(x, i)) / scale[c];
    double q = static_cast<double>(round_half_even(v)) + static_cast<double>(zp[c]);
    if (std::isnan(q)) q = static_cast<double>(zp[c]);
    q = std::min(hi, std::max(lo, q));
    set_from_double(y, i, q);
  }
}

void infer_dequantize(Graph& g, const Node& n) {
  const Tensor& x = in_t(g, n, 0);
  if (n.attr_int("block_size", 0) != 0) bad(g, n, "blocked quantization is not supported");
  DType out = DType::F32;
  if (n.has_attr("output_dtype") && n.attr_int("output_dtype", 0) != 0)
    out = dtype_from_onnx(static_cast<int>(n.attr_int("output_dtype", 0)));
  if (has_in(n, 1) && in_t(g, n, 1).dtype != DType::F32) out = in_t(g, n, 1).dtype;
  check_affine(g, n, x.dtype);
  set_out(g, n, 0, out, x.shape);
}

void ref_dequantize(const Node& n, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  const Tensor& x = *in[0];
  const auto [scale, zp, axis] = affine_of(n, in);
  Tensor& y = *out[0];
  const size_t total = static_cast<size_t>(x.elements());
  for (size_t i = 0; i < total; ++i) {
    size_t c = scale.size() > 1 ? channel_of(x.shape, axis, i) : 0;
    float v = static_cast<float>(get_as_double(x, i) - static_cast<double>(zp[c])) * scale[c];
    set_from_double(y, i, v);
  }
}

std::string check_conversion(const Graph& g, const Node& n, bool quantize) {
  const Tensor& s = g.t(n.inputs[1]);
  if (!s.is_const) return "scale must be a constant";
  if (s.elements() != 1) return "per-axis conversion of activations is not supported (only weights)";
  const Tensor& q = g.t(quantize ? n.outputs[0] : n.inputs[0]);
  if (q.dtype != DType::I8 && q.dtype != DType::U8) return "only int8/uint8 activations are supported";
  const Tensor& f = g.t(quantize ? n.inputs[0] : n.outputs[0]);
  if (f.dtype != DType::F32) return "only float32 conversions are supported";
  return "";
}

void emit_conversion(EmitContext& ctx, const Graph& g, const Node& n, bool quantize) {
  const Tensor& x = g.t(n.inputs[0]);
  float scale = g.t(n.inputs[1]).as_float()[0];
  int64_t zp = has_in(n, 2) ? g.t(n.inputs[2]).as_int64()[0] : 0;
  const Tensor& q = g.t(quantize ? n.outputs[0] : n.inputs[0]);
  std::string sfx = q.dtype == DType::I8 ? "s8" : "u8";
  ctx.use("eg_quant");
  std::string fn = quantize ? "eg_quantize_f32_" + sfx : "eg_dequantize_" + sfx + "_f32";
  ctx.emit(fn + "(" + ctx.ptr(n.inputs[0]) + ", " + ctx.ptr(n.outputs[0]) + ", " +
           std::to_string(x.elements()) + ", " + EmitContext::float_lit(scale) + ", " + std::to_string(zp) +
           ");");
}

}  // namespace

void register_quantize() {
  register_op(
      make_op("QuantizeLinear", "per-tensor for activations (per-axis constants fold into weights); int8/uint8",
              {"float32 -> int8", "float32 -> uint8"},
              {infer_quantize, ref_quantize, [](const Graph& g, const Node& n) { return check_conversion(g, n, true); },
               [](EmitContext& c, const Graph& g, const Node& n) { emit_conversion(c, g, n, true); },
               [](const Graph& g, const Node& n) { return 2 * g.t(n.outputs[0]).elements(); }},
              "Conversion"));

  register_op(make_op(
      "DequantizeLinear", "per-tensor for activations; per-axis for constant weights (folded)",
      {"int8 -> float32", "uint8 -> float32", "int32 -> float32 (bias, folded)"},
      {infer_dequantize, ref_dequantize, [](const Graph& g, const Node& n) { return check_conversion(g, n, false); },
       [](EmitContext& c, const Graph& g, const Node& n) { emit_conversion(c, g, n, false); },
       [](const Graph& g, const Node& n) { return 2 * g.t(n.outputs[0]).elements(); }},
      "Conversion"));
}

}  // namespace eg::ops
