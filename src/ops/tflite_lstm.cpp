// TFLite UNIDIRECTIONAL_SEQUENCE_LSTM. float32: TensorFlow Lite's float LSTM step (eg_tfl_lstm.c) with
// CIFG, peepholes, cell clipping, layer normalization and projection (+ clip). int8: TFLite Micro's
// integer LSTM (eg_tfl_lstm_s8.c; the kernel of TFLM since 2023, whose Prepare derives every scale
// from the input, weight, hidden and cell state tensors and ignores the converter's `intermediates`):
// int8 weights, int32 gate biases, int16 cell state, no CIFG/peephole/projection/layer norm, as
// TFLM's. The output_state and cell_state inputs are TFLite's variable tensors: every run starts
// from the reset states (zero, the hidden state's zero point for int8), as the first Invoke does.
#include "ops/emit_context.h"
#include "ops/families.h"
#include "ops/registry.h"
#include "ops/tensor_common.h"
#include "ops/tflite_common.h"

#include <algorithm>
#include <array>
#include <cmath>

extern "C" {
#include "eg_tfl_lstm.h"
#include "eg_tfl_lstm_s8.h"
}

namespace eg::ops {
namespace {

// Input indices of the operator (TFLite's lstm_shared.h order).
constexpr size_t kInput = 0, kInputWeights = 1, kRecurrentWeights = 5, kPeepholes = 9, kBiases = 12,
                 kProjectionWeights = 16, kProjectionBias = 17, kOutputState = 18, kCellState = 19, kLayerNorm = 20;

bool present(std::span<const Tensor* const> in, size_t i) { return i < in.size() && in[i] != nullptr; }

// The kernel's view; pointers from `in` (constants checked by lstm_problem).
eg_lstm_f32_tfl_params lstm_setup(const Node& n, std::span<const Tensor* const> in) {
  eg_lstm_f32_tfl_params p{};
  const Tensor& x = *in[kInput];
  p.time_major = static_cast<int32_t>(n.attr_int("time_major", 0));
  p.batch = static_cast<int32_t>(x.shape[p.time_major ? 1 : 0]);
  p.steps = static_cast<int32_t>(x.shape[p.time_major ? 0 : 1]);
  p.input = static_cast<int32_t>(x.shape[2]);
  p.cell = static_cast<int32_t>(in[kRecurrentWeights + 1]->shape[0]);
  p.output = static_cast<int32_t>(in[kRecurrentWeights + 1]->shape[1]);
  p.activation = static_cast<int32_t>(n.attr_int("activation", EG_TFL_ACT_TANH));
  p.cell_clip = n.attr_float("cell_clip", 0.0f);
  p.proj_clip = n.attr_float("proj_clip", 0.0f);
  auto data = [&](size_t i) { return present(in, i) ? in[i]->values<float>().data() : nullptr; };
  for (size_t k = 0; k < 4; ++k) {
    p.w[k] = data(kInputWeights + k);
    p.r[k] = data(kRecurrentWeights + k);
    p.b[k] = data(kBiases + k);
    p.ln[k] = data(kLayerNorm + k);
  }
  for (size_t k = 0; k < 3; ++k) p.peep[k] = data(kPeepholes + k);
  p.proj = data(kProjectionWeights);
  p.proj_bias = data(kProjectionBias);
  return p;
}

// TFLM's integer LSTM at compile time (its Prepare, PrepareGateParametersInteger): the gate
// products requantized to Q3.12 (scale 2^-12), the sigmoid/tanh outputs Q0.15 (2^-15).
struct LstmS8 {
  eg_lstm_s8_tfl_params p{};
  std::array<std::vector<int32_t>, 8> bias;  // per gate: input bias, recurrent bias (zero points folded)
};

float scale_of(const Tensor& t) { return t.quant->scale[0]; }
int32_t zp_of(const Tensor& t) { return t.quant->zero_point[0]; }

// w_k . (v - zp) + b_k = (b_k - zp * sum w_k) + w_k . v, wrapped to int32 like TFLM's accumulator.
std::vector<int32_t> folded_bias(const Tensor& w, const Tensor* b, int32_t zp) {
  const int64_t rows = w.shape[0], cols = w.shape[1];
  const auto wv = w.values<int8_t>();
  std::vector<int32_t> out(static_cast<size_t>(rows));
  for (int64_t j = 0; j < rows; ++j) {
    int64_t acc = b ? b->values<int32_t>()[static_cast<size_t>(j)] : 0;
    for (int64_t i = 0; i < cols; ++i) acc -= int64_t{zp} * wv[static_cast<size_t>(j * cols + i)];
    out[static_cast<size_t>(j)] = static_cast<int32_t>(static_cast<uint32_t>(static_cast<uint64_t>(acc)));
  }
  return out;
}

LstmS8 lstm_s8_setup(const Node& n, std::span<const Tensor* const> in) {
  LstmS8 s;
  eg_lstm_s8_tfl_params& p = s.p;
  const Tensor &x = *in[kInput], &h = *in[kOutputState], &c = *in[kCellState];
  p.time_major = static_cast<int32_t>(n.attr_int("time_major", 0));
  p.batch = static_cast<int32_t>(x.shape[p.time_major ? 1 : 0]);
  p.steps = static_cast<int32_t>(x.shape[p.time_major ? 0 : 1]);
  p.input = static_cast<int32_t>(x.shape[2]);
  p.hidden = static_cast<int32_t>(in[kRecurrentWeights + 1]->shape[0]);
  p.h_zp = zp_of(h);
  const double gate_in = 1.0 / 4096.0, gate_out = 1.0 / 32768.0;
  for (size_t k = 0; k < 4; ++k) {
    const Tensor &w = *in[kInputWeights + k], &r = *in[kRecurrentWeights + k];
    // A per-tensor FC's multiplier (GetQuantizedConvolutionMultipler): the float product of the scales.
    const auto mx = tfl::multiplier(static_cast<double>(scale_of(x) * scale_of(w)) / gate_in);
    const auto mh = tfl::multiplier(static_cast<double>(scale_of(h) * scale_of(r)) / gate_in);
    s.bias[2 * k] = folded_bias(w, in[kBiases + k], zp_of(x));
    s.bias[2 * k + 1] = folded_bias(r, nullptr, zp_of(h));
    p.gate[k] = {w.values<int8_t>().data(), r.values<int8_t>().data(), s.bias[2 * k].data(), s.bias[2 * k + 1].data(),
                 mx.mult, mx.shift, mh.mult, mh.shift};
  }
  // The element-wise products (CreateInterGateMulParams): double products of the scales.
  const double cs = scale_of(c);
  const auto fc = tfl::multiplier(gate_out * cs / cs), ig = tfl::multiplier(gate_out * gate_out / cs),
             oh = tfl::multiplier(gate_out * gate_out / static_cast<double>(scale_of(h)));
  p.fc_mult = fc.mult, p.fc_shift = fc.shift, p.ig_mult = ig.mult, p.ig_shift = ig.shift;
  p.oh_mult = oh.mult, p.oh_shift = oh.shift;
  // tanh(c): c's scale 2^power (CheckedLog2: log2 rounded) read as Q3.12 by a left shift
  // 15 + power - 3, or 3x then a rounded right shift when that is negative.
  const int power = static_cast<int>(std::round(std::log(scale_of(c)) * (1.0f / std::log(2.0f))));
  const int left = 15 + power - 3;
  p.tanh_mult = left < 0 ? 3 : 3 << left;
  p.tanh_shift = left < 0 ? -left : 0;
  const double clip = n.attr_float("cell_clip", 0.0f);
  p.cell_clip = clip > 0.0 ? static_cast<int16_t>(std::min(std::max(clip / cs, -32768.0), 32767.0)) : -1;
  return s;
}

// "" when the int8 node is TFLM's integer LSTM (lstm_problem has checked the shapes).
std::string lstm_s8_problem(std::span<const Tensor* const> in, const Tensor& y, float cell_clip) {
  for (size_t i : {kInput, kOutputState}) {
    const std::string why = tfl::per_tensor_s8_problem(*in[i], i == kInput ? "input" : "output_state");
    if (!why.empty()) return why;
  }
  if (y.dtype != DType::I8 || y.quant != in[kOutputState]->quant)
    return "the int8 output must share the output_state's quantization (TFLM copies the hidden state)";
  const Tensor& c = *in[kCellState];
  if (c.dtype != DType::I16 || !c.quant || c.quant->per_channel() || !(c.quant->scale[0] > 0.0f) ||
      c.quant->zero_point[0] != 0)
    return "the cell_state must be int16 with one positive scale and zero point 0";
  if (!present(in, kInputWeights)) return "CIFG (no input gate) is not supported by TFLM's integer LSTM";
  for (size_t k = kPeepholes; k < kPeepholes + 3; ++k)
    if (present(in, k)) return "peepholes are not supported by TFLM's integer LSTM";
  for (size_t k = 0; k < 8; ++k) {
    const Tensor& w = *in[kInputWeights + k];
    if (!tfl::per_tensor_s8_problem(w, "weights").empty() || !w.is_const || w.quant->zero_point[0] != 0)
      return "weights '" + w.name + "' must be constant int8, per-tensor, zero point 0";
  }
  for (size_t k = 0; k < 4; ++k)
    if (in[kBiases + k]->dtype != DType::I32) return "gate biases must be constant int32";
  if (cell_clip < 0.0f) return "a negative cell_clip";
  return "";
}

// "" when the node is the supported form; shapes are checked here for infer and check alike.
std::string lstm_problem(const Graph& g, const Node& n) {
  const auto in = graph_inputs(g, n);
  if (!present(in, kInput) || in[kInput]->shape.size() != 3) return "the input must be 3-D";
  const DType dt = in[kInput]->dtype;
  if (dt != DType::F32 && dt != DType::I8) return "the input must be float32 or int8";
  const bool variants = present(in, kProjectionWeights) || present(in, kProjectionBias) ||
                        std::any_of(in.begin() + std::min(in.size(), kLayerNorm), in.end(), [](auto t) { return t; });
  if (dt == DType::I8 && variants)
    return "projection and layer normalization are not supported by TFLM's integer LSTM (int8)";
  const int64_t a = n.attr_int("activation", EG_TFL_ACT_TANH);
  if (dt == DType::I8 && a != EG_TFL_ACT_TANH) return "the cell activation must be TANH (TFLM's integer LSTM)";
  if (a != EG_TFL_ACT_TANH && a != EG_TFL_ACT_RELU && a != EG_TFL_ACT_RELU6 && a != EG_TFL_ACT_NONE)
    return "cell activation " + std::to_string(a) + " is not supported";
  if (!present(in, kRecurrentWeights + 1) || in[kRecurrentWeights + 1]->shape.size() != 2)
    return "missing or non-2-D recurrent weights";
  // C cells; O outputs (the projection's rows, else C)
  const int64_t I = in[kInput]->shape[2], C = in[kRecurrentWeights + 1]->shape[0],
                O = in[kRecurrentWeights + 1]->shape[1];
  const int64_t B = in[kInput]->shape[n.attr_int("time_major", 0) ? 1 : 0];
  const bool cifg = !present(in, kInputWeights);
  const DType wt = dt == DType::I8 ? DType::I8 : DType::F32, bt = dt == DType::I8 ? DType::I32 : DType::F32;
  auto vector_problem = [&](size_t i, const char* what, Shape shape) -> std::string {
    if (present(in, i) && (in[i]->shape != shape || !in[i]->is_const || in[i]->dtype != DType::F32))
      return std::string(what) + " must be constant float32 " + shape_str(shape);
    return "";
  };
  const bool ln = present(in, kLayerNorm + 1);
  for (size_t k = cifg ? 1 : 0; k < 4; ++k) {
    const Tensor* w = present(in, kInputWeights + k) ? in[kInputWeights + k] : nullptr;
    const Tensor* r = present(in, kRecurrentWeights + k) ? in[kRecurrentWeights + k] : nullptr;
    const Tensor* b = present(in, kBiases + k) ? in[kBiases + k] : nullptr;
    if (!w || !r || !b) return "gate " + std::to_string(k) + " lacks its weights or bias";
    if (w->shape != Shape{C, I} || r->shape != Shape{C, O} || b->shape != Shape{C})
      return "gate " + std::to_string(k) + " weights/bias do not match input " + std::to_string(I) + ", cells " +
             std::to_string(C) + ", outputs " + std::to_string(O);
    for (const Tensor* t : {w, r, b})
      if (!t->is_const || t->dtype != (t == b ? bt : wt))
        return std::string("weights and biases must be constant ") + (dt == DType::I8 ? "int8 / int32" : "float32");
    if (present(in, kLayerNorm + k) != ln) return "layer norm coefficients must be given for every gate or none";
    if (auto why = vector_problem(kLayerNorm + k, "layer norm coefficients", {C}); !why.empty()) return why;
  }
  if (cifg && present(in, kLayerNorm)) return "a CIFG LSTM has no input gate layer norm";
  if (dt == DType::F32)
    for (size_t k = 0; k < 3; ++k)
      if (auto why = vector_problem(kPeepholes + k, "peephole weights", {C}); !why.empty()) return why;
  if (present(in, kProjectionWeights) || O != C)
    if (!present(in, kProjectionWeights) || !in[kProjectionWeights]->is_const ||
        in[kProjectionWeights]->dtype != DType::F32 || in[kProjectionWeights]->shape != Shape{O, C})
      return "projection weights must be constant float32 " + shape_str({O, C});
  if (!present(in, kProjectionWeights) && present(in, kProjectionBias)) return "a projection bias without weights";
  if (auto why = vector_problem(kProjectionBias, "the projection bias", {O}); !why.empty()) return why;
  for (size_t s : {kOutputState, kCellState}) {
    if (dt == DType::I8 && !present(in, s)) return "int8 needs the output_state and cell_state tensors";
    if (present(in, s) && in[s]->elements() != B * (s == kOutputState ? O : C))
      return "a state tensor is not [batch, " + std::string(s == kOutputState ? "outputs" : "cells") + "]";
    if (present(in, s) && in[s]->is_const && !in[s]->data.empty())
      for (uint8_t byte : in[s]->data)
        if (byte) return "a non-zero initial state is not supported (every run starts from zero states)";
  }
  if (dt == DType::I8) return lstm_s8_problem(in, g.t(n.outputs[0]), n.attr_float("cell_clip", 0.0f));
  return "";
}

bool is_s8(std::span<const Tensor* const> in) { return in[kInput]->dtype == DType::I8; }

void lstm_s8_emit(EmitContext& ctx, const Graph& g, const Node& n) {
  const auto in = graph_inputs(g, n);
  const LstmS8 s = lstm_s8_setup(n, in);
  const eg_lstm_s8_tfl_params& p = s.p;
  const std::string id = ctx.layer_ident();
  auto v = [](int64_t x) { return std::to_string(x); };
  std::string gates;
  for (size_t k = 0; k < 4; ++k) {
    const int64_t H = p.hidden;
    const std::string bx = ctx.add_array(id + "_bx" + v(static_cast<int64_t>(k)),
                                         make_const("bx", DType::I32, {H}, s.bias[2 * k]), n.name, true);
    const std::string bh = ctx.add_array(id + "_bh" + v(static_cast<int64_t>(k)),
                                         make_const("bh", DType::I32, {H}, s.bias[2 * k + 1]), n.name, true);
    const eg_lstm_s8_gate& q = p.gate[k];
    gates += std::string(k ? ",\n    " : "") + "{" + ctx.ptr_as(n.inputs[kInputWeights + k], "const int8_t*") + ", " +
             ctx.ptr_as(n.inputs[kRecurrentWeights + k], "const int8_t*") + ", " + bx + ", " + bh + ", " +
             v(q.mult_x) + ", " + v(q.shift_x) + ", " + v(q.mult_h) + ", " + v(q.shift_h) + "}";
  }
  ctx.use("eg_tfl_lstm_s8");
  ctx.decl("static const eg_lstm_s8_tfl_params " + id + " = {" + v(p.batch) + ", " + v(p.steps) + ", " + v(p.input) +
           ", " + v(p.hidden) + ", " + v(p.time_major) + ", " + v(p.h_zp) + ",\n    {" + gates + "},\n    " +
           v(p.fc_mult) + ", " + v(p.fc_shift) + ", " + v(p.ig_mult) + ", " + v(p.ig_shift) + ", " + v(p.oh_mult) +
           ", " + v(p.oh_shift) + ", " + v(p.tanh_mult) + ", " + v(p.tanh_shift) + ", " + v(p.cell_clip) + "};");
  ctx.emit("eg_lstm_s8_tfl(&" + id + ", " + ctx.ptr(n.inputs[kInput]) + ", " + ctx.ptr(n.outputs[0]) + ", " +
           ctx.scratch(ctx.current_node, "void*") + ");");
}


}  // namespace

void register_tflite_lstm() {
  OpDef d;
  d.op = "UNIDIRECTIONAL_SEQUENCE_LSTM";
  d.constraints = "TFLite, float32: CIFG, peepholes, cell clip, layer norm, projection (+ clip), time_major; int8: "
                  "TFLite Micro's integer LSTM (int16 cell state, cell clip, time_major; no CIFG, peephole, projection "
                  "or layer norm); reset initial states";
  d.dtypes = {"float32", "int8"};
  d.infer = [](Graph& g, const Node& n) {
    const auto in = graph_inputs(g, n);
    if (!present(in, kInput) || in[kInput]->shape.size() != 3 || !present(in, kRecurrentWeights + 1))
      bad(g, n, "needs a 3-D input and recurrent weights");
    const Tensor& x = *in[kInput];
    Shape out = x.shape;
    out[2] = in[kRecurrentWeights + 1]->shape.size() == 2 ? in[kRecurrentWeights + 1]->shape[1] : 0;
    tfl::set_checked(g, n, x.dtype, out);
  };
  d.ref = [](const Node& n, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
    if (is_s8(in)) {
      const LstmS8 s = lstm_s8_setup(n, in);
      std::vector<uint8_t> scratch(static_cast<size_t>(EG_LSTM_S8_TFL_SCRATCH(s.p.batch, s.p.hidden)) + 1);
      eg_lstm_s8_tfl(&s.p, in[kInput]->values<int8_t>().data(), out[0]->mutable_values<int8_t>().data(),
                     scratch.data());
      return;
    }
    const eg_lstm_f32_tfl_params p = lstm_setup(n, in);
    std::vector<float> scratch(static_cast<size_t>(EG_LSTM_F32_TFL_SCRATCH(p.batch, p.cell, p.output)));
    eg_lstm_f32_tfl(&p, in[kInput]->values<float>().data(), out[0]->mutable_values<float>().data(), scratch.data());
  };
  d.check = lstm_problem;
  d.scratch = [](const Graph& g, const Node& n) {
    const auto in = graph_inputs(g, n);
    if (is_s8(in)) {
      const LstmS8 s = lstm_s8_setup(n, in);
      return static_cast<size_t>(EG_LSTM_S8_TFL_SCRATCH(s.p.batch, s.p.hidden));
    }
    const eg_lstm_f32_tfl_params p = lstm_setup(n, in);
    return static_cast<size_t>(EG_LSTM_F32_TFL_SCRATCH(p.batch, p.cell, p.output)) * sizeof(float);
  };
  d.emit = [](EmitContext& ctx, const Graph& g, const Node& n) {
    if (is_s8(graph_inputs(g, n))) return lstm_s8_emit(ctx, g, n);
    const eg_lstm_f32_tfl_params p = lstm_setup(n, graph_inputs(g, n));
    auto ptr = [&](size_t i) { return has_in(n, i) ? ctx.ptr(n.inputs[i]) : std::string("0"); };
    auto four = [&](size_t first) {
      return "{" + ptr(first) + ", " + ptr(first + 1) + ", " + ptr(first + 2) + ", " + ptr(first + 3) + "}";
    };
    const std::string id = ctx.layer_ident();
    auto v = [](int64_t x) { return std::to_string(x); };
    ctx.use("eg_tfl_lstm");
    ctx.decl("static const eg_lstm_f32_tfl_params " + id + " = {" + v(p.batch) + ", " + v(p.steps) + ", " + v(p.input) +
             ", " + v(p.cell) + ", " + v(p.output) + ", " + v(p.time_major) + ", " + v(p.activation) + ", " +
             EmitContext::float_lit(p.cell_clip) + ", " + EmitContext::float_lit(p.proj_clip) + ",\n    " +
             four(kInputWeights) + ",\n    " + four(kRecurrentWeights) + ",\n    " + four(kBiases) + ",\n    {" +
             ptr(kPeepholes) + ", " + ptr(kPeepholes + 1) + ", " + ptr(kPeepholes + 2) + "},\n    " + four(kLayerNorm) +
             ", " + ptr(kProjectionWeights) + ", " + ptr(kProjectionBias) + "};");
    ctx.emit("eg_lstm_f32_tfl(&" + id + ", " + ctx.ptr(n.inputs[kInput]) + ", " + ctx.ptr(n.outputs[0]) + ", " +
             ctx.scratch(ctx.current_node, "float*") + ");");
  };
  d.macc = [](const Graph& g, const Node& n) {
    const auto in = graph_inputs(g, n);
    if (!present(in, kInput) || !present(in, kRecurrentWeights + 1) || in[kInput]->shape.size() != 3 ||
        in[kRecurrentWeights + 1]->shape.size() != 2)
      return int64_t{0};
    const int64_t T = in[kInput]->shape[0] * in[kInput]->shape[1], I = in[kInput]->shape[2],
                  C = in[kRecurrentWeights + 1]->shape[0], O = in[kRecurrentWeights + 1]->shape[1];
    return T * (4 * C * (I + O + 3) + (present(in, kProjectionWeights) ? O * C : 0));
  };
  d.c_layer_type = "LSTM";
  register_op(d);
}

}  // namespace eg::ops
