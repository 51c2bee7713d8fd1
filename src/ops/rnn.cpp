// GRU, LSTM and RNN: ONNX semantics (forward, reverse, bidirectional; GRU: both
// linear_before_reset values; LSTM: peepholes, initial cell state; optional
// initial state and constant sequence_lens) and their lowering to the eg_gru /
// eg_lstm / eg_rnn kernels, which can read int8 input and write int8 outputs
// directly (fused conversions).
#include <algorithm>
#include <cmath>

#include "ops/emit_context.h"
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
  // eg_gru_scratch_floats: state [batch][hidden], gates z, r, h [3][hidden], the step's input [input_size]
  return static_cast<size_t>(x.shape[1] * H + 3 * H + x.shape[2]) * sizeof(float);
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


// ---------------------------------------------------------------- LSTM and RNN

int64_t gate_count(const Node& n) { return n.op == "LSTM" ? 4 : 1; }
size_t acts_per_dir(const Node& n) { return n.op == "LSTM" ? 3 : 1; }

std::vector<std::string> rnn_activations(const Node& n) {
  std::vector<std::string> dflt = n.op == "LSTM" ? std::vector<std::string>{"Sigmoid", "Tanh", "Tanh"}
                                                 : std::vector<std::string>{"Tanh"};
  const int64_t D = num_directions(n);
  std::vector<std::string> acts;
  if (n.has_attr("activations"))
    if (auto a = std::get_if<std::vector<std::string>>(&n.attrs.at("activations"))) acts = *a;
  if (acts.empty())
    for (int64_t d = 0; d < D; ++d) acts.insert(acts.end(), dflt.begin(), dflt.end());
  if (acts.size() == acts_per_dir(n) && D == 2) acts.insert(acts.end(), dflt.begin(), dflt.end());
  return acts;
}

int act_code(const std::string& a) { return a == "Sigmoid" ? 0 : a == "Tanh" ? 1 : a == "Relu" ? 2 : -1; }

float act_apply(int code, float x) {
  if (code == 1) return std::tanh(x);
  if (code == 2) return x > 0 ? x : 0.0f;
  return 1.0f / (1.0f + std::exp(-x));
}

void infer_lstm_rnn(Graph& g, const Node& n) {
  const Tensor& x = in_t(g, n, 0);
  const Tensor& w = in_t(g, n, 1);
  if (x.shape.size() != 3) bad(g, n, "input must be 3-D");
  const int64_t G = gate_count(n), D = num_directions(n);
  const int64_t H = n.attr_int("hidden_size", w.shape.size() == 3 ? w.shape[1] / G : 0);
  const bool batch_first = n.attr_int("layout", 0) == 1;
  const int64_t T = batch_first ? x.shape[1] : x.shape[0], B = batch_first ? x.shape[0] : x.shape[1];
  if (w.shape.size() != 3 || w.shape[0] != D || w.shape[1] != G * H || w.shape[2] != x.shape[2])
    bad(g, n, "W shape " + shape_str(w.shape) + " does not match input and hidden_size");
  if (rnn_activations(n).size() != acts_per_dir(n) * static_cast<size_t>(D))
    bad(g, n, "activations list does not match the direction count");
  const DType dt = x.dtype;
  if (batch_first) {
    set_out(g, n, 0, dt, {B, T, D, H});
    set_out(g, n, 1, dt, {B, D, H});
    set_out(g, n, 2, dt, {B, D, H});
  } else {
    set_out(g, n, 0, dt, {T, D, B, H});
    set_out(g, n, 1, dt, {D, B, H});
    set_out(g, n, 2, dt, {D, B, H});
  }
}

void ref_lstm_rnn(const Node& n, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  const Tensor& x = *in[0];
  const bool lstm = n.op == "LSTM";
  const int64_t G = gate_count(n);
  const auto W = in[1]->as_float(), R = in[2]->as_float();
  auto opt = [&](size_t i) { return in.size() > i && in[i] ? in[i]->as_float() : std::vector<float>{}; };
  const std::vector<float> Bv = opt(3), H0 = opt(5), C0 = lstm ? opt(6) : std::vector<float>{},
                           P = lstm ? opt(7) : std::vector<float>{};
  const std::vector<int64_t> lens = in.size() > 4 && in[4] ? in[4]->as_int64() : std::vector<int64_t>{};
  const bool batch_first = n.attr_int("layout", 0) == 1;
  const int64_t T = batch_first ? x.shape[1] : x.shape[0], B = batch_first ? x.shape[0] : x.shape[1];
  const int64_t I = x.shape[2], D = num_directions(n);
  const int64_t H = n.attr_int("hidden_size", in[1]->shape[1] / G);
  const float clip = n.attr_float("clip", 0.0f);
  const std::string dir = n.attr_string("direction", "forward");
  const auto acts = rnn_activations(n);
  auto X = [&](int64_t t, int64_t b, int64_t k) {
    return static_cast<float>(get_as_double(x, static_cast<size_t>(batch_first ? (b * T + t) * I + k : (t * B + b) * I + k)));
  };
  auto cl = [&](float v) { return clip > 0 ? std::max(-clip, std::min(clip, v)) : v; };
  Tensor* Y = out.size() > 0 ? out[0] : nullptr;
  Tensor* Yh = out.size() > 1 ? out[1] : nullptr;
  Tensor* Yc = out.size() > 2 ? out[2] : nullptr;
  auto yidx = [&](int64_t t, int64_t d, int64_t b, int64_t j) {
    return static_cast<size_t>(batch_first ? ((b * T + t) * D + d) * H + j : ((t * D + d) * B + b) * H + j);
  };
  auto sidx = [&](int64_t d, int64_t b, int64_t j) {
    return static_cast<size_t>(batch_first ? (b * D + d) * H + j : (d * B + b) * H + j);
  };
  for (int64_t d = 0; d < D; ++d) {
    const bool rev = dir == "reverse" || (D == 2 && d == 1);
    const size_t a0 = static_cast<size_t>(d) * acts_per_dir(n);
    const int af = act_code(acts[a0]), ag = lstm ? act_code(acts[a0 + 1]) : 0, ah = lstm ? act_code(acts[a0 + 2]) : 0;
    const float* w = W.data() + d * G * H * I;
    const float* r = R.data() + d * G * H * H;
    const float* wb = Bv.empty() ? nullptr : Bv.data() + d * 2 * G * H;
    const float* pp = P.empty() ? nullptr : P.data() + d * 3 * H;
    for (int64_t b = 0; b < B; ++b) {
      const int64_t len = lens.empty() ? T : std::clamp<int64_t>(lens[static_cast<size_t>(b)], 0, T);
      std::vector<float> h(static_cast<size_t>(H), 0.0f), c(static_cast<size_t>(H), 0.0f), gate(static_cast<size_t>(G * H));
      for (int64_t j = 0; j < H; ++j) {
        if (!H0.empty()) h[static_cast<size_t>(j)] = H0[static_cast<size_t>((d * B + b) * H + j)];
        if (!C0.empty()) c[static_cast<size_t>(j)] = C0[static_cast<size_t>((d * B + b) * H + j)];
      }
      for (int64_t s = 0; s < len; ++s) {
        const int64_t t = rev ? len - 1 - s : s;
        for (int64_t j = 0; j < G * H; ++j) {
          float acc = wb ? wb[j] + wb[G * H + j] : 0.0f;
          for (int64_t k = 0; k < I; ++k) acc += w[j * I + k] * X(t, b, k);
          for (int64_t k = 0; k < H; ++k) acc += r[j * H + k] * h[static_cast<size_t>(k)];
          gate[static_cast<size_t>(j)] = acc;
        }
        for (int64_t j = 0; j < H; ++j) {
          const size_t u = static_cast<size_t>(j);
          if (!lstm) {
            h[u] = act_apply(af, cl(gate[u]));
            continue;
          }
          float gi = gate[u], go = gate[static_cast<size_t>(H + j)], gf = gate[static_cast<size_t>(2 * H + j)],
                gc = gate[static_cast<size_t>(3 * H + j)];
          if (pp) {
            gi += pp[j] * c[u];
            gf += pp[2 * H + j] * c[u];
          }
          gi = act_apply(af, cl(gi));
          gf = act_apply(af, cl(gf));
          gc = act_apply(ag, cl(gc));
          c[u] = gf * c[u] + gi * gc;
          if (pp) go += pp[H + j] * c[u];
          go = act_apply(af, cl(go));
          h[u] = go * act_apply(ah, c[u]);
        }
        if (Y)
          for (int64_t j = 0; j < H; ++j) set_from_double(*Y, yidx(t, d, b, j), h[static_cast<size_t>(j)]);
      }
      if (Y)  // steps past the sequence length are zeros (the output arrives zeroed)
        for (int64_t t = len; t < T; ++t)
          for (int64_t j = 0; j < H; ++j) set_from_double(*Y, yidx(t, d, b, j), 0.0);
      for (int64_t j = 0; j < H; ++j) {
        if (Yh) set_from_double(*Yh, sidx(d, b, j), h[static_cast<size_t>(j)]);
        if (Yc) set_from_double(*Yc, sidx(d, b, j), c[static_cast<size_t>(j)]);
      }
    }
  }
}

std::string check_lstm_rnn(const Graph& g, const Node& n) {
  for (const auto& a : rnn_activations(n))
    if (act_code(a) < 0) return "activation " + a + " is not supported (Sigmoid, Tanh, Relu)";
  if (n.has_attr("activation_alpha") || n.has_attr("activation_beta")) return "activation_alpha/beta are not supported";
  if (n.attr_int("input_forget", 0) != 0) return "input_forget=1 is not supported";
  if (n.attr_int("layout", 0) != 0) return "layout=1 (batch first) is not supported";
  const DType xt = g.t(n.inputs[0]).dtype;
  if (xt != DType::F32 && xt != DType::I8) return "input must be float32 or int8";
  const size_t last = n.op == "LSTM" ? 7 : 5;
  for (size_t i = 1; i <= last; ++i) {
    if (!has_in(n, i)) continue;
    const Tensor& t = g.t(n.inputs[i]);
    if (!t.is_const) return i == 4 ? "sequence_lens must be constant" : "weights and initial state must be constant";
    if (i != 4 && t.dtype != DType::F32) return "float32 weights only";
  }
  return "";
}

size_t lstm_rnn_scratch(const Graph& g, const Node& n) {
  const Tensor& x = g.t(n.inputs[0]);
  const int64_t G = gate_count(n), B = x.shape[1], I = x.shape[2];
  const int64_t H = n.attr_int("hidden_size", g.t(n.inputs[1]).shape[1] / G);
  const int64_t floats = n.op == "LSTM" ? 2 * B * H + 4 * H + I : B * H + H + I;
  return static_cast<size_t>(floats) * sizeof(float);
}

void emit_lstm_rnn(EmitContext& ctx, const Graph& g, const Node& n) {
  const bool lstm = n.op == "LSTM";
  const Tensor& x = g.t(n.inputs[0]);
  const int64_t G = gate_count(n), D = num_directions(n);
  const int64_t H = n.attr_int("hidden_size", g.t(n.inputs[1]).shape[1] / G);
  const std::string id = ctx.layer_ident();
  auto s = [](int64_t v) { return std::to_string(v); };
  auto outp = [&](size_t i) { return i < n.outputs.size() ? n.outputs[i] : kNoTensor; };
  auto qs = [&](TensorId t) { return t == kNoTensor || !g.t(t).quant ? std::string("0.0f") : EmitContext::float_lit(g.t(t).quant->scale[0]); };
  auto qz = [&](TensorId t) { return t == kNoTensor || !g.t(t).quant ? std::string("0") : s(g.t(t).quant->zero_point[0]); };
  auto ty = [&](TensorId t) { return t == kNoTensor ? std::string("EG_RNN_F32") : io_type(g.t(t)); };
  auto opt = [&](size_t i) { return has_in(n, i) ? ctx.ptr(n.inputs[i]) : std::string("0"); };
  auto optp = [&](TensorId t) { return t == kNoTensor ? std::string("0") : ctx.ptr(t); };
  std::string lens = "0";
  if (has_in(n, 4)) {
    const Tensor& lt = g.t(n.inputs[4]);
    const auto v = lt.as_int64();
    bool all_full = true;
    for (int64_t l : v) all_full = all_full && l == x.shape[0];
    if (!all_full) {
      std::vector<int32_t> v32(v.begin(), v.end());
      lens = ctx.add_array(id + "_seq_lens", make_const(lt.name, DType::I32, {static_cast<int64_t>(v32.size())}, v32),
                           lt.name, true);
    }
  }
  const auto acts = rnn_activations(n);
  const TensorId y = outp(0), yh = outp(1), yc = outp(2);
  const std::string head = s(x.shape[0]) + ", " + s(x.shape[1]) + ", " + s(x.shape[2]) + ", " + s(H) + ", " + s(D) +
                           ", " + (n.attr_string("direction", "forward") == "reverse" ? "1" : "0") + ", ";
  const std::string clip = EmitContext::float_lit(n.attr_float("clip", 0.0f));
  ctx.use("eg_rnn");
  ctx.use("eg_quant");  // eg_rnn quantizes its int8 outputs with it
  if (lstm) {
    for (int64_t d = 1; d < D; ++d)
      for (size_t k = 0; k < 3; ++k)
        if (acts[static_cast<size_t>(d) * 3 + k] != acts[k]) bad(g, n, "both directions must use the same activations");
    ctx.decl("static const eg_lstm_params " + id + " = {" + head + s(act_code(acts[0])) + ", " + s(act_code(acts[1])) +
             ", " + s(act_code(acts[2])) + ", " + clip + ",\n    " + io_type(x) + ", " + ty(y) + ", " + ty(yh) + ", " +
             ty(yc) + ", " + qs(n.inputs[0]) + ", " + qs(y) + ", " + qs(yh) + ", " + qs(yc) + ", " + qz(n.inputs[0]) +
             ", " + qz(y) + ", " + qz(yh) + ", " + qz(yc) + ",\n    " + ctx.ptr(n.inputs[1]) + ", " +
             ctx.ptr(n.inputs[2]) + ", " + opt(3) + ", " + opt(5) + ", " + opt(6) + ", " + opt(7) + ", " + lens + "};");
    ctx.emit("eg_lstm(&" + id + ", " + ctx.ptr(n.inputs[0]) + ", " + optp(y) + ", " + optp(yh) + ", " + optp(yc) + ", " +
             ctx.scratch(ctx.current_node, "float*") + ");");
    return;
  }
  ctx.decl("static const eg_rnn_params " + id + " = {" + head + "{" + s(act_code(acts[0])) + ", " +
           s(act_code(acts[D == 2 ? 1 : 0])) + "}, " + clip + ",\n    " + io_type(x) + ", " + ty(y) + ", " + ty(yh) +
           ", " + qs(n.inputs[0]) + ", " + qs(y) + ", " + qs(yh) + ", " + qz(n.inputs[0]) + ", " + qz(y) + ", " +
           qz(yh) + ",\n    " + ctx.ptr(n.inputs[1]) + ", " + ctx.ptr(n.inputs[2]) + ", " + opt(3) + ", " + opt(5) +
           ", " + lens + "};");
  ctx.emit("eg_rnn(&" + id + ", " + ctx.ptr(n.inputs[0]) + ", " + optp(y) + ", " + optp(yh) + ", " +
           ctx.scratch(ctx.current_node, "float*") + ");");
}

int64_t macc_lstm_rnn(const Graph& g, const Node& n) {
  const Tensor& x = g.t(n.inputs[0]);
  const int64_t G = gate_count(n), D = num_directions(n);
  const int64_t H = n.attr_int("hidden_size", g.t(n.inputs[1]).shape[1] / G);
  return D * x.shape[0] * x.shape[1] * (G * H * x.shape[2] + G * H * H + (G == 4 ? 3 * H : H));
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

  for (const char* op : {"LSTM", "RNN"}) {
    OpDef r;
    r.op = op;
    r.constraints = std::string(op) == "LSTM"
                        ? "forward/reverse/bidirectional; peepholes; initial h/c; constant weights and sequence_lens; "
                          "activations Sigmoid/Tanh/Relu; clip"
                        : "forward/reverse/bidirectional; initial h; constant weights and sequence_lens; activations "
                          "Tanh/Sigmoid/Relu; clip";
    r.dtypes = {"float32", "int8 in/out with float math (QDQ island)"};
    r.infer = infer_lstm_rnn;
    r.ref = ref_lstm_rnn;
    r.check = check_lstm_rnn;
    r.emit = emit_lstm_rnn;
    r.macc = macc_lstm_rnn;
    r.scratch = lstm_rnn_scratch;
    r.c_layer_type = op;
    r.qdq = QdqRole::RnnIsland;
    register_op(r);
  }
}

}  // namespace eg::ops
