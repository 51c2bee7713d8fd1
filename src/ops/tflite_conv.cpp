// TFLite CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED, int8 with TFLite's
// semantics: NHWC activations, OHWI (depthwise: 1HWO) weights, symmetric
// per-channel weight scales, int32 bias at input_scale x weight_scale, fused
// activation, SAME/VALID padding, TFLite's requantization (the *_tfl kernels).
// The reference is the portable kernel itself (TFLite Micro's formulas); the
// emitted C calls the same entry points with the same parameters.
#include <cstdlib>
#include <limits>

#include "ops/emit_context.h"
#include "ops/registry.h"
#include "ops/tflite_common.h"

extern "C" {
#include "eg_common.h"
#include "eg_conv.h"
#include "eg_conv_f32.h"
#include "eg_conv_path.h"
#include "eg_fc.h"
#include "eg_fc_f32.h"
}

namespace eg::ops {
namespace {

using tfl::multiplier;

// Per-output-channel requantization of an int8 conv/FC: input_scale * w_scale[c] / output_scale.
struct Requant {
  std::vector<int32_t> mult;
  std::vector<int8_t> shift;
};
Requant requant(const Tensor& x, const Tensor& w, const Tensor& y, int64_t channels) {
  Requant r;
  for (int64_t c = 0; c < channels; ++c) {
    const float ws = w.quant->per_channel() ? w.quant->scale[static_cast<size_t>(c)] : w.quant->scale[0];
    const auto f = multiplier(static_cast<double>(x.quant->scale[0]) * static_cast<double>(ws) /
                              static_cast<double>(y.quant->scale[0]));
    r.mult.push_back(f.mult);
    r.shift.push_back(static_cast<int8_t>(f.shift));
  }
  return r;
}

// A channel outside the DSP paths' shift range [-23, -2] whose output is the zero point for every
// input: mult 0 (QuantizeMultiplier's shift is then 0), or a multiplier so small that the largest
// |acc| = |bias| + 255 * sum |w| stays below TFLite's rounding step (|acc| * mult / 2^31, rounded,
// under 2^(s - 1) with s = -shift, where RoundingDivideByPOT gives 0). It becomes mult 0, shift -2,
// which every path computes as the same zero point, so one dead channel does not send its layer to
// the reference loop. w_rows: the weights as [channels][K].
void settle_silent_channels(Requant& r, std::span<const int8_t> w_rows, int64_t K, const Tensor* bias) {
  for (size_t c = 0; c < r.mult.size(); ++c) {
    const int32_t m = r.mult[c], s = -r.shift[c];
    if (m < 0 || (m != 0 && s <= 23)) continue;
    if (m != 0) {
      uint64_t bound = bias ? static_cast<uint64_t>(std::abs(static_cast<int64_t>(bias->values<int32_t>()[c]))) : 0;
      for (int64_t k = 0; k < K; ++k) bound += 255u * static_cast<uint64_t>(std::abs(w_rows[c * K + k]));
      const uint64_t below = ((uint64_t{1} << (std::min(s, 33) - 1)) - 1) << 31;
      if (bound >= (uint64_t{1} << 32) || bound * static_cast<uint64_t>(m) >= below) continue;
    }
    r.mult[c] = 0;
    r.shift[c] = -2;
  }
}

// int8 weights with zero point 0, per tensor or per channel along `axis`; int32 bias of `channels`.
std::string weights_problem(const Tensor& w, const Tensor* b, int64_t channels, int axis) {
  if (!w.is_const || w.dtype != DType::I8 || !w.quant) return "int8 kernels need constant int8 quantized weights";
  for (int32_t z : w.quant->zero_point)
    if (z != 0) return "int8 weights must be symmetric (zero point 0)";
  if (w.quant->per_channel() && (w.quant->axis != axis || static_cast<int64_t>(w.quant->scale.size()) != channels))
    return "per-channel weight scales must run along the output channels";
  if (b && (!b->is_const || b->dtype != DType::I32 || b->elements() != channels))
    return "the bias must be a constant int32 vector of " + std::to_string(channels);
  return "";
}

// ---- the FC kernel call (FULLY_CONNECTED and pointwise CONV_2D) --------------------------------------

struct FcSetup {
  eg_fc_s8_params p{};
  Requant rq;
  bool fast = true;  // every channel's requantization has the one-step form (the DSP path)
};

FcSetup fc_setup(const Node& n, const Tensor& x, const Tensor& w, const Tensor& y, const Tensor* b) {
  FcSetup s;
  s.p.in_features = static_cast<int32_t>(w.shape[1]);
  s.p.out_features = static_cast<int32_t>(w.shape[0]);
  s.p.batch = static_cast<int32_t>(x.elements() / w.shape[1]);
  s.p.in_zp = x.quant->zero_point[0];
  s.p.out_zp = y.quant->zero_point[0];
  std::tie(s.p.act_min, s.p.act_max) = tfl::act_range_s8(n, y);
  s.rq = requant(x, w, y, w.shape[0]);
  settle_silent_channels(s.rq, w.values<int8_t>(), w.elements() / w.shape[0], b);  // also [O][1][1][I]
  for (size_t c = 0; c < s.rq.mult.size(); ++c)
    s.fast = s.fast && eg_requant_tfl_fast_ok(s.rq.mult[c], s.rq.shift[c]);
  return s;
}

// One eg_fc_s8 call with TFLite's requantization: the DSP path (weights in the EG_FC_W_I4 order under
// policy fc_i4_weights, the input zero point folded into the bias) when every channel's requantization
// has the one-step form, else the reference. Serves FULLY_CONNECTED and 1x1 stride-1 unpadded
// CONV_2D (every pixel a row of the batch).
void emit_fc_call(EmitContext& ctx, const Graph& g, const Node& n, const FcSetup& s, TensorId x, TensorId w_id,
                  TensorId y) {
  const Tensor& w = g.t(w_id);
  const std::string id = ctx.layer_ident();
  const int64_t N = s.p.out_features, K = s.p.in_features;
  ctx.use("eg_fc");
  const std::string m = ctx.add_array(id + "_mult", make_const("m", DType::I32, {N}, s.rq.mult), n.name, true);
  const std::string sh = ctx.add_array(id + "_shift", make_const("s", DType::I8, {N}, s.rq.shift), n.name, true);
  const Tensor* b = has_in(n, 2) ? &g.t(n.inputs[2]) : nullptr;
  const bool fast = s.fast && K * N >= 64, i4 = fast && policy(g.optimization).fc_i4_weights && N >= 4 && K >= 16;
  std::string bz = "0";
  if (fast)
    bz = ctx.add_array(id + "_bias_zp",
                       make_const("b", DType::I32, {N}, bias_minus_zero_point(b, w, N, K, s.p.in_zp)), n.name, true);
  const std::string wsym =
      i4 ? ctx.add_array(ctx.tensor_symbol(w.name) + "_i4", fc_weights_i4(w, K, N), w.name)
         : ctx.ptr(w_id);
  auto v = [](int64_t x) { return std::to_string(x); };
  ctx.decl("static const eg_fc_s8_params " + id + " = {" + v(s.p.batch) + ", " + v(K) + ", " + v(N) + ", " +
           v(s.p.in_zp) + ", " + v(s.p.out_zp) + ", " + v(s.p.act_min) + ", " + v(s.p.act_max) + ",\n    " +
           "(const int8_t*)" + wsym + ", " + (b ? ctx.ptr(n.inputs[2]) : std::string("0")) + ", " + m + ", " + sh +
           ", " + bz + (i4 ? ", EG_FC_W_I4, 0};" : ", 0 /* [out][in] */, 0};"));
  ctx.emit(std::string(i4 ? "eg_fc_s8_tfl_i4" : fast ? "eg_fc_s8_tfl_fast" : "eg_fc_s8_tfl_ref") + "(&" + id + ", " +
           ctx.ptr(x) + ", " + ctx.ptr(y) + ");");
}

bool is_depthwise(const Node& n) { return n.op == "DEPTHWISE_CONV_2D"; }

const Tensor* bias_of(const Graph& g, const Node& n) { return has_in(n, 2) ? &g.t(n.inputs[2]) : nullptr; }

// ---- CONV_2D / DEPTHWISE_CONV_2D ----------------------------------------------------------------

// The kernel's view of the node; pointers are set by the caller.
struct ConvSetup {
  eg_conv_s8_params p{};
  std::vector<int8_t> w_ohwi;  // OHWI weights (depthwise: [C * multiplier][k_h][k_w][1])
  Requant rq;
  std::vector<int32_t> bias;  // empty: no bias
};

eg_conv_s8_params conv_geometry(const Node& n, const Tensor& x, const Tensor& w) {
  eg_conv_s8_params p{};
  const bool dw = is_depthwise(n);
  p.batch = static_cast<int32_t>(x.shape[0]);
  p.in_h = static_cast<int32_t>(x.shape[1]);
  p.in_w = static_cast<int32_t>(x.shape[2]);
  p.in_c = static_cast<int32_t>(x.shape[3]);
  p.k_h = static_cast<int32_t>(w.shape[1]);
  p.k_w = static_cast<int32_t>(w.shape[2]);
  p.out_c = static_cast<int32_t>(dw ? w.shape[3] : w.shape[0]);
  p.stride_h = static_cast<int32_t>(n.attr_int("stride_h", 1));
  p.stride_w = static_cast<int32_t>(n.attr_int("stride_w", 1));
  p.dil_h = static_cast<int32_t>(n.attr_int("dilation_h", 1));
  p.dil_w = static_cast<int32_t>(n.attr_int("dilation_w", 1));
  const int64_t padding = n.attr_int("padding", 0);
  const tfl::Axis ah = tfl::window_axis(p.in_h, p.k_h, p.stride_h, p.dil_h, padding);
  const tfl::Axis aw = tfl::window_axis(p.in_w, p.k_w, p.stride_w, p.dil_w, padding);
  p.out_h = static_cast<int32_t>(ah.out);
  p.out_w = static_cast<int32_t>(aw.out);
  p.pad_top = static_cast<int32_t>(ah.pad);
  p.pad_left = static_cast<int32_t>(aw.pad);
  p.groups = dw ? p.in_c : 1;
  return p;
}

std::string conv_problem(const Graph& g, const Node& n) {
  if (n.inputs.size() < 2 || !has_in(n, 0) || !has_in(n, 1)) return "needs an input and weights";
  const Tensor& x = g.t(n.inputs[0]);
  const Tensor& w = g.t(n.inputs[1]);
  if (x.shape.size() != 4 || w.shape.size() != 4) return "input and weights must be 4-D (NHWC, OHWI)";
  const bool dw = is_depthwise(n);
  if (n.attr_int("stride_h", 1) < 1 || n.attr_int("stride_w", 1) < 1 || n.attr_int("dilation_h", 1) < 1 ||
      n.attr_int("dilation_w", 1) < 1)
    return "strides and dilations must be >= 1";
  if (n.attr_int("padding", 0) != 0 && n.attr_int("padding", 0) != 1) return "unknown padding";
  if (dw) {
    const int64_t m = n.attr_int("depth_multiplier", 1);
    if (w.shape[0] != 1 || w.shape[3] % x.shape[3] != 0 || (m > 0 && w.shape[3] != x.shape[3] * m))
      return "depthwise weights " + shape_str(w.shape) + " do not match " + std::to_string(x.shape[3]) +
             " channels with depth multiplier " + std::to_string(m);
  } else if (w.shape[3] != x.shape[3]) {
    return "weights " + shape_str(w.shape) + " do not match " + std::to_string(x.shape[3]) + " input channels";
  }
  const eg_conv_s8_params p = conv_geometry(n, x, w);
  if (p.out_h < 1 || p.out_w < 1) return "the window is larger than the input";
  return tfl::activation_problem(n);
}

void infer_conv(Graph& g, const Node& n) {
  if (auto why = conv_problem(g, n); !why.empty()) bad(g, n, why);
  const Tensor& x = g.t(n.inputs[0]);
  const eg_conv_s8_params p = conv_geometry(n, x, g.t(n.inputs[1]));
  const Shape out = {p.batch, p.out_h, p.out_w, p.out_c};
  const Tensor& y = g.t(n.outputs[0]);
  if (!y.shape.empty() && y.shape != out)
    bad(g, n, "output shape " + shape_str(y.shape) + " differs from the computed " + shape_str(out));
  set_out(g, n, 0, x.dtype, out);
}

// float32 forms (defined below the int8 ones)
std::string conv_f32_problem(const Graph& g, const Node& n);
void ref_conv_f32(const Node& n, std::span<const Tensor* const> in, std::span<Tensor* const> out);
void emit_conv_f32(EmitContext& ctx, const Graph& g, const Node& n);

std::string check_conv(const Graph& g, const Node& n) {
  const Tensor& x = g.t(n.inputs[0]);
  const Tensor& y = g.t(n.outputs[0]);
  if (x.dtype == DType::F32) return conv_f32_problem(g, n);
  if (auto why = tfl::per_tensor_s8_problem(x, "input"); !why.empty()) return why;
  if (auto why = tfl::per_tensor_s8_problem(y, "output"); !why.empty()) return why;
  const Tensor& w = g.t(n.inputs[1]);
  const bool dw = is_depthwise(n);
  return weights_problem(w, has_in(n, 2) ? &g.t(n.inputs[2]) : nullptr, dw ? w.shape[3] : w.shape[0], dw ? 3 : 0);
}

ConvSetup conv_setup(const Node& n, const Tensor& x, const Tensor& w, const Tensor& y, const Tensor* b) {
  ConvSetup s;
  s.p = conv_geometry(n, x, w);
  s.p.in_zp = x.quant->zero_point[0];
  s.p.out_zp = y.quant->zero_point[0];
  std::tie(s.p.act_min, s.p.act_max) = tfl::act_range_s8(n, y);
  s.rq = requant(x, w, y, s.p.out_c);
  const auto wv = w.values<int8_t>();
  s.w_ohwi = tfl::depthwise_to_ohwi(std::vector<int8_t>(wv.begin(), wv.end()), is_depthwise(n), s.p.k_h * s.p.k_w);
  settle_silent_channels(s.rq, s.w_ohwi, static_cast<int64_t>(s.w_ohwi.size()) / s.p.out_c, b);
  if (b && b->dtype == DType::I32 && b->values<int32_t>().size() == static_cast<size_t>(s.p.out_c))
    s.bias.assign(b->values<int32_t>().begin(), b->values<int32_t>().end());
  return s;
}

void ref_conv(const Node& n, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  if (in[0]->dtype == DType::F32) return ref_conv_f32(n, in, out);
  const Tensor& x = *in[0];
  ConvSetup s = conv_setup(n, x, *in[1], *out[0], in.size() > 2 ? in[2] : nullptr);
  s.p.weights = s.w_ohwi.data();
  s.p.bias = in.size() > 2 && in[2] ? in[2]->values<int32_t>().data() : nullptr;
  s.p.mult = s.rq.mult.data();
  s.p.shift = s.rq.shift.data();
  eg_conv_s8_tfl_ref(&s.p, x.values<int8_t>().data(), out[0]->mutable_values<int8_t>().data());
}

// A 1x1 stride-1 unpadded CONV_2D as a fully connected layer over its pixels.
FcSetup pointwise_setup(const Node& n, const ConvSetup& c, const Tensor& x, const Tensor& w, const Tensor& y,
                        const Tensor* b) {
  FcSetup s = fc_setup(n, x, w, y, b);
  s.p.in_features = c.p.in_c;
  s.p.out_features = c.p.out_c;
  s.p.batch = c.p.batch * c.p.out_h * c.p.out_w;
  return s;
}

int64_t macc_conv(const Graph& g, const Node& n);

bool is_s8_conv(const Graph& g, const Node& n) {
  return (n.op == "CONV_2D" || n.op == "DEPTHWISE_CONV_2D") && g.t(n.inputs[0]).dtype == DType::I8 &&
         check_conv(g, n).empty();
}

ConvSetup conv_setup(const Graph& g, const Node& n) {
  return conv_setup(n, g.t(n.inputs[0]), g.t(n.inputs[1]), g.t(n.outputs[0]), bias_of(g, n));
}

// The layer as the runtime's kernel choice reads it (runtime/eg_conv_path.h).
eg_conv_s8_params path_params(const ConvSetup& s) {
  eg_conv_s8_params p = s.p;
  p.mult = s.rq.mult.data();
  p.shift = s.rq.shift.data();
  return p;
}

// Every matrix-path convolution of the network is small: the compact _mat_small entry everywhere.
bool small_network(const Graph& g) {
  for (const Node& m : g.nodes) {
    if (!is_s8_conv(g, m) || macc_conv(g, m) < EG_CONV_S8_SMALL_MACS) continue;
    const ConvSetup s = conv_setup(g, m);
    const eg_conv_s8_params p = path_params(s);
    if (eg_conv_s8_mat_requant_ok_tfl(&p)) return false;
  }
  return true;
}

// eg_conv_s8_tfl_dw3's fast path takes a channel (runtime/eg_conv_dw.h) when mult == 0, or mult > 0 with
// k = 13 - (-1 - shift) in [2, 8] and (|bias| + 1152 * max|x - in_zp|) * 2^k below 2^31 (the accumulator
// scaled by 2^k stays int32); its other channels run a plain exact loop about as fast per channel as the
// depthwise path without scratch, so the layer takes it when at least half its channels are fast.
bool dw3_fast_tfl(const ConvSetup& s) {
  const int64_t zp = s.p.in_zp, bx = 1152 * (zp < 0 ? 127 - zp : 128 + zp);
  int64_t fast = 0;
  for (size_t c = 0; c < static_cast<size_t>(s.p.out_c); ++c) {
    const int64_t m = s.rq.mult[c], k = 14 + s.rq.shift[c];
    const int64_t bias = s.bias.empty() ? 0 : std::abs(static_cast<int64_t>(s.bias[c]));
    fast += m == 0 || (m > 0 && k >= 2 && k <= 8 && ((bias + bx) << k) <= INT32_MAX);
  }
  return 2 * fast >= s.p.out_c;
}

// The kernel of a CONV_2D / DEPTHWISE_CONV_2D under TFLite's requantization: eg_conv_s8_choose.
eg_conv_s8_path conv_path(const Graph& g, const ConvSetup& s, bool scratch_granted) {
  const eg_conv_s8_params p = path_params(s);
  eg_conv_s8_facts f{};
  f.tflite = 1;
  f.dw3_fast = eg_conv_s8_is_dw3(&p) && dw3_fast_tfl(s);
  f.small_network = scratch_granted && eg_conv_s8_mat_requant_ok_tfl(&p) && small_network(g);
  return eg_conv_s8_choose(&p, &f, scratch_granted);
}

// The scratch of the kernel the layer takes when granted its scratch (the matrix path's im2col).
size_t scratch_conv(const Graph& g, const Node& n) {
  if (!is_s8_conv(g, n)) return 0;
  const ConvSetup s = conv_setup(g, n);
  const eg_conv_s8_params p = path_params(s);
  return static_cast<size_t>(eg_conv_s8_scratch_bytes(conv_path(g, s, true), &p));
}

// The arrays a path reads: the matrix path its EG_CONV_W_P2 weights and a bias array (zeros when the
// layer has none), with one more bias/mult/shift entry for an odd out_c (eg_conv_s8_tfl_mat computes
// the last pair's second channel); the depthwise path the weights as [k_h * k_w][C], which is
// TFLite's own depthwise layout.
struct ConvArrays {
  std::string weights, bias, mult, shift, dw = "0", layout = "0";
};

ConvArrays conv_arrays(EmitContext& ctx, const Graph& g, const Node& n, const ConvSetup& s, eg_conv_s8_path path) {
  const Tensor& w = g.t(n.inputs[1]);
  const std::string id = ctx.layer_ident();
  const int64_t C = s.p.out_c;
  const bool small = path == EG_CONV_S8_PATH_MAT_SMALL, mat = small || path == EG_CONV_S8_PATH_MAT;
  const int64_t nq = mat && !small && (C & 1) ? C + 1 : C;
  const Tensor ohwi = make_const(w.name, DType::I8, {C, s.p.k_h, s.p.k_w, s.p.in_c / s.p.groups}, s.w_ohwi);
  ConvArrays a;
  std::vector<int32_t> mq = s.rq.mult;
  std::vector<int8_t> sq = s.rq.shift;
  mq.resize(static_cast<size_t>(nq), mq.back());
  sq.resize(static_cast<size_t>(nq), sq.back());
  a.mult = ctx.add_array(id + "_mult", make_const("m", DType::I32, {nq}, mq), n.name, true);
  a.shift = ctx.add_array(id + "_shift", make_const("s", DType::I8, {nq}, sq), n.name, true);
  a.bias = has_in(n, 2) ? ctx.ptr(n.inputs[2]) : "0";
  if (mat && (a.bias == "0" || nq != C)) {
    std::vector<int32_t> b(static_cast<size_t>(nq), 0);
    if (has_in(n, 2)) std::ranges::copy(g.t(n.inputs[2]).values<int32_t>(), b.begin());
    a.bias = ctx.add_array(id + "_bias_mat", make_const("b", DType::I32, {nq}, b), n.name, true);
  }
  const std::string base = ctx.tensor_symbol(w.name);
  if (mat) {
    a.weights = "(const int8_t*)" + ctx.add_array(base + "_p2", conv_weights_p2(ohwi, C, ohwi.elements() / C), w.name);
    a.layout = "EG_CONV_W_P2";
  } else {
    a.weights = is_depthwise(n) ? ctx.add_array(base + "_ohwi", ohwi, w.name) : ctx.ptr(n.inputs[1]);
    if (path == EG_CONV_S8_PATH_DW || path == EG_CONV_S8_PATH_DW3) a.dw = ctx.ptr(n.inputs[1]);
  }
  return a;
}

void emit_conv(EmitContext& ctx, const Graph& g, const Node& n) {
  if (g.t(n.inputs[0]).dtype == DType::F32) return emit_conv_f32(ctx, g, n);
  const Tensor& w = g.t(n.inputs[1]);
  const ConvSetup s = conv_setup(g, n);
  const bool granted = ctx.offsets.has_scratch(ctx.current_node);
  const eg_conv_s8_path path = conv_path(g, s, granted);
  if (path == EG_CONV_S8_PATH_POINTWISE_FC) {  // every pixel a fully connected row (no scratch)
    emit_fc_call(ctx, g, n, pointwise_setup(n, s, g.t(n.inputs[0]), w, g.t(n.outputs[0]), bias_of(g, n)), n.inputs[0],
                 n.inputs[1], n.outputs[0]);
    return;
  }
  const std::string id = ctx.layer_ident();
  ctx.use("eg_conv");
  const ConvArrays a = conv_arrays(ctx, g, n, s, path);
  const auto& p = s.p;
  auto v = [](int64_t x) { return std::to_string(x); };
  ctx.decl("static const eg_conv_s8_params " + id + " = {\n    " + v(p.batch) + ", " + v(p.in_h) + ", " + v(p.in_w) +
           ", " + v(p.in_c) + ", " + v(p.out_h) + ", " + v(p.out_w) + ", " + v(p.out_c) + ", " + v(p.k_h) + ", " +
           v(p.k_w) + ",\n    " + v(p.stride_h) + ", " + v(p.stride_w) + ", " + v(p.dil_h) + ", " + v(p.dil_w) +
           ", " + v(p.pad_top) + ", " + v(p.pad_left) + ", " + v(p.groups) + ",\n    " + v(p.in_zp) + ", " +
           v(p.out_zp) + ", " + v(p.act_min) + ", " + v(p.act_max) + ",\n    " + a.weights + ", " + a.bias + ", " +
           a.mult + ", " + a.shift + ", " + a.dw + ", " + a.layout + ", 0, 0};");
  const std::string args = "(&" + id + ", " + ctx.ptr(n.inputs[0]) + ", " + ctx.ptr(n.outputs[0]);
  const std::string scratch = granted ? ctx.scratch(ctx.current_node, "void*") : "0";
  switch (path) {
    case EG_CONV_S8_PATH_MAT: ctx.emit("eg_conv_s8_tfl_mat" + args + ", " + scratch + ");"); break;
    case EG_CONV_S8_PATH_MAT_SMALL: ctx.emit("eg_conv_s8_tfl_mat_small" + args + ", " + scratch + ");"); break;
    case EG_CONV_S8_PATH_DW:
      ctx.use("eg_conv_dw");
      ctx.emit("eg_conv_s8_tfl_dw" + args + ");");
      break;
    case EG_CONV_S8_PATH_DW3:
      ctx.use("eg_conv_dw");
      ctx.emit("eg_conv_s8_tfl_dw3" + args + ", " + scratch + ");");
      break;
    default: ctx.emit("eg_conv_s8_tfl_ref" + args + ");");
  }
}

// ---- float32 CONV_2D / DEPTHWISE_CONV_2D: eg_conv_f32 (NHWC, OHWI weights, fused clamp) --------------

struct ConvF32 {
  eg_conv_f32_params p{};
  std::vector<float> w_ohwi;
};

ConvF32 conv_f32_setup(const Node& n, const Tensor& x, const Tensor& w) {
  const eg_conv_s8_params q = conv_geometry(n, x, w);
  ConvF32 s;
  s.p = {q.batch, q.in_h, q.in_w, q.in_c, q.out_h, q.out_w, q.out_c, q.k_h, q.k_w, q.stride_h, q.stride_w,
         q.dil_h, q.dil_w, q.pad_top, q.pad_left, q.groups, 0.0f, 0.0f, nullptr, nullptr};
  std::tie(s.p.act_min, s.p.act_max) = tfl::act_range_f32_finite(n);
  const auto wv = w.values<float>();
  s.w_ohwi = tfl::depthwise_to_ohwi(std::vector<float>(wv.begin(), wv.end()), is_depthwise(n), q.k_h * q.k_w);
  return s;
}

std::string conv_f32_problem(const Graph& g, const Node& n) {
  const Tensor& w = g.t(n.inputs[1]);
  if (!w.is_const || w.dtype != DType::F32 || g.t(n.outputs[0]).dtype != DType::F32)
    return "float32 convolutions need constant float32 weights and a float32 output";
  const int64_t channels = is_depthwise(n) ? w.shape[3] : w.shape[0];
  if (has_in(n, 2) && (!g.t(n.inputs[2]).is_const || g.t(n.inputs[2]).dtype != DType::F32 ||
                       g.t(n.inputs[2]).elements() != channels))
    return "the bias must be a constant float32 vector of " + std::to_string(channels);
  return "";
}

void ref_conv_f32(const Node& n, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  ConvF32 s = conv_f32_setup(n, *in[0], *in[1]);
  s.p.weights = s.w_ohwi.data();
  s.p.bias = in.size() > 2 && in[2] ? in[2]->values<float>().data() : nullptr;
  eg_conv_f32(&s.p, in[0]->values<float>().data(), out[0]->mutable_values<float>().data());
}

void emit_conv_f32(EmitContext& ctx, const Graph& g, const Node& n) {
  const Tensor& w = g.t(n.inputs[1]);
  const ConvF32 s = conv_f32_setup(n, g.t(n.inputs[0]), w);
  const auto& p = s.p;
  const std::string id = ctx.layer_ident();
  const std::string wsym =
      is_depthwise(n) ? ctx.add_array(ctx.tensor_symbol(w.name) + "_ohwi",
                                      make_const(w.name, DType::F32, {p.out_c, p.k_h, p.k_w, 1}, s.w_ohwi), w.name)
                      : ctx.ptr(n.inputs[1]);
  auto v = [](int64_t x) { return std::to_string(x); };
  ctx.use("eg_conv_f32");
  ctx.decl("static const eg_conv_f32_params " + id + " = {\n    " + v(p.batch) + ", " + v(p.in_h) + ", " + v(p.in_w) +
           ", " + v(p.in_c) + ", " + v(p.out_h) + ", " + v(p.out_w) + ", " + v(p.out_c) + ", " + v(p.k_h) + ", " +
           v(p.k_w) + ",\n    " + v(p.stride_h) + ", " + v(p.stride_w) + ", " + v(p.dil_h) + ", " + v(p.dil_w) +
           ", " + v(p.pad_top) + ", " + v(p.pad_left) + ", " + v(p.groups) + ",\n    " +
           EmitContext::float_lit(p.act_min) + ", " + EmitContext::float_lit(p.act_max) + ", " + wsym + ", " +
           (has_in(n, 2) ? ctx.ptr(n.inputs[2]) : std::string("0")) + "};");
  ctx.emit("eg_conv_f32(&" + id + ", " + ctx.ptr(n.inputs[0]) + ", " + ctx.ptr(n.outputs[0]) + ");");
}

int64_t macc_conv(const Graph& g, const Node& n) {
  const Tensor& w = g.t(n.inputs[1]);
  const Tensor& y = g.t(n.outputs[0]);
  const int64_t per_out = is_depthwise(n) ? w.shape[1] * w.shape[2] : w.elements() / w.shape[0];
  return y.elements() * per_out + y.shape.back();
}

// ---- FULLY_CONNECTED -------------------------------------------------------------------------

std::string fc_problem(const Graph& g, const Node& n) {
  if (n.inputs.size() < 2 || !has_in(n, 0) || !has_in(n, 1)) return "needs an input and weights";
  const Tensor& x = g.t(n.inputs[0]);
  const Tensor& w = g.t(n.inputs[1]);
  if (w.shape.size() != 2) return "weights must be 2-D [out][in]";
  if (x.shape.empty() || x.elements() % w.shape[1] != 0)
    return "input " + shape_str(x.shape) + " is not a multiple of " + std::to_string(w.shape[1]) + " features";
  if (n.attr_int("weights_format", 0) != 0) return "shuffled weights formats are not supported";
  return tfl::activation_problem(n);
}

Shape fc_out_shape(const Node& n, const Tensor& x, const Tensor& w) {
  if (n.attr_int("keep_num_dims", 0)) {
    Shape s = x.shape;
    s.back() = w.shape[0];
    return s;
  }
  return {x.elements() / w.shape[1], w.shape[0]};
}

void infer_fc(Graph& g, const Node& n) {
  if (auto why = fc_problem(g, n); !why.empty()) bad(g, n, why);
  const Tensor& x = g.t(n.inputs[0]);
  const Shape out = fc_out_shape(n, x, g.t(n.inputs[1]));
  const Tensor& y = g.t(n.outputs[0]);
  if (!y.shape.empty() && num_elements(y.shape) != num_elements(out))
    bad(g, n, "output shape " + shape_str(y.shape) + " differs from the computed " + shape_str(out));
  set_out(g, n, 0, x.dtype, y.shape.empty() ? out : y.shape);
}

std::string check_fc(const Graph& g, const Node& n) {
  const Tensor& x = g.t(n.inputs[0]);
  if (x.dtype == DType::F32) {
    const Tensor& w = g.t(n.inputs[1]);
    if (!w.is_const || w.dtype != DType::F32 || g.t(n.outputs[0]).dtype != DType::F32)
      return "float32 fully connected layers need constant float32 weights and a float32 output";
    if (has_in(n, 2) && (!g.t(n.inputs[2]).is_const || g.t(n.inputs[2]).dtype != DType::F32 ||
                         g.t(n.inputs[2]).elements() != w.shape[0]))
      return "the bias must be a constant float32 vector of " + std::to_string(w.shape[0]);
    return "";
  }
  if (auto why = tfl::per_tensor_s8_problem(x, "input"); !why.empty()) return why;
  if (auto why = tfl::per_tensor_s8_problem(g.t(n.outputs[0]), "output"); !why.empty()) return why;
  const Tensor& w = g.t(n.inputs[1]);
  return weights_problem(w, has_in(n, 2) ? &g.t(n.inputs[2]) : nullptr, w.shape[0], 0);
}

// float32: eg_fc_f32 (weights [out][in], fused clamp).
eg_fc_f32_params fc_f32_setup(const Node& n, const Tensor& x, const Tensor& w) {
  eg_fc_f32_params p{};
  p.batch = static_cast<int32_t>(x.elements() / w.shape[1]);
  p.in_features = static_cast<int32_t>(w.shape[1]);
  p.out_features = static_cast<int32_t>(w.shape[0]);
  std::tie(p.act_min, p.act_max) = tfl::act_range_f32_finite(n);
  return p;
}

void ref_fc(const Node& n, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  const Tensor& x = *in[0];
  if (x.dtype == DType::F32) {
    eg_fc_f32_params p = fc_f32_setup(n, x, *in[1]);
    p.weights = in[1]->values<float>().data();
    p.bias = in.size() > 2 && in[2] ? in[2]->values<float>().data() : nullptr;
    return eg_fc_f32(&p, x.values<float>().data(), out[0]->mutable_values<float>().data());
  }
  FcSetup s = fc_setup(n, x, *in[1], *out[0], in.size() > 2 ? in[2] : nullptr);
  s.p.weights = in[1]->values<int8_t>().data();
  s.p.bias = in.size() > 2 && in[2] ? in[2]->values<int32_t>().data() : nullptr;
  s.p.mult = s.rq.mult.data();
  s.p.shift = s.rq.shift.data();
  eg_fc_s8_tfl_ref(&s.p, x.values<int8_t>().data(), out[0]->mutable_values<int8_t>().data());
}

void emit_fc(EmitContext& ctx, const Graph& g, const Node& n) {
  if (g.t(n.inputs[0]).dtype == DType::F32) {
    const eg_fc_f32_params p = fc_f32_setup(n, g.t(n.inputs[0]), g.t(n.inputs[1]));
    const std::string id = ctx.layer_ident();
    ctx.use("eg_fc_f32");
    ctx.decl("static const eg_fc_f32_params " + id + " = {" + std::to_string(p.batch) + ", " +
             std::to_string(p.in_features) + ", " + std::to_string(p.out_features) + ", " +
             EmitContext::float_lit(p.act_min) + ", " + EmitContext::float_lit(p.act_max) + ", " +
             ctx.ptr(n.inputs[1]) + ", " + (has_in(n, 2) ? ctx.ptr(n.inputs[2]) : std::string("0")) + "};");
    ctx.emit("eg_fc_f32(&" + id + ", " + ctx.ptr(n.inputs[0]) + ", " + ctx.ptr(n.outputs[0]) + ");");
    return;
  }
  emit_fc_call(ctx, g, n, fc_setup(n, g.t(n.inputs[0]), g.t(n.inputs[1]), g.t(n.outputs[0]), bias_of(g, n)), n.inputs[0],
               n.inputs[1], n.outputs[0]);
}

int64_t macc_fc(const Graph& g, const Node& n) {
  const Tensor& w = g.t(n.inputs[1]);
  return g.t(n.inputs[0]).elements() / w.shape[1] * w.elements() + w.shape[0];
}

}  // namespace

void register_tflite_conv() {
  for (const char* name : {"CONV_2D", "DEPTHWISE_CONV_2D"}) {
    OpDef d = make_op(name,
                      "TFLite: NHWC, SAME/VALID, strides, dilations, fused RELU/RELU6/RELU_N1_TO_1, per-channel "
                      "symmetric weights" +
                          std::string(std::string(name) == "CONV_2D" ? "" : ", depth multiplier"),
                      tfl::kOpDtypes, {infer_conv, ref_conv, check_conv, emit_conv, macc_conv}, "Conv2D");
    d.scratch = scratch_conv;
    d.scratch_optional = true;  // without it: the depthwise path, a pointwise layer as FC, or the reference
    register_op(d);
  }
  register_op(make_op("FULLY_CONNECTED", "TFLite: weights [out][in], keep_num_dims, fused activations", tfl::kOpDtypes,
                      {infer_fc, ref_fc, check_fc, emit_fc, macc_fc}, "Dense"));
}

}  // namespace eg::ops
