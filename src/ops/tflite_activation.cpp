// TFLite element-wise functions of one tensor: LOGISTIC, TANH, RELU, RELU6, RELU_N1_TO_1,
// LEAKY_RELU, HARD_SWISH, QUANTIZE and DEQUANTIZE. An int8 -> int8 function is a table of its 256
// inputs, computed here with TensorFlow Lite Micro's own integer algorithm (so the table is that
// kernel, bit for bit) and looked up on the device (eg_lut_s8). float32 runs the float kernels;
// QUANTIZE float -> int8 rounds as TFLite does (eg_quantize_f32_s8_tfl).
#include <array>
#include <cmath>
#include <cstring>

#include "ops/emit_context.h"
#include "ops/families.h"
#include "ops/registry.h"
#include "ops/tflite_common.h"
#include "ops/tflite_fixedpoint.h"

extern "C" {
#include "eg_common.h"
#include "eg_eltwise.h"
#include "eg_quant.h"
#include "eg_tfl_eltwise.h"
}

namespace eg::ops {
namespace {

using Table = std::array<int8_t, 256>;
int32_t sat8(int32_t v) { return std::clamp(v, -128, 127); }

// TFLite's int8 LOGISTIC / TANH preparation: input scale * 2^27 as frexp's (multiplier, left shift),
// and the input radius beyond which the output saturates.
struct SigmoidInput {
  int32_t mult = 0, shift = 0, radius = 0;
};
SigmoidInput sigmoid_input(float scale) {
  SigmoidInput s;
  int e = 0;
  const double q = std::frexp(static_cast<double>(scale) * static_cast<double>(1 << 27), &e);
  const double m = std::round(q * static_cast<double>(int64_t{1} << 31));
  s.mult = m < 2147483648.0 ? static_cast<int32_t>(m) : 0;  // 0: out of range (check_unary)
  s.shift = e;
  if (e < 0 || e > 30) return s;
  s.radius = static_cast<int32_t>(std::floor(15.0 * static_cast<double>(int64_t{1} << 27) / static_cast<double>(int64_t{1} << e)));
  return s;
}

Table sigmoid_table(bool tanh_fn, const Tensor& x) {
  const SigmoidInput s = sigmoid_input(x.quant->scale[0]);
  const int32_t zp = x.quant->zero_point[0];
  Table t{};
  for (int32_t q = -128; q < 128; ++q) {
    const int32_t in = q - zp;
    int32_t out;
    if (in <= -s.radius) out = -128;
    else if (in >= s.radius) out = 127;
    else {
      const int32_t in_q4 = eg_requantize_tfl(in, s.mult, s.shift);
      out = tanh_fn ? sat8(eg_rdbpot(tfl::fx::tanh(in_q4, 4), 24)) : sat8(eg_rdbpot(tfl::fx::logistic(in_q4, 4), 23) - 128);
    }
    t[static_cast<size_t>(q + 128)] = static_cast<int8_t>(out);
  }
  return t;
}

// RELU and RELU_N1_TO_1 (QuantizedReluX: requantized to the output, clamped to the output's
// quantized 0, or -1 and 1) and RELU6 (Relu6Quantized: the input clamped to its own quantized 0 and 6).
Table relu_table(const Node& n, const Tensor& x, const Tensor& y) {
  const int32_t xz = x.quant->zero_point[0], yz = y.quant->zero_point[0];
  const float xs = x.quant->scale[0], ys = y.quant->scale[0];
  Table t{};
  if (n.op == "RELU6") {
    auto q = [&](float f) { return sat8(static_cast<int32_t>(std::round(f / xs)) + xz); };
    const int32_t zero = xz, six = q(6.0f);
    for (int32_t v = -128; v < 128; ++v) t[static_cast<size_t>(v + 128)] = static_cast<int8_t>(std::clamp(v, zero, std::max(zero, six)));
    return t;
  }
  const auto m = tfl::multiplier(static_cast<double>(xs) / static_cast<double>(ys));
  auto bound = [&](float r) { return yz + static_cast<int32_t>(std::round(r / ys)); };
  const bool n1_to_1 = n.op == "RELU_N1_TO_1";
  const int32_t lo = std::max(-128, n1_to_1 ? bound(-1.0f) : yz), hi = n1_to_1 ? std::min(127, bound(1.0f)) : 127;
  for (int32_t v = -128; v < 128; ++v)
    t[static_cast<size_t>(v + 128)] =
        static_cast<int8_t>(std::clamp(yz + eg_requantize_tfl(v - xz, m.mult, m.shift), lo, std::max(lo, hi)));
  return t;
}

// QuantizeLeakyRelu: identity or alpha multiplier by the input's sign.
Table leaky_relu_table(const Node& n, const Tensor& x, const Tensor& y) {
  const float xs = x.quant->scale[0], ys = y.quant->scale[0], alpha = n.attr_float("alpha", 0.2f);
  const auto ma = tfl::multiplier(static_cast<double>(xs * alpha / ys)), mi = tfl::multiplier(static_cast<double>(xs / ys));
  Table t{};
  for (int32_t v = -128; v < 128; ++v) {
    const int32_t in = v - x.quant->zero_point[0];
    const auto& m = in >= 0 ? mi : ma;
    t[static_cast<size_t>(v + 128)] = static_cast<int8_t>(sat8(y.quant->zero_point[0] + eg_requantize_tfl(in, m.mult, m.shift)));
  }
  return t;
}

// reference_ops::HardSwish on int16 fixed point (gemmlowp's 16-bit SRDHM, a truncating doubling
// high mul for the final product), multipliers from float ratios downscaled to 16 bits.
int16_t srdhm16(int16_t a, int16_t b) {
  if (a == b && a == std::numeric_limits<int16_t>::min()) return std::numeric_limits<int16_t>::max();
  const int32_t ab = int32_t{a} * int32_t{b};
  const int32_t nudge = ab >= 0 ? (1 << 14) : (1 - (1 << 14));
  return static_cast<int16_t>((ab + nudge) / (1 << 15));
}
int16_t sdhm16(int16_t a, int16_t b) {
  if (a == b && a == std::numeric_limits<int16_t>::min()) return std::numeric_limits<int16_t>::max();
  return static_cast<int16_t>((int32_t{a} * int32_t{b}) / (1 << 15));
}
int16_t shl_sat16(int16_t v, int amount) {
  return static_cast<int16_t>(std::clamp<int64_t>(int64_t{v} * (int64_t{1} << amount), -32768, 32767));
}
int16_t rdbpot16(int16_t x, int e) { return static_cast<int16_t>(eg_rdbpot(x, e)); }
int16_t to_int16_multiplier(int32_t m) {
  if (m >= std::numeric_limits<int32_t>::max() - (1 << 15)) return std::numeric_limits<int16_t>::max();
  return static_cast<int16_t>((m + (1 << 15)) >> 16);
}

std::string hard_swish_problem(const Tensor& x, const Tensor& y) {
  const float hires = (1.0f / 128.0f) * x.quant->scale[0];
  if (tfl::multiplier(static_cast<double>(hires / y.quant->scale[0])).shift > 0)
    return "the output scale is below the input scale / 128 (TFLite's kernel needs a right shift)";
  return "";
}

Table hard_swish_table(const Tensor& x, const Tensor& y) {
  const float hires = (1.0f / 128.0f) * x.quant->scale[0];
  const auto out_m = tfl::multiplier(static_cast<double>(hires / y.quant->scale[0]));
  const auto relu_m = tfl::multiplier(static_cast<double>(hires / (3.0f / 32768.0f)));
  const int16_t out_mult = to_int16_multiplier(out_m.mult), relu_mult = to_int16_multiplier(relu_m.mult);
  Table t{};
  for (int32_t v = -128; v < 128; ++v) {
    const auto in = static_cast<int16_t>(v - x.quant->zero_point[0]);
    const auto hires_in = static_cast<int16_t>(in * (1 << 7));
    const int16_t preshift_out = srdhm16(hires_in, out_mult);
    int16_t reluish = hires_in;
    if (relu_m.shift > 0) reluish = shl_sat16(reluish, relu_m.shift - 1);
    reluish = srdhm16(reluish, relu_mult);
    if (relu_m.shift > 0) reluish = shl_sat16(reluish, 1);
    if (relu_m.shift < 0) reluish = rdbpot16(reluish, -relu_m.shift);
    reluish = static_cast<int16_t>((int32_t{reluish} + (1 << 15)) >> 1);
    const int16_t pre = sdhm16(reluish, preshift_out);
    const int32_t out = rdbpot16(pre, -out_m.shift) + y.quant->zero_point[0];
    t[static_cast<size_t>(v + 128)] = static_cast<int8_t>(sat8(out));
  }
  return t;
}

// Requantize int8 -> int8 (QUANTIZE between two int8 quantizations).
Table requantize_table(const Tensor& x, const Tensor& y) {
  const auto m = tfl::multiplier(static_cast<double>(x.quant->scale[0]) / static_cast<double>(y.quant->scale[0]));
  Table t{};
  for (int32_t v = -128; v < 128; ++v)
    t[static_cast<size_t>(v + 128)] =
        static_cast<int8_t>(sat8(eg_requantize_tfl(v - x.quant->zero_point[0], m.mult, m.shift) + y.quant->zero_point[0]));
  return t;
}

Table int8_table(const Node& n, const Tensor& x, const Tensor& y) {
  if (n.op == "LOGISTIC" || n.op == "TANH") return sigmoid_table(n.op == "TANH", x);
  if (n.op == "LEAKY_RELU") return leaky_relu_table(n, x, y);
  if (n.op == "HARD_SWISH") return hard_swish_table(x, y);
  if (n.op == "QUANTIZE") return requantize_table(x, y);
  return relu_table(n, x, y);
}

// ---- the op definitions -----------------------------------------------------------------------------

bool int8_to_int8(const Tensor& x, const Tensor& y) { return x.dtype == DType::I8 && y.dtype == DType::I8; }

DType out_type(const Graph& g, const Node& n) {
  const Tensor& x = in_t(g, n, 0);
  if (n.op == "DEQUANTIZE") return DType::F32;
  if (n.op == "QUANTIZE") return g.t(n.outputs[0]).dtype == DType::Undefined ? DType::I8 : g.t(n.outputs[0]).dtype;
  return x.dtype;
}

void infer_unary(Graph& g, const Node& n) {
  const Tensor& x = in_t(g, n, 0);
  const bool q8 = x.dtype == DType::I8 && x.quant && !x.quant->per_channel();
  // constant float16 or per-channel int8 weights are dequantized at compile time (folded)
  const bool folded = x.is_const && (x.dtype == DType::F16 || (x.dtype == DType::I8 && x.quant));
  if (n.op == "DEQUANTIZE" && !q8 && !folded)
    bad(g, n, "DEQUANTIZE of a " + std::string(dtype_name(x.dtype)) + " tensor is not supported (int8 or constant float16)");
  if (n.op == "DEQUANTIZE") return tfl::set_checked(g, n, DType::F32, x.shape);
  if (x.dtype != DType::F32 && !q8) bad(g, n, "the input must be float32 or int8 with per-tensor quantization");
  tfl::set_checked(g, n, out_type(g, n), x.shape);
}

std::string check_unary(const Graph& g, const Node& n) {
  const Tensor& x = g.t(n.inputs[0]);
  const Tensor& y = g.t(n.outputs[0]);
  const bool fx = x.dtype == DType::F32, fy = y.dtype == DType::F32;
  if (n.op == "DEQUANTIZE") {
    if (!fy) return "DEQUANTIZE to " + std::string(dtype_name(y.dtype)) + " is not supported (float32 only)";
    return tfl::per_tensor_s8_problem(x, "input");
  }
  if (n.op == "QUANTIZE") {
    if (auto why = tfl::per_tensor_s8_problem(y, "output"); !why.empty()) return why;
    return fx ? "" : tfl::per_tensor_s8_problem(x, "input");
  }
  if (fx && fy) return "";
  if (x.dtype != y.dtype) return "input and output differ in type";
  for (const Tensor* t : {&x, &y})
    if (auto why = tfl::per_tensor_s8_problem(*t, t == &x ? "input" : "output"); !why.empty()) return why;
  if (n.op == "LOGISTIC" && y.quant->zero_point[0] != -128) return "int8 LOGISTIC needs output zero point -128";
  if (n.op == "LOGISTIC" || n.op == "TANH") {
    const SigmoidInput s = sigmoid_input(x.quant->scale[0]);
    if (s.shift < 0 || s.shift > 30 || s.mult <= 0) return "the input scale is out of TFLite's int8 range for this function";
  }
  if (n.op == "LEAKY_RELU" && !(n.attr_float("alpha", 0.2f) >= 0.0f)) return "a negative alpha is not supported for int8";
  if (n.op == "HARD_SWISH") return hard_swish_problem(x, y);
  return "";
}

// The float kernel call of a float32 node: a clamp, a TFLite logistic, or an eg_unary_f32 function.
struct FloatForm {
  enum { Clamp, Logistic, Unary } kind = Clamp;
  float lo = -std::numeric_limits<float>::max(), hi = std::numeric_limits<float>::max(), alpha = 0.0f;
  int32_t unary = 0;
  const char* unary_c = "";
};
FloatForm float_form(const Node& n) {
  FloatForm f;
  if (n.op == "RELU") f.lo = 0.0f;
  else if (n.op == "RELU6") f.lo = 0.0f, f.hi = 6.0f;
  else if (n.op == "RELU_N1_TO_1") f.lo = -1.0f, f.hi = 1.0f;
  else if (n.op == "LOGISTIC") f.kind = FloatForm::Logistic;
  else if (n.op == "TANH") f.kind = FloatForm::Unary, f.unary = EG_UN_TANH, f.unary_c = "EG_UN_TANH";
  else if (n.op == "HARD_SWISH") f.kind = FloatForm::Unary, f.unary = EG_UN_HARDSWISH, f.unary_c = "EG_UN_HARDSWISH";
  else if (n.op == "LEAKY_RELU")
    f.kind = FloatForm::Unary, f.unary = EG_UN_LEAKYRELU, f.unary_c = "EG_UN_LEAKYRELU", f.alpha = n.attr_float("alpha", 0.2f);
  return f;
}

// IEEE half -> float (normals, subnormals, infinities, NaN).
float half_to_float(uint16_t h) {
  const uint32_t sign = (h & 0x8000u) << 16, exp = (h >> 10) & 0x1f, man = h & 0x3ffu;
  float v;
  if (exp == 0) v = std::ldexp(static_cast<float>(man), -24);
  else if (exp == 31) v = man ? std::numeric_limits<float>::quiet_NaN() : std::numeric_limits<float>::infinity();
  else v = std::ldexp(static_cast<float>(man | 0x400u), static_cast<int>(exp) - 25);
  return sign ? -v : v;
}

// DEQUANTIZE: float16 -> float32, or int8 (per tensor, or per channel along the quantization axis).
void dequantize_ref(const Tensor& x, Tensor& y) {
  auto out = y.mutable_values<float>();
  if (x.dtype == DType::F16) {
    for (size_t i = 0; i < out.size(); ++i) {
      uint16_t h;
      std::memcpy(&h, &x.data[2 * i], 2);
      out[i] = half_to_float(h);
    }
    return;
  }
  if (!x.quant->per_channel()) {
    eg_dequantize_s8_f32(x.values<int8_t>().data(), out.data(), static_cast<int32_t>(out.size()), x.quant->scale[0],
                         x.quant->zero_point[0]);
    return;
  }
  const auto axis = static_cast<size_t>(x.quant->axis);
  int64_t inner = 1;
  for (size_t d = axis + 1; d < x.shape.size(); ++d) inner *= x.shape[d];
  const auto xv = x.values<int8_t>();
  for (size_t i = 0; i < out.size(); ++i) {
    const auto c = static_cast<size_t>((static_cast<int64_t>(i) / inner) % x.shape[axis]);
    out[i] = static_cast<float>(xv[i] - x.quant->zero_point[c]) * x.quant->scale[c];
  }
}

void ref_unary(const Node& n, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  const Tensor& x = *in[0];
  Tensor& y = *out[0];
  const auto count = static_cast<int32_t>(x.elements());
  if (n.op == "DEQUANTIZE") {
    dequantize_ref(x, y);
  } else if (n.op == "QUANTIZE" && x.dtype == DType::F32) {
    eg_quantize_f32_s8_tfl(x.values<float>().data(), y.mutable_values<int8_t>().data(), count, y.quant->scale[0],
                           y.quant->zero_point[0]);
  } else if (int8_to_int8(x, y)) {
    const Table t = int8_table(n, x, y);
    const auto xv = x.values<int8_t>();
    auto yv = y.mutable_values<int8_t>();
    for (size_t i = 0; i < xv.size(); ++i) yv[i] = t[static_cast<size_t>(xv[i] + 128)];
  } else {
    const FloatForm f = float_form(n);
    const float* xp = x.values<float>().data();
    float* yp = y.mutable_values<float>().data();
    if (f.kind == FloatForm::Clamp) eg_clamp_f32(xp, yp, count, f.lo, f.hi);
    else if (f.kind == FloatForm::Logistic) eg_logistic_f32_tfl(xp, yp, count);
    else eg_unary_f32(f.unary, xp, yp, count, f.alpha, 0.0f);
  }
}

void emit_unary(EmitContext& ctx, const Graph& g, const Node& n) {
  const Tensor& x = g.t(n.inputs[0]);
  const Tensor& y = g.t(n.outputs[0]);
  const std::string in = ctx.ptr(n.inputs[0]), out = ctx.ptr(n.outputs[0]), cnt = std::to_string(x.elements());
  auto flit = [](float v) {  // an open bound as the largest float (no <math.h> INFINITY in the generated C)
    return EmitContext::float_lit(std::isinf(v) ? std::copysign(std::numeric_limits<float>::max(), v) : v);
  };
  if (n.op == "DEQUANTIZE") {
    ctx.use("eg_quant");
    ctx.emit("eg_dequantize_s8_f32(" + in + ", " + out + ", " + cnt + ", " + flit(x.quant->scale[0]) + ", " +
             std::to_string(x.quant->zero_point[0]) + ");");
  } else if (n.op == "QUANTIZE" && x.dtype == DType::F32) {
    ctx.use("eg_tfl_eltwise");
    ctx.emit("eg_quantize_f32_s8_tfl(" + in + ", " + out + ", " + cnt + ", (double)" + flit(y.quant->scale[0]) + ", " +
             std::to_string(y.quant->zero_point[0]) + ");");
  } else if (int8_to_int8(x, y)) {
    const Table t = int8_table(n, x, y);
    const std::string sym = ctx.add_array(ctx.layer_ident() + "_table",
                                          make_const("table", DType::I8, {256}, std::vector<int8_t>(t.begin(), t.end())),
                                          n.name, true);
    ctx.use("eg_lut");
    ctx.emit("eg_lut_s8(" + in + ", " + out + ", " + cnt + ", " + sym + ");");
  } else {
    const FloatForm f = float_form(n);
    if (f.kind == FloatForm::Clamp) {
      ctx.use("eg_eltwise");
      ctx.emit("eg_clamp_f32(" + in + ", " + out + ", " + cnt + ", " + flit(f.lo) + ", " + flit(f.hi) + ");");
    } else if (f.kind == FloatForm::Logistic) {
      ctx.use("eg_tfl_eltwise");
      ctx.emit("eg_logistic_f32_tfl(" + in + ", " + out + ", " + cnt + ");");
    } else {
      ctx.use("eg_eltwise");
      ctx.emit("eg_unary_f32(" + std::string(f.unary_c) + ", " + in + ", " + out + ", " + cnt + ", " + flit(f.alpha) +
               ", 0.0f);");
    }
  }
}

}  // namespace

void register_tflite_activation() {
  struct Def {
    const char* op;
    const char* constraints;
  };
  for (const Def& u : {
           Def{"LOGISTIC", "int8: output zero point -128 (TFLite's fixed-point logistic, as a table)"},
           Def{"TANH", "int8: TFLite's fixed-point tanh (output scale 1/128), as a table"},
           Def{"RELU", "int8: requantized to the output, as a table"},
           Def{"RELU6", "int8: clamped to the input's quantized 0 and 6, as a table"},
           Def{"RELU_N1_TO_1", "int8: requantized to the output, clamped to -1 and 1, as a table"},
           Def{"LEAKY_RELU", "int8: TFLite's two multipliers, as a table"},
           Def{"HARD_SWISH", "int8: TFLite's 16-bit fixed-point algorithm, as a table"},
           Def{"QUANTIZE", "float32 -> int8 (round half away from zero) or int8 -> int8 (requantize)"},
           Def{"DEQUANTIZE", "int8 -> float32; constant float16 or per-channel int8 weights folded"},
       }) {
    OpDef d =
        make_op(u.op, std::string("TFLite; per-tensor quantization; ") + u.constraints, {"float32", "int8 (TFLite)"},
                {infer_unary, ref_unary, check_unary, emit_unary, macc_per_output},
                std::string(u.op) == "QUANTIZE" || std::string(u.op) == "DEQUANTIZE" ? "Conversion" : "Nonlinearity");
    d.inplace = std::string(u.op) != "QUANTIZE" && std::string(u.op) != "DEQUANTIZE";
    register_op(d);
  }
}

}  // namespace eg::ops
