// Shared by the TFLite operator families (src/ops/tflite_*.cpp): TFLite's
// own rules for padding, fused activations and quantized multipliers.
#pragma once
#include <cmath>
#include <limits>
#include <vector>
#include <optional>
#include <string>
#include <utility>

#include "ops/common.h"
#include "ops/registry.h"
#include "ops/quant_math.h"

namespace eg::ops::tfl {

// supported-ops dtypes of the TFLite compute and pooling builtins.
inline const std::vector<std::string> kOpDtypes = {"int8 (TFLite)", "float32"};

// ActivationFunctionType of the schema (attribute "activation").
enum class Activation : int64_t { None = 0, Relu = 1, ReluN1To1 = 2, Relu6 = 3, Tanh = 4, SignBit = 5 };

// "" when the fused activation has a kernel form, else why not.
inline std::string activation_problem(const Node& n) {
  const auto a = static_cast<Activation>(n.attr_int("activation", 0));
  if (a == Activation::None || a == Activation::Relu || a == Activation::ReluN1To1 || a == Activation::Relu6) return "";
  return "fused activation " + std::to_string(n.attr_int("activation", 0)) + " (TANH/SIGN_BIT) is not supported";
}

// CalculateActivationRangeQuantized: the clamp in the output's int8 domain,
// zero_point + round-half-away(f / scale).
inline std::pair<int32_t, int32_t> act_range_s8(const Node& n, const Tensor& y) {
  const float scale = y.quant->scale[0];
  const int32_t zp = y.quant->zero_point[0];
  auto q = [&](float f) { return zp + static_cast<int32_t>(std::round(f / scale)); };
  switch (static_cast<Activation>(n.attr_int("activation", 0))) {
    case Activation::Relu: return {std::max(-128, q(0.0f)), 127};
    case Activation::Relu6: return {std::max(-128, q(0.0f)), std::min(127, q(6.0f))};
    case Activation::ReluN1To1: return {std::max(-128, q(-1.0f)), std::min(127, q(1.0f))};
    default: return {-128, 127};
  }
}

// Float clamp of a fused activation (float32 graphs).
inline std::pair<float, float> act_range_f32(const Node& n) {
  const float inf = INFINITY;
  switch (static_cast<Activation>(n.attr_int("activation", 0))) {
    case Activation::Relu: return {0.0f, inf};
    case Activation::Relu6: return {0.0f, 6.0f};
    case Activation::ReluN1To1: return {-1.0f, 1.0f};
    default: return {-inf, inf};
  }
}

// The same with TFLite's float bounds for "no bound" (CalculateActivationRange: lowest / max float).
inline std::pair<float, float> act_range_f32_finite(const Node& n) {
  auto [lo, hi] = act_range_f32(n);
  const float big = std::numeric_limits<float>::max();
  return {std::isinf(lo) ? -big : lo, std::isinf(hi) ? big : hi};
}

// Depthwise weights [1][k_h][k_w][M] as OHWI [M][k_h][k_w][1] (other weights: unchanged).
template <class T>
std::vector<T> depthwise_to_ohwi(std::vector<T> w, bool depthwise, int64_t taps) {
  if (!depthwise) return w;
  const int64_t M = static_cast<int64_t>(w.size()) / taps;
  std::vector<T> o(w.size());
  for (int64_t m = 0; m < M; ++m)
    for (int64_t k = 0; k < taps; ++k) o[static_cast<size_t>(m * taps + k)] = w[static_cast<size_t>(k * M + m)];
  return o;
}

// Output size and leading pad of one spatial axis (ComputePaddingHeightWidth):
// padding 0 = SAME, 1 = VALID.
struct Axis {
  int64_t out = 0, pad = 0;
};
inline Axis window_axis(int64_t in, int64_t k, int64_t stride, int64_t dil, int64_t padding) {
  const int64_t eff = (k - 1) * dil + 1;
  Axis a;
  if (padding == 0) {
    a.out = (in + stride - 1) / stride;
    a.pad = std::max<int64_t>(0, (a.out - 1) * stride + eff - in) / 2;
  } else {
    a.out = (in + stride - eff) / stride;
  }
  return a;
}

// "" when t is an int8 tensor with per-tensor quantization.
inline std::string per_tensor_s8_problem(const Tensor& t, const std::string& what) {
  if (t.dtype != DType::I8) return what + " '" + t.name + "' is " + std::string(dtype_name(t.dtype)) + ", not int8";
  if (!t.quant || t.quant->per_channel()) return what + " '" + t.name + "' needs per-tensor quantization";
  return "";
}

// TFLite's QuantizeMultiplier of a double scale (real = mult * 2^(shift - 31)).
inline FixedMultiplier multiplier(double real) { return to_fixed(real); }

// Right-aligned broadcast of a and b to at most 4 axes; element strides 0 where an operand is broadcast.
struct Broadcast {
  Shape out;
  int32_t dims[4], a_strides[4], b_strides[4];
};
inline std::optional<Broadcast> broadcast4(const Shape& a, const Shape& b) {
  if (a.size() > 4 || b.size() > 4) return std::nullopt;
  auto pad = [](Shape s) {
    while (s.size() < 4) s.insert(s.begin(), 1);
    return s;
  };
  const Shape pa = pad(a), pb = pad(b);
  Broadcast r{};
  int64_t sa = 1, sb = 1;
  for (int i = 3; i >= 0; --i) {
    const int64_t da = pa[static_cast<size_t>(i)], db = pb[static_cast<size_t>(i)];
    if (da != db && da != 1 && db != 1) return std::nullopt;
    r.dims[i] = static_cast<int32_t>(std::max(da, db));
    r.a_strides[i] = da == 1 ? 0 : static_cast<int32_t>(sa);
    r.b_strides[i] = db == 1 ? 0 : static_cast<int32_t>(sb);
    sa *= da;
    sb *= db;
  }
  const size_t rank = std::max(a.size(), b.size());
  for (size_t i = 4 - rank; i < 4; ++i) r.out.push_back(r.dims[i]);
  return r;
}

// The output keeps the shape the file states when it has one (checked against `computed`).
inline void set_checked(Graph& g, const Node& n, DType dt, const Shape& computed) {
  const Tensor& y = g.t(n.outputs[0]);
  if (!y.shape.empty() && y.shape != computed)
    bad(g, n, "output shape " + shape_str(y.shape) + " differs from the computed " + shape_str(computed));
  set_out(g, n, 0, dt, computed);
}

// "" when a byte-moving op may run on n: float, or integer tensors whose inputs share the output's
// quantization (TFLite's int8 movement ops copy the bytes).
inline std::string same_quant_problem(const Graph& g, const Node& n, size_t data_inputs) {
  const Tensor& y = g.t(n.outputs[0]);
  for (size_t i = 0; i < data_inputs && i < n.inputs.size(); ++i) {
    const Tensor& x = g.t(n.inputs[i]);
    if (x.dtype != y.dtype) return "input '" + x.name + "' and the output differ in type";
    if (x.quant != y.quant) return "input '" + x.name + "' and the output differ in quantization";
  }
  for (size_t o = 1; o < n.outputs.size(); ++o)
    if (g.t(n.outputs[o]).quant != y.quant) return "the outputs differ in quantization";
  return "";
}

// The node as the registry's ONNX op `op` sees it: the first `inputs` inputs, TFLite's options
// rewritten as that op's attributes by the caller. Where the arithmetic is the same (float
// element-wise functions, byte moves), a TFLite builtin runs the ONNX op's kernel.
inline Node onnx_form(const Node& n, const std::string& op, size_t inputs) {
  Node f = n;
  f.op = op;
  f.attrs.clear();
  f.inputs.resize(std::min(inputs, n.inputs.size()));
  return f;
}

// float32 ADD / SUB / MUL / MAXIMUM / MINIMUM (tflite_arith.cpp): the registry's Add/Sub/Mul/Max/Min
// kernel, then the fused activation's clamp.
std::string float_binary_problem(const Graph& g, const Node& n);
void float_binary_ref(const Node& n, std::span<const Tensor* const> in, std::span<Tensor* const> out);
void float_binary_emit(EmitContext& ctx, const Graph& g, const Node& n);

}  // namespace eg::ops::tfl
