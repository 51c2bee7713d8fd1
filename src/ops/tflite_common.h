// Shared by the TFLite operator families (src/ops/tflite_*.cpp): TFLite's
// own rules for padding, fused activations and quantized multipliers.
#pragma once
#include <cmath>
#include <string>
#include <utility>

#include "ops/common.h"
#include "ops/quant_math.h"

namespace eg::ops::tfl {

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

}  // namespace eg::ops::tfl
