// GRU, LSTM and RNN: ONNX semantics (forward, reverse, bidirectional; layout 0
// and 1; every activation of the spec with alpha/beta; clip; GRU
// linear_before_reset; LSTM peepholes and input_forget; sequence_lens) and
// their lowering. The specialised eg_gru / eg_lstm / eg_rnn kernels (constant
// weights in flash, the common activations) take the usual configurations,
// with initial states that may come from the activations buffer (run-time
// state); everything else (other activations, run-time weights, GRU
// sequence_lens, input_forget) runs eg_rnn_generic. Both read int8 input and
// write int8 outputs directly (fused conversions).
#include <algorithm>
#include <cctype>
#include <cmath>

#include "ops/emit_context.h"
#include "ops/common.h"
#include "ops/registry.h"

namespace eg::ops {
namespace {

enum class Cell { Rnn, Gru, Lstm };

// One recurrent activation: EG_RACT_* code (eg_rnn_generic.h) with its alpha/beta.
struct Act {
  int code = 0;
  float alpha = 0, beta = 0;
};

struct ActInfo {
  const char* name;
  bool alpha, beta;
  float alpha_default, beta_default;
};
// Index = EG_RACT_* code; which take alpha/beta and their defaults (as ONNX Runtime reads them).
constexpr ActInfo kActs[] = {{"sigmoid", false, false, 0, 0},        {"tanh", false, false, 0, 0},
                             {"relu", false, false, 0, 0},           {"affine", true, true, 0, 0},
                             {"leakyrelu", true, false, 0.01f, 0},   {"thresholdedrelu", true, false, 0, 0},
                             {"scaledtanh", true, true, 0, 0},       {"hardsigmoid", true, true, 0.2f, 0.5f},
                             {"elu", true, false, 1.0f, 0},          {"softsign", false, false, 0, 0},
                             {"softplus", false, false, 0, 0}};

// Everything the reference, the check and the emitter need, read once from the node.
struct RnnSpec {
  Cell cell = Cell::Lstm;
  int64_t G = 4;                 // gates: 1, 3, 4
  int64_t T = 0, B = 0, I = 0, H = 0, D = 1;
  bool batch_first = false, reverse = false, lbr = false, input_forget = false;
  float clip = 0;
  std::vector<Act> acts;         // acts_per_dir per direction
  size_t acts_per_dir = 1;
  std::string bad_act;           // an unknown activation name, if any
};

Cell cell_of(const Node& n) { return n.op == "GRU" ? Cell::Gru : n.op == "LSTM" ? Cell::Lstm : Cell::Rnn; }

RnnSpec spec_of(const Node& n, const Shape& x, const Shape& w) {
  RnnSpec s;
  s.cell = cell_of(n);
  s.G = s.cell == Cell::Lstm ? 4 : s.cell == Cell::Gru ? 3 : 1;
  s.acts_per_dir = s.cell == Cell::Lstm ? 3 : s.cell == Cell::Gru ? 2 : 1;
  const std::string dir = n.attr_string("direction", "forward");
  s.D = dir == "bidirectional" ? 2 : 1;
  s.reverse = dir == "reverse";
  s.batch_first = n.attr_int("layout", 0) == 1;
  if (x.size() == 3) {
    s.T = s.batch_first ? x[1] : x[0];
    s.B = s.batch_first ? x[0] : x[1];
    s.I = x[2];
  }
  s.H = n.attr_int("hidden_size", w.size() == 3 ? w[1] / s.G : 0);
  s.lbr = n.attr_int("linear_before_reset", 0) != 0;
  s.input_forget = n.attr_int("input_forget", 0) != 0;
  s.clip = n.attr_float("clip", 0.0f);
  std::vector<std::string> names;
  if (n.has_attr("activations"))
    if (auto a = std::get_if<std::vector<std::string>>(&n.attrs.at("activations"))) names = *a;
  const std::vector<std::string> dflt = s.cell == Cell::Lstm  ? std::vector<std::string>{"Sigmoid", "Tanh", "Tanh"}
                                        : s.cell == Cell::Gru ? std::vector<std::string>{"Sigmoid", "Tanh"}
                                                              : std::vector<std::string>{"Tanh"};
  if (names.empty())
    for (int64_t d = 0; d < s.D; ++d) names.insert(names.end(), dflt.begin(), dflt.end());
  if (names.size() == s.acts_per_dir && s.D == 2) names.insert(names.end(), names.begin(), names.end());
  const auto alphas = n.attr_floats("activation_alpha"), betas = n.attr_floats("activation_beta");
  size_t ai = 0, bi = 0;
  for (const auto& name : names) {
    std::string low;
    for (char c : name) low += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    Act a;
    a.code = -1;
    for (int k = 0; k < static_cast<int>(std::size(kActs)); ++k)
      if (low == kActs[k].name) a.code = k;
    if (a.code < 0) {
      s.bad_act = name;
      a.code = 0;
    }
    const ActInfo& info = kActs[a.code];
    if (info.alpha) a.alpha = ai < alphas.size() ? alphas[ai++] : info.alpha_default;
    if (info.beta) a.beta = bi < betas.size() ? betas[bi++] : info.beta_default;
    s.acts.push_back(a);
  }
  return s;
}

RnnSpec spec_of(const Graph& g, const Node& n) { return spec_of(n, g.t(n.inputs[0]).shape, g.t(n.inputs[1]).shape); }

float act_apply(const Act& a, float x) {
  switch (a.code) {
    case 1: return std::tanh(x);
    case 2: return x > 0 ? x : 0.0f;
    case 3: return a.alpha * x + a.beta;
    case 4: return x >= 0 ? x : a.alpha * x;
    case 5: return x > a.alpha ? x : 0.0f;
    case 6: return a.alpha * std::tanh(a.beta * x);
    case 7: return std::clamp(a.alpha * x + a.beta, 0.0f, 1.0f);
    case 8: return x >= 0 ? x : a.alpha * (std::exp(x) - 1.0f);
    case 9: return x / (1.0f + std::fabs(x));
    case 10: return x > 0 ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x));
    default: return 1.0f / (1.0f + std::exp(-x));
  }
}

void infer_rnn(Graph& g, const Node& n) {
  const Tensor& x = in_t(g, n, 0);
  const Tensor& w = in_t(g, n, 1);
  if (x.shape.size() != 3) bad(g, n, "input must be 3-D");
  const RnnSpec s = spec_of(n, x.shape, w.shape);
  if (w.shape.size() != 3 || w.shape[0] != s.D || w.shape[1] != s.G * s.H || w.shape[2] != s.I)
    bad(g, n, "W shape " + shape_str(w.shape) + " does not match input and hidden_size");
  if (s.acts.size() != s.acts_per_dir * static_cast<size_t>(s.D))
    bad(g, n, "activations list does not match the direction count");
  if (!s.bad_act.empty()) bad(g, n, "unknown activation '" + s.bad_act + "'");
  const DType dt = x.dtype;
  const Shape y = s.batch_first ? Shape{s.B, s.T, s.D, s.H} : Shape{s.T, s.D, s.B, s.H};
  const Shape st = s.batch_first ? Shape{s.B, s.D, s.H} : Shape{s.D, s.B, s.H};
  set_out(g, n, 0, dt, y);
  set_out(g, n, 1, dt, st);
  if (s.cell == Cell::Lstm) set_out(g, n, 2, dt, st);
}

// ONNX semantics for all three cells (time loop per direction and batch row).
void ref_rnn(const Node& n, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  const Tensor& x = *in[0];
  const RnnSpec s = spec_of(n, x.shape, in[1]->shape);
  const bool lstm = s.cell == Cell::Lstm, gru = s.cell == Cell::Gru;
  const int64_t T = s.T, B = s.B, I = s.I, H = s.H, D = s.D, G = s.G;
  const auto W = in[1]->as_float(), R = in[2]->as_float();
  auto opt = [&](size_t i) { return in.size() > i && in[i] ? in[i]->as_float() : std::vector<float>{}; };
  const std::vector<float> Bv = opt(3), H0 = opt(5), C0 = lstm ? opt(6) : std::vector<float>{},
                           P = lstm ? opt(7) : std::vector<float>{};
  const std::vector<int64_t> lens = in.size() > 4 && in[4] ? in[4]->as_int64() : std::vector<int64_t>{};
  auto X = [&](int64_t t, int64_t b, int64_t k) {
    return static_cast<float>(get_as_double(x, static_cast<size_t>(s.batch_first ? (b * T + t) * I + k : (t * B + b) * I + k)));
  };
  auto cl = [&](float v) { return s.clip > 0 ? std::clamp(v, -s.clip, s.clip) : v; };
  Tensor* Y = out.size() > 0 ? out[0] : nullptr;
  Tensor* Yh = out.size() > 1 ? out[1] : nullptr;
  Tensor* Yc = out.size() > 2 ? out[2] : nullptr;
  auto yidx = [&](int64_t t, int64_t d, int64_t b, int64_t j) {
    return static_cast<size_t>(s.batch_first ? ((b * T + t) * D + d) * H + j : ((t * D + d) * B + b) * H + j);
  };
  // initial states and Y_h/Y_c follow the layout too
  auto sidx = [&](int64_t d, int64_t b, int64_t j) {
    return static_cast<size_t>(s.batch_first ? (b * D + d) * H + j : (d * B + b) * H + j);
  };
  for (int64_t d = 0; d < D; ++d) {
    const bool rev = s.reverse || (D == 2 && d == 1);
    const Act* a = &s.acts[static_cast<size_t>(d) * s.acts_per_dir];
    const Act &af = a[0], &ag = s.acts_per_dir > 1 ? a[1] : a[0], &ah = s.acts_per_dir > 2 ? a[2] : a[0];
    const float* w = W.data() + d * G * H * I;
    const float* r = R.data() + d * G * H * H;
    const float* wb = Bv.empty() ? nullptr : Bv.data() + d * 2 * G * H;
    const float* rb = wb ? wb + G * H : nullptr;
    const float* pp = P.empty() ? nullptr : P.data() + d * 3 * H;
    for (int64_t b = 0; b < B; ++b) {
      const int64_t len = lens.empty() ? T : std::clamp<int64_t>(lens[static_cast<size_t>(b)], 0, T);
      std::vector<float> h(static_cast<size_t>(H), 0.0f), c(static_cast<size_t>(H), 0.0f),
          gx(static_cast<size_t>(G * H)), gh(static_cast<size_t>(G * H));
      for (int64_t j = 0; j < H; ++j) {
        if (!H0.empty()) h[static_cast<size_t>(j)] = H0[sidx(d, b, j)];
        if (!C0.empty()) c[static_cast<size_t>(j)] = C0[sidx(d, b, j)];
      }
      for (int64_t st = 0; st < len; ++st) {
        const int64_t t = rev ? len - 1 - st : st;
        // x and h parts of every gate row, biases included
        for (int64_t j = 0; j < G * H; ++j) {
          float ax = wb ? wb[j] : 0.0f, ahh = rb ? rb[j] : 0.0f;
          for (int64_t k = 0; k < I; ++k) ax += w[j * I + k] * X(t, b, k);
          for (int64_t k = 0; k < H; ++k) ahh += r[j * H + k] * h[static_cast<size_t>(k)];
          gx[static_cast<size_t>(j)] = ax;
          gh[static_cast<size_t>(j)] = ahh;
        }
        std::vector<float> hn(static_cast<size_t>(H)), rg(static_cast<size_t>(H));
        if (gru)
          for (int64_t j = 0; j < H; ++j) {
            const size_t u = static_cast<size_t>(j);
            rg[u] = act_apply(af, cl(gx[u + H] + gh[u + H]));
          }
        for (int64_t j = 0; j < H; ++j) {
          const size_t u = static_cast<size_t>(j);
          if (gru) {
            const float z = act_apply(af, cl(gx[u] + gh[u]));
            float pre;
            if (s.lbr) {
              pre = gx[u + 2 * H] + rg[u] * gh[u + 2 * H];
            } else {
              float acc = rb ? rb[2 * H + j] : 0.0f;
              for (int64_t k = 0; k < H; ++k)
                acc += r[(2 * H + j) * H + k] * (rg[static_cast<size_t>(k)] * h[static_cast<size_t>(k)]);
              pre = gx[u + 2 * H] + acc;
            }
            const float hh = act_apply(ag, cl(pre));
            hn[u] = (1.0f - z) * hh + z * h[u];
          } else if (!lstm) {
            hn[u] = act_apply(af, cl(gx[u] + gh[u]));
          } else {
            float gi = gx[u] + gh[u], go = gx[u + H] + gh[u + H], gf = gx[u + 2 * H] + gh[u + 2 * H],
                  gc = gx[u + 3 * H] + gh[u + 3 * H];
            if (pp) {
              gi += pp[j] * c[u];
              gf += pp[2 * H + j] * c[u];
            }
            gi = act_apply(af, cl(gi));
            gf = s.input_forget ? 1.0f - gi : act_apply(af, cl(gf));
            gc = act_apply(ag, cl(gc));
            c[u] = gf * c[u] + gi * gc;
            if (pp) go += pp[H + j] * c[u];
            go = act_apply(af, cl(go));
            hn[u] = go * act_apply(ah, c[u]);
          }
        }
        h = hn;
        if (Y)
          for (int64_t j = 0; j < H; ++j) set_from_double(*Y, yidx(t, d, b, j), h[static_cast<size_t>(j)]);
      }
      if (Y)  // steps past the sequence length are zeros
        for (int64_t t = len; t < T; ++t)
          for (int64_t j = 0; j < H; ++j) set_from_double(*Y, yidx(t, d, b, j), 0.0);
      for (int64_t j = 0; j < H; ++j) {
        if (Yh) set_from_double(*Yh, sidx(d, b, j), h[static_cast<size_t>(j)]);
        if (Yc) set_from_double(*Yc, sidx(d, b, j), c[static_cast<size_t>(j)]);
      }
    }
  }
}

size_t last_input(Cell c) { return c == Cell::Lstm ? 7 : 5; }
bool is_weight(size_t i) { return i == 1 || i == 2 || i == 3 || i == 7; }

// The specialised kernels: constant weights, the activations they implement, and their feature set.
bool fast_kernel_fits(const Graph& g, const Node& n, const RnnSpec& s) {
  for (size_t i = 1; i <= last_input(s.cell); ++i)
    if (has_in(n, i) && is_weight(i) && !g.t(n.inputs[i]).is_const) return false;
  if (has_in(n, 4) && !g.t(n.inputs[4]).is_const) return false;
  if (s.input_forget) return false;
  if (s.cell == Cell::Gru) {
    if (s.clip != 0.0f || s.acts[0].code != 0 || s.acts[1].code != 1) return false;
    for (size_t k = 2; k < s.acts.size(); ++k)
      if (s.acts[k].code != s.acts[k % 2].code) return false;
    if (has_in(n, 4))
      for (int64_t l : g.t(n.inputs[4]).as_int64())
        if (l != s.T) return false;
    return true;
  }
  for (const Act& a : s.acts)
    if (a.code > 2) return false;
  if (s.cell == Cell::Lstm)
    for (size_t k = 3; k < s.acts.size(); ++k)
      if (s.acts[k].code != s.acts[k - 3].code) return false;
  return true;
}

std::string check_rnn(const Graph& g, const Node& n) {
  const RnnSpec s = spec_of(g, n);
  if (s.batch_first && s.B != 1) return "layout=1 (batch first) with batch > 1 is not supported";
  const DType xt = g.t(n.inputs[0]).dtype;
  if (xt != DType::F32 && xt != DType::I8) return "input must be float32 or int8";
  for (size_t i = 1; i <= last_input(s.cell); ++i) {
    if (!has_in(n, i)) continue;
    const Tensor& t = g.t(n.inputs[i]);
    if (i == 4) {
      if (!t.is_const && t.dtype != DType::I32) return "a run-time sequence_lens must be int32";
      continue;
    }
    if (t.dtype != DType::F32)
      return std::string(is_weight(i) ? "weights" : "initial state") + " '" + t.name + "' must be float32 (is " +
             std::string(dtype_name(t.dtype)) + ")";
  }
  return "";
}

int64_t scratch_floats(const RnnSpec& s, bool fast) {
  if (!fast) return 2 * s.B * s.H + 5 * s.H + s.I;  // eg_rnn_generic_scratch_floats
  switch (s.cell) {
    case Cell::Gru: return s.B * s.H + 6 * s.H + s.I;  // eg_gru_scratch_floats
    case Cell::Lstm: return s.B * (s.I + s.H) + s.B * s.H + 4 * s.H;
    default: return s.B * (s.I + s.H) + s.H;
  }
}

size_t rnn_scratch(const Graph& g, const Node& n) {
  const RnnSpec s = spec_of(g, n);
  return static_cast<size_t>(scratch_floats(s, fast_kernel_fits(g, n, s))) * sizeof(float);
}

// The specialised kernels' constant arrays (runtime/eg_rnn.h), per direction: the gate rows as W8
// matrices (eg_fc_f32_w8's layout). GRU: W [3H][I]; R [3H][H] (linear_before_reset) or [2H][H] then
// [H][H]; the bias as given. LSTM, RNN: (W | R) [G*H][I+H] and the bias Wb + Rb (float sum).
struct FastArrays {
  std::string w, r = "0", b = "0";
};

FastArrays fast_arrays(EmitContext& ctx, const Graph& g, const Node& n, const RnnSpec& s) {
  const Tensor& wt = g.t(n.inputs[1]);
  const std::vector<float> W = wt.as_float(), R = g.t(n.inputs[2]).as_float();
  const int64_t GH = s.G * s.H, I = s.I, H = s.H;
  auto rows = [](const std::vector<float>& m, int64_t first, int64_t count, int64_t cols) {
    return std::vector<float>(m.begin() + first * cols, m.begin() + (first + count) * cols);
  };
  auto append = [](std::vector<float>& to, const std::vector<float>& v) { to.insert(to.end(), v.begin(), v.end()); };
  std::vector<float> w, r, b;
  for (int64_t d = 0; d < s.D; ++d) {
    if (s.cell == Cell::Gru) {
      append(w, fc_f32_w8(rows(W, d * GH, GH, I), I, GH));
      const int64_t first = s.lbr ? GH : 2 * H;  // rows in the first R matrix
      append(r, fc_f32_w8(rows(R, d * GH, first, H), H, first));
      if (!s.lbr) append(r, fc_f32_w8(rows(R, d * GH + 2 * H, H, H), H, H));
      continue;
    }
    std::vector<float> wr;
    for (int64_t j = 0; j < GH; ++j) {
      append(wr, rows(W, d * GH + j, 1, I));
      append(wr, rows(R, d * GH + j, 1, H));
    }
    append(w, fc_f32_w8(wr, I + H, GH));
    if (has_in(n, 3)) {
      const std::vector<float> B = g.t(n.inputs[3]).as_float();
      for (int64_t j = 0; j < GH; ++j)
        b.push_back(B[static_cast<size_t>(d * 2 * GH + j)] + B[static_cast<size_t>(d * 2 * GH + GH + j)]);
    }
  }
  const std::string base = ctx.tensor_symbol(wt.name);
  auto add = [&](const std::string& suffix, const std::vector<float>& v) {
    return ctx.add_array(base + suffix, make_const(wt.name, DType::F32, {static_cast<int64_t>(v.size())}, v), wt.name);
  };
  FastArrays a;
  a.w = add(s.cell == Cell::Gru ? "_w8" : "_wr_w8", w);
  if (!r.empty()) a.r = add("_r_w8", r);
  if (!b.empty()) a.b = add("_bias", b);
  if (s.cell == Cell::Gru && has_in(n, 3)) a.b = ctx.ptr(n.inputs[3]);
  return a;
}

std::string io_type(const Tensor& t) { return t.dtype == DType::I8 ? "EG_RNN_S8" : "EG_RNN_F32"; }

void emit_rnn(EmitContext& ctx, const Graph& g, const Node& n) {
  const RnnSpec s = spec_of(g, n);
  const bool fast = fast_kernel_fits(g, n, s);
  const bool lstm = s.cell == Cell::Lstm;
  const std::string id = ctx.layer_ident();
  auto str = [](int64_t v) { return std::to_string(v); };
  auto outp = [&](size_t i) { return i < n.outputs.size() ? n.outputs[i] : kNoTensor; };
  auto qs = [&](TensorId t) { return t == kNoTensor || !g.t(t).quant ? std::string("0.0f") : EmitContext::float_lit(g.t(t).quant->scale[0]); };
  auto qz = [&](TensorId t) { return t == kNoTensor || !g.t(t).quant ? std::string("0") : str(g.t(t).quant->zero_point[0]); };
  auto ty = [&](TensorId t) { return t == kNoTensor ? std::string("EG_RNN_F32") : io_type(g.t(t)); };
  auto optp = [&](TensorId t) { return t == kNoTensor ? std::string("0") : ctx.ptr(t); };
  auto in_ptr = [&](size_t i) { return has_in(n, i) ? ctx.ptr(n.inputs[i]) : std::string("0"); };
  // flash structs may only point at constants; a run-time tensor is set on a local copy
  auto const_ptr = [&](size_t i) {
    return has_in(n, i) && g.t(n.inputs[i]).is_const ? ctx.ptr(n.inputs[i]) : std::string("0");
  };
  std::vector<std::pair<std::string, std::string>> runtime_fields;  // field, pointer
  auto runtime = [&](size_t i, const char* field) {
    if (has_in(n, i) && !g.t(n.inputs[i]).is_const) runtime_fields.emplace_back(field, ctx.ptr(n.inputs[i]));
  };
  // sequence_lens: constant (int32 array, dropped when every length is the full sequence) or run-time int32
  std::string lens = "0";
  if (has_in(n, 4)) {
    const Tensor& lt = g.t(n.inputs[4]);
    if (!lt.is_const) {
      lens = ctx.ptr_as(n.inputs[4], "const int32_t*");
    } else {
      const auto v = lt.as_int64();
      if (std::any_of(v.begin(), v.end(), [&](int64_t l) { return l != s.T; })) {
        std::vector<int32_t> v32(v.begin(), v.end());
        lens = ctx.add_array(id + "_seq_lens", make_const(lt.name, DType::I32, {static_cast<int64_t>(v32.size())}, v32),
                             lt.name, true);
      }
    }
  }
  const TensorId y = outp(0), yh = outp(1), yc = lstm ? outp(2) : kNoTensor;
  const std::string x = ctx.ptr(n.inputs[0]), scratch = ctx.scratch(ctx.current_node, "float*");
  const std::string dims = str(s.T) + ", " + str(s.B) + ", " + str(s.I) + ", " + str(s.H) + ", " + str(s.D) + ", " +
                           (s.reverse ? "1" : "0") + ", ";
  const std::string clip = EmitContext::float_lit(s.clip);
  ctx.use("eg_rnn");
  ctx.use("eg_quant");  // the kernels quantize their int8 outputs with it
  if (!fast) {
    ctx.use("eg_rnn_generic");
    std::string acts = "{";
    for (int64_t d = 0; d < 2; ++d) {
      acts += d ? ", {" : "{";
      for (size_t k = 0; k < 3; ++k) {
        const size_t idx = static_cast<size_t>(std::min<int64_t>(d, s.D - 1)) * s.acts_per_dir + std::min(k, s.acts_per_dir - 1);
        const Act& a = s.acts[idx];
        acts += std::string(k ? ", " : "") + "{" + str(a.code) + ", " + EmitContext::float_lit(a.alpha) + ", " +
                EmitContext::float_lit(a.beta) + "}";
      }
      acts += "}";
    }
    acts += "}";
    const char* cell = s.cell == Cell::Lstm ? "EG_CELL_LSTM" : s.cell == Cell::Gru ? "EG_CELL_GRU" : "EG_CELL_RNN";
    ctx.decl("static const eg_rnn_generic_params " + id + " = {" + cell + ", " + dims + (s.lbr ? "1" : "0") + ", " +
             (s.input_forget ? "1" : "0") + ", " + clip + ",\n    " + acts + ",\n    " + io_type(g.t(n.inputs[0])) +
             ", " + ty(y) + ", " + ty(yh) + ", " + ty(yc) + ", " + qs(n.inputs[0]) + ", " + qs(y) + ", " + qs(yh) +
             ", " + qs(yc) + ", " + qz(n.inputs[0]) + ", " + qz(y) + ", " + qz(yh) + ", " + qz(yc) + "};");
    ctx.emit("{");
    ctx.emit("  const eg_rnn_generic_tensors t = {" + in_ptr(1) + ", " + in_ptr(2) + ", " + in_ptr(3) + ", " +
             in_ptr(5) + ", " + (lstm ? in_ptr(6) : "0") + ", " + (lstm ? in_ptr(7) : "0") + ", " + lens + "};");
    ctx.emit("  eg_rnn_generic(&" + id + ", &t, " + x + ", " + optp(y) + ", " + optp(yh) + ", " + optp(yc) + ", " +
             scratch + ");");
    ctx.emit("}");
    return;
  }
  std::string type, call;
  const FastArrays fa = fast_arrays(ctx, g, n, s);
  ctx.use("eg_fc_f32");  // the gate matrix products
  runtime(5, "H0");
  if (s.cell == Cell::Gru) {
    type = "eg_gru_params";
    ctx.decl("static const eg_gru_params " + id + " = {" + dims + (s.lbr ? "1" : "0") + ",\n    " +
             io_type(g.t(n.inputs[0])) + ", " + ty(y) + ", " + ty(yh) + ", " + qs(n.inputs[0]) + ", " + qs(y) + ", " +
             qs(yh) + ", " + qz(n.inputs[0]) + ", " + qz(y) + ", " + qz(yh) + ",\n    " + fa.w + ", " + fa.r + ", " +
             fa.b + ", " + const_ptr(5) + "};");
    call = "eg_gru(&P, " + x + ", " + optp(y) + ", " + optp(yh) + ", " + scratch + ");";
  } else if (lstm) {
    runtime(6, "C0");
    type = "eg_lstm_params";
    ctx.decl("static const eg_lstm_params " + id + " = {" + dims + str(s.acts[0].code) + ", " + str(s.acts[1].code) +
             ", " + str(s.acts[2].code) + ", " + clip + ",\n    " + io_type(g.t(n.inputs[0])) + ", " + ty(y) + ", " +
             ty(yh) + ", " + ty(yc) + ", " + qs(n.inputs[0]) + ", " + qs(y) + ", " + qs(yh) + ", " + qs(yc) + ", " +
             qz(n.inputs[0]) + ", " + qz(y) + ", " + qz(yh) + ", " + qz(yc) + ",\n    " + fa.w + ", " + fa.b + ", " +
             const_ptr(5) + ", " + const_ptr(6) + ", " +
             const_ptr(7) + ", " + (has_in(n, 4) && !g.t(n.inputs[4]).is_const ? "0" : lens) + "};");
    call = "eg_lstm(&P, " + x + ", " + optp(y) + ", " + optp(yh) + ", " + optp(yc) + ", " + scratch + ");";
  } else {
    type = "eg_rnn_params";
    ctx.decl("static const eg_rnn_params " + id + " = {" + dims + "{" + str(s.acts[0].code) + ", " +
             str(s.acts[s.D == 2 ? 1 : 0].code) + "}, " + clip + ",\n    " + io_type(g.t(n.inputs[0])) + ", " + ty(y) +
             ", " + ty(yh) + ", " + qs(n.inputs[0]) + ", " + qs(y) + ", " + qs(yh) + ", " + qz(n.inputs[0]) + ", " +
             qz(y) + ", " + qz(yh) + ",\n    " + fa.w + ", " + fa.b + ", " + const_ptr(5) + ", " + lens + "};");
    call = "eg_rnn(&P, " + x + ", " + optp(y) + ", " + optp(yh) + ", " + scratch + ");";
  }
  if (runtime_fields.empty()) {
    ctx.emit(call.replace(call.find("&P"), 2, "&" + id));
    return;
  }
  ctx.emit("{");
  ctx.emit("  " + type + " P = " + id + ";");
  for (const auto& [field, ptr] : runtime_fields) ctx.emit("  P." + field + " = " + ptr + ";");
  ctx.emit("  " + call);
  ctx.emit("}");
}

int64_t macc_rnn(const Graph& g, const Node& n) {
  const RnnSpec s = spec_of(g, n);
  // per step and direction: input and recurrent gate products, plus the state update per hidden unit
  const int64_t update = s.cell == Cell::Lstm ? 3 * s.H : s.cell == Cell::Gru ? 2 * s.H : s.H;
  return s.D * s.T * s.B * (s.G * s.H * s.I + s.G * s.H * s.H + update);
}

}  // namespace

void register_rnn() {
  for (const char* op : {"GRU", "LSTM", "RNN"}) {
    std::string constraints =
        "forward/reverse/bidirectional; layout 0 and 1 (batch 1); every activation of the spec (alpha/beta); clip; "
        "initial states and weights constant or computed at run time (run-time weights: generic kernel); "
        "sequence_lens constant or int32";
    if (std::string(op) == "GRU") constraints += "; linear_before_reset 0/1";
    if (std::string(op) == "LSTM") constraints += "; peepholes; input_forget";
    OpDef r = make_op(op, constraints, {"float32", "int8 in/out with float math (QDQ island)"},
                      {infer_rnn, ref_rnn, check_rnn, emit_rnn, macc_rnn}, op, QdqRole::RnnIsland);
    r.scratch = rnn_scratch;
    register_op(r);
  }
}

}  // namespace eg::ops
