// GRU: ONNX semantics (forward, reverse, bidirectional; both linear_before_reset
// values; optional initial state) and its lowering to the eg_gru kernel, which
// can read int8 input and write int8 outputs directly (fused conversions).
#include <cmath>

#include "emit/emit_context.h"
#include "ops/common.h"
#include "ops/registry.h"

namespace eg::ops {
namespace {

int64_t num_directions(const Node& n) { return n.attr_string("direction", "forward") == "bidirectional" ? 2 : 1; }

void infer_gru(Graph& g, const Node& n) {
  const Tensor& x = in_t(g, n, 0);
  const Tensor& w = in_t(g, n, 1);
  if (x.shape.size() != 3) bad(g, n, "input must be 3-D");
  const int64_t H = n.attr_int("hidden_size", w.shape.size() == 3 ? w.shape[1] / 3 : 0);
  const int64_t D = num_directions(n);
  const bool batch_first = n.attr_int("layout", 0) == 1;
  const int64_t T = batch_first ? x.shape[1] : x.shape[0], B = batch_first ? x.shape[0] : x.shape[1];
  if (w.shape.size() != 3 || w.shape[0] != D || w.shape[1] != 3 * H || w.shape[2] != x.shape[2])
    bad(g, n, "W shape " + shape_str(w.shape) + " does not match input and hidden_size");
  if (has_in(n, 4)) bad(g, n, "sequence_lens input is not supported (static sequences only)");
  const DType dt = x.dtype;
  if (batch_first) {
    set_out(g, n, 0, dt, {B, T, D, H});
    set_out(g, n, 1, dt, {B, D, H});
  } else {
    set_out(g, n, 0, dt, {T, D, B, H});
    set_out(g, n, 1, dt, {D, B, H});
  }
}

float sigm(float x) { return 1.0f / (1.0f + std::exp(-x)); }

void ref_gru(const Node& n, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  const Tensor& x = *in[0];
  const auto W = in[1]->as_float(), R = in[2]->as_float();
  const std::vector<float> Bv = in.size() > 3 && in[3] ? in[3]->as_float() : std::vector<float>{};
  const std::vector<float> H0 = in.size() > 5 && in[5] ? in[5]->as_float() : std::vector<float>{};
  const bool batch_first = n.attr_int("layout", 0) == 1;
  const int64_t T = batch_first ? x.shape[1] : x.shape[0], B = batch_first ? x.shape[0] : x.shape[1];
  const int64_t I = x.shape[2], D = num_directions(n);
  const int64_t H = n.attr_int("hidden_size", in[1]->shape[1] / 3);
  const bool lbr = n.attr_int("linear_before_reset", 0) != 0;
  const float clip = n.attr_float("clip", 0.0f);
  const std::string dir = n.attr_string("direction", "forward");
  auto X = [&](int64_t t, int64_t b, int64_t k) {
    return static_cast<float>(get_as_double(x, static_cast<size_t>(batch_first ? (b * T + t) * I + k : (t * B + b) * I + k)));
  };
  auto cl = [&](float v) { return clip > 0 ? std::max(-clip, std::min(clip, v)) : v; };
  Tensor* Y = out.size() > 0 ? out[0] : nullptr;
  Tensor* Yh = out.size() > 1 ? out[1] : nullptr;
  for (int64_t d = 0; d < D; ++d) {
    const bool rev = dir == "reverse" || (D == 2 && d == 1);
    std::vector<float> h(static_cast<size_t>(B * H), 0.0f);
    if (!H0.empty())
      for (int64_t i = 0; i < B * H; ++i) h[static_cast<size_t>(i)] = H0[static_cast<size_t>(d * B * H + i)];
    const float* w = W.data() + d * 3 * H * I;
    const float* r = R.data() + d * 3 * H * H;
    const float* wb = Bv.empty() ? nullptr : Bv.data() + d * 6 * H;
    for (int64_t s = 0; s < T; ++s) {
      const int64_t t = rev ? T - 1 - s : s;
      std::vector<float> hn(h.size());
      for (int64_t b = 0; b < B; ++b) {
        std::vector<float> z(static_cast<size_t>(H)), rg(static_cast<size_t>(H));
        const float* hb = h.data() + b * H;
        for (int64_t j = 0; j < H; ++j) {
          float az = wb ? wb[j] + wb[3 * H + j] : 0.0f, ar = wb ? wb[H + j] + wb[4 * H + j] : 0.0f;
          for (int64_t k = 0; k < I; ++k) {
            az += w[j * I + k] * X(t, b, k);
            ar += w[(H + j) * I + k] * X(t, b, k);
          }
          for (int64_t k = 0; k < H; ++k) {
            az += r[j * H + k] * hb[k];
            ar += r[(H + j) * H + k] * hb[k];
          }
          z[static_cast<size_t>(j)] = sigm(cl(az));
          rg[static_cast<size_t>(j)] = sigm(cl(ar));
        }
        for (int64_t j = 0; j < H; ++j) {
          float xh = wb ? wb[2 * H + j] : 0.0f;
          for (int64_t k = 0; k < I; ++k) xh += w[(2 * H + j) * I + k] * X(t, b, k);
          float rh = wb ? wb[5 * H + j] : 0.0f;
          for (int64_t k = 0; k < H; ++k)
            rh += r[(2 * H + j) * H + k] * (lbr ? hb[k] : rg[static_cast<size_t>(k)] * hb[k]);
          const float hh = std::tanh(cl(lbr ? xh + rg[static_cast<size_t>(j)] * rh : xh + rh));
          const float zz = z[static_cast<size_t>(j)];
          hn[static_cast<size_t>(b * H + j)] = (1.0f - zz) * hh + zz * hb[j];
        }
      }
      h = hn;
      if (Y)
        for (int64_t b = 0; b < B; ++b)
          for (int64_t j = 0; j < H; ++j) {
            const int64_t idx = batch_first ? ((b * T + t) * D + d) * H + j : ((t * D + d) * B + b) * H + j;
            set_from_double(*Y, static_cast<size_t>(idx), h[static_cast<size_t>(b * H + j)]);
          }
    }
    if (Yh)
      for (int64_t b = 0; b < B; ++b)
        for (int64_t j = 0; j < H; ++j) {
          const int64_t idx = batch_first ? (b * D + d) * H + j : (d * B + b) * H + j;
          set_from_double(*Yh, static_cast<size_t>(idx), h[static_cast<size_t>(b * H + j)]);
        }
  }
}

std::string check_gru(const Graph& g, const Node& n) {
  if (n.has_attr("activations")) {
    auto acts = std::get_if<std::vector<std::string>>(&n.attrs.at("activations"));
    if (acts)
      for (size_t i = 0; i < acts->size(); ++i)
        if ((*acts)[i] != (i % 2 == 0 ? "Sigmoid" : "Tanh")) return "only the default activations (Sigmoid, Tanh)";
  }
  if (n.attr_float("clip", 0.0f) != 0.0f) return "clip is not supported";
  if (n.attr_int("layout", 0) != 0) return "layout=1 (batch first) is not supported";
  for (size_t i : {1, 2, 3, 5})
    if (has_in(n, i) && !g.t(n.inputs[i]).is_const) return "weights and initial state must be constant";
  for (size_t i : {1, 2, 3, 5})
    if (has_in(n, i) && g.t(n.inputs[i]).dtype != DType::F32) return "float32 weights only";
  return "";
}

size_t gru_scratch(const Graph& g, const Node& n) {
  const Tensor& x = g.t(n.inputs[0]);
  const int64_t H = n.attr_int("hidden_size", 0);
  return static_cast<size_t>(x.shape[1] * H * 2 + 3 * H) * sizeof(float);
}

std::string io_type(const Tensor& t) { return t.dtype == DType::I8 ? "EG_RNN_S8" : "EG_RNN_F32"; }

void emit_gru(EmitContext& ctx, const Graph& g, const Node& n) {
  const Tensor& x = g.t(n.inputs[0]);
  const int64_t H = n.attr_int("hidden_size", 0), D = num_directions(n);
  const std::string id = ctx.layer_ident();
  auto s = [](int64_t v) { return std::to_string(v); };
  auto qs = [&](TensorId t) { return t == kNoTensor || !g.t(t).quant ? std::string("0.0f") : EmitContext::float_lit(g.t(t).quant->scale[0]); };
  auto qz = [&](TensorId t) { return t == kNoTensor || !g.t(t).quant ? std::string("0") : s(g.t(t).quant->zero_point[0]); };
  TensorId y = n.outputs.size() > 0 ? n.outputs[0] : kNoTensor;
  TensorId yh = n.outputs.size() > 1 ? n.outputs[1] : kNoTensor;
  auto opt = [&](size_t i) { return has_in(n, i) ? ctx.ptr(n.inputs[i]) : std::string("0"); };
  ctx.use("eg_rnn");
  ctx.use("eg_quant");  // eg_rnn quantizes its int8 outputs with it
  ctx.decl("static const eg_gru_params " + id + " = {" + s(x.shape[0]) + ", " + s(x.shape[1]) + ", " +
           s(x.shape[2]) + ", " + s(H) + ", " + s(D) + ", " +
           (n.attr_string("direction", "forward") == "reverse" ? "1" : "0") + ", " +
           s(n.attr_int("linear_before_reset", 0)) + ",\n    " + io_type(x) + ", " +
           (y == kNoTensor ? "EG_RNN_F32" : io_type(g.t(y))) + ", " + (yh == kNoTensor ? "EG_RNN_F32" : io_type(g.t(yh))) +
           ", " + qs(n.inputs[0]) + ", " + qs(y) + ", " + qs(yh) + ", " + qz(n.inputs[0]) + ", " + qz(y) + ", " +
           qz(yh) + ",\n    " + ctx.ptr(n.inputs[1]) + ", " + ctx.ptr(n.inputs[2]) + ", " + opt(3) + ", " + opt(5) +
           "};");
  ctx.emit("eg_gru(&" + id + ", " + ctx.ptr(n.inputs[0]) + ", " + (y == kNoTensor ? "0" : ctx.ptr(y)) + ", " +
           (yh == kNoTensor ? "0" : ctx.ptr(yh)) + ", " + ctx.scratch(ctx.current_node, "float*") + ");");
}

int64_t macc_gru(const Graph& g, const Node& n) {
  const Tensor& x = g.t(n.inputs[0]);
  const int64_t H = n.attr_int("hidden_size", 0), D = num_directions(n);
  // per step and direction: input and recurrent gate products, plus 2 per hidden unit (state update)
  return D * x.shape[0] * x.shape[1] * (3 * H * x.shape[2] + 3 * H * H + 2 * H);
}

}  // namespace

void register_rnn() {
  OpDef d;
  d.op = "GRU";
  d.constraints = "forward/reverse/bidirectional; linear_before_reset 0/1; constant weights; default activations";
  d.dtypes = {"float32", "int8 in/out with float math (QDQ island)"};
  d.infer = infer_gru;
  d.ref = ref_gru;
  d.check = check_gru;
  d.emit = emit_gru;
  d.macc = macc_gru;
  d.scratch = gru_scratch;
  d.c_layer_type = "GRU";
  d.qdq = QdqRole::RnnIsland;
  register_op(d);
}

}  // namespace eg::ops
