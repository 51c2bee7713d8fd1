// TFLite UNIDIRECTIONAL_SEQUENCE_LSTM, float32: TFLite Micro's float LSTM step (eg_tfl_lstm.c) with
// CIFG, peepholes and cell clipping; no projection, no layer normalization. The output_state and
// cell_state inputs are TFLite's variable tensors: every run starts from zero states, as the
// interpreter's first Invoke does.
#include "ops/emit_context.h"
#include "ops/families.h"
#include "ops/registry.h"
#include "ops/tensor_common.h"
#include "ops/tflite_common.h"

extern "C" {
#include "eg_tfl_lstm.h"
}

namespace eg::ops {
namespace {

// Input indices of the operator (TFLite's lstm_shared.h order).
constexpr size_t kInput = 0, kInputWeights = 1, kRecurrentWeights = 5, kPeepholes = 9, kBiases = 12,
                 kProjectionWeights = 16, kProjectionBias = 17, kLayerNorm = 20;

bool present(std::span<const Tensor* const> in, size_t i) { return i < in.size() && in[i] != nullptr; }

// The kernel's view; pointers from `in` (constants checked by lstm_problem).
eg_lstm_f32_tfl_params lstm_setup(const Node& n, std::span<const Tensor* const> in) {
  eg_lstm_f32_tfl_params p{};
  const Tensor& x = *in[kInput];
  p.time_major = static_cast<int32_t>(n.attr_int("time_major", 0));
  p.batch = static_cast<int32_t>(x.shape[p.time_major ? 1 : 0]);
  p.steps = static_cast<int32_t>(x.shape[p.time_major ? 0 : 1]);
  p.input = static_cast<int32_t>(x.shape[2]);
  p.hidden = static_cast<int32_t>(in[kRecurrentWeights + 1]->shape[0]);
  p.activation = static_cast<int32_t>(n.attr_int("activation", EG_TFL_ACT_TANH));
  p.cell_clip = n.attr_float("cell_clip", 0.0f);
  auto data = [&](size_t i) { return present(in, i) ? in[i]->values<float>().data() : nullptr; };
  for (size_t k = 0; k < 4; ++k) {
    p.w[k] = data(kInputWeights + k);
    p.r[k] = data(kRecurrentWeights + k);
    p.b[k] = data(kBiases + k);
  }
  for (size_t k = 0; k < 3; ++k) p.peep[k] = data(kPeepholes + k);
  return p;
}

// "" when the node is the supported form; shapes are checked here for infer and check alike.
std::string lstm_problem(const Graph& g, const Node& n) {
  const auto in = graph_inputs(g, n);
  if (!present(in, kInput) || in[kInput]->shape.size() != 3) return "the input must be 3-D";
  if (in[kInput]->dtype != DType::F32) return "int8 UNIDIRECTIONAL_SEQUENCE_LSTM is not supported yet (float32 only)";
  for (size_t i = kProjectionWeights; i < in.size(); ++i)
    if (present(in, i) && (i == kProjectionWeights || i == kProjectionBias || i >= kLayerNorm))
      return "projection and layer normalization are not supported";
  const int64_t a = n.attr_int("activation", EG_TFL_ACT_TANH);
  if (a != EG_TFL_ACT_TANH && a != EG_TFL_ACT_RELU && a != EG_TFL_ACT_RELU6 && a != EG_TFL_ACT_NONE)
    return "cell activation " + std::to_string(a) + " is not supported";
  if (!present(in, kRecurrentWeights + 1)) return "missing recurrent weights";
  const int64_t I = in[kInput]->shape[2], H = in[kRecurrentWeights + 1]->shape[0];
  const bool cifg = !present(in, kInputWeights);
  for (size_t k = cifg ? 1 : 0; k < 4; ++k) {
    const Tensor* w = present(in, kInputWeights + k) ? in[kInputWeights + k] : nullptr;
    const Tensor* r = present(in, kRecurrentWeights + k) ? in[kRecurrentWeights + k] : nullptr;
    const Tensor* b = present(in, kBiases + k) ? in[kBiases + k] : nullptr;
    if (!w || !r || !b) return "gate " + std::to_string(k) + " lacks its weights or bias";
    if (w->shape != Shape{H, I} || r->shape != Shape{H, H} || b->shape != Shape{H})
      return "gate " + std::to_string(k) + " weights/bias do not match input " + std::to_string(I) + ", hidden " +
             std::to_string(H);
    for (const Tensor* t : {w, r, b})
      if (!t->is_const || t->dtype != DType::F32) return "weights and biases must be constant float32";
  }
  for (size_t k = 0; k < 3; ++k)
    if (present(in, kPeepholes + k) && (in[kPeepholes + k]->shape != Shape{H} || !in[kPeepholes + k]->is_const ||
                                        in[kPeepholes + k]->dtype != DType::F32))
      return "peephole weights must be constant float32 [" + std::to_string(H) + "]";
  for (size_t s : {size_t{18}, size_t{19}})
    if (present(in, s) && in[s]->is_const && !in[s]->data.empty())
      for (uint8_t byte : in[s]->data)
        if (byte) return "a non-zero initial state is not supported (every run starts from zero states)";
  return "";
}

}  // namespace

void register_tflite_lstm() {
  OpDef d;
  d.op = "UNIDIRECTIONAL_SEQUENCE_LSTM";
  d.constraints = "TFLite, float32: CIFG, peepholes, cell clip, time_major; no projection or layer norm; "
                  "zero initial states";
  d.dtypes = {"float32"};
  d.infer = [](Graph& g, const Node& n) {
    const auto in = graph_inputs(g, n);
    if (!present(in, kInput) || in[kInput]->shape.size() != 3 || !present(in, kRecurrentWeights + 1))
      bad(g, n, "needs a 3-D input and recurrent weights");
    const Tensor& x = *in[kInput];
    Shape out = x.shape;
    out[2] = in[kRecurrentWeights + 1]->shape[0];
    tfl::set_checked(g, n, x.dtype, out);
  };
  d.ref = [](const Node& n, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
    const eg_lstm_f32_tfl_params p = lstm_setup(n, in);
    std::vector<float> scratch(static_cast<size_t>(EG_LSTM_F32_TFL_SCRATCH(p.batch, p.hidden)));
    eg_lstm_f32_tfl(&p, in[kInput]->values<float>().data(), out[0]->mutable_values<float>().data(), scratch.data());
  };
  d.check = lstm_problem;
  d.scratch = [](const Graph& g, const Node& n) {
    const eg_lstm_f32_tfl_params p = lstm_setup(n, graph_inputs(g, n));
    return static_cast<size_t>(EG_LSTM_F32_TFL_SCRATCH(p.batch, p.hidden)) * sizeof(float);
  };
  d.emit = [](EmitContext& ctx, const Graph& g, const Node& n) {
    const eg_lstm_f32_tfl_params p = lstm_setup(n, graph_inputs(g, n));
    auto ptr = [&](size_t i) { return has_in(n, i) ? ctx.ptr(n.inputs[i]) : std::string("0"); };
    auto four = [&](size_t first) {
      return "{" + ptr(first) + ", " + ptr(first + 1) + ", " + ptr(first + 2) + ", " + ptr(first + 3) + "}";
    };
    const std::string id = ctx.layer_ident();
    auto v = [](int64_t x) { return std::to_string(x); };
    ctx.use("eg_tfl_lstm");
    ctx.decl("static const eg_lstm_f32_tfl_params " + id + " = {" + v(p.batch) + ", " + v(p.steps) + ", " + v(p.input) +
             ", " + v(p.hidden) + ", " + v(p.time_major) + ", " + v(p.activation) + ", " +
             EmitContext::float_lit(p.cell_clip) + ",\n    " + four(kInputWeights) + ",\n    " + four(kRecurrentWeights) +
             ",\n    " + four(kBiases) + ",\n    {" + ptr(kPeepholes) + ", " + ptr(kPeepholes + 1) + ", " +
             ptr(kPeepholes + 2) + "}};");
    ctx.emit("eg_lstm_f32_tfl(&" + id + ", " + ctx.ptr(n.inputs[kInput]) + ", " + ctx.ptr(n.outputs[0]) + ", " +
             ctx.scratch(ctx.current_node, "float*") + ");");
  };
  d.macc = [](const Graph& g, const Node& n) {
    const auto in = graph_inputs(g, n);
    if (!present(in, kInput) || !present(in, kRecurrentWeights + 1) || in[kInput]->shape.size() != 3) return int64_t{0};
    const int64_t T = in[kInput]->shape[0] * in[kInput]->shape[1], I = in[kInput]->shape[2],
                  H = in[kRecurrentWeights + 1]->shape[0];
    return T * 4 * H * (I + H + 3);
  };
  d.c_layer_type = "LSTM";
  register_op(d);
}

}  // namespace eg::ops
