// QOperator forms: QLinearConv, ConvInteger, QLinearMatMul, MatMulInteger
// (int8 or uint8 operands, any zero points) and DynamicQuantizeLinear.
//
// They run on their own integer kernels (runtime/eg_matmul.c: eg_qconv,
// eg_qmatmul) rather than being rewritten into the lowered int8 Conv/Gemm:
// those kernels need symmetric int8 weights and int8 activations, while the
// QOperator forms allow uint8 on either side and non-zero weight zero
// points. The kernels read int8/uint8 directly (no xor-0x80 conversion
// layers) and requantize in float with round-half-to-even, as ONNX Runtime
// does, so outputs match it exactly.
#include <algorithm>
#include <cmath>

#include "ops/tensor_common.h"
#include "ops/window.h"

namespace eg::ops {
namespace {

const Graph& none() {
  static const Graph g;
  return g;
}

bool q8(DType t) { return t == DType::I8 || t == DType::U8; }
int qtype(DType t) { return t == DType::I8 ? 0 : t == DType::U8 ? 1 : 2; }

// Per-channel (size n) values of an optional scale/zero-point input.
std::vector<double> per_channel(const Tensor* t, int64_t n, double dflt) {
  std::vector<double> v(static_cast<size_t>(n), dflt);
  if (!t || t->elements() == 0) return v;
  for (int64_t i = 0; i < n; ++i) v[static_cast<size_t>(i)] = get_as_double(*t, t->elements() == 1 ? 0 : static_cast<size_t>(i));
  return v;
}

float combined_scale(float a, float b, float y) {
  const float t = a * b;
  return t / y;
}

int32_t requant(int64_t acc, float scale, int32_t zp, DType t) {
  float v = std::nearbyint(static_cast<float>(acc) * scale);
  v = std::clamp(v, -1.0e9f, 1.0e9f);
  const int32_t lo = t == DType::I8 ? -128 : 0, hi = t == DType::I8 ? 127 : 255;
  return std::clamp(static_cast<int32_t>(v) + zp, lo, hi);
}

// Input positions of the operands for each op.
struct QLayout {
  size_t x, x_s, x_zp, w, w_s, w_zp, y_s, y_zp, bias;
  bool linear;  // requantized output
};

QLayout layout_of(const std::string& op) {
  if (op == "QLinearConv" || op == "QLinearMatMul") return {0, 1, 2, 3, 4, 5, 6, 7, 8, true};
  return {0, 99, 2, 1, 99, 3, 99, 99, 99, false};  // ConvInteger, MatMulInteger
}

const Tensor* opt_in(std::span<const Tensor* const> in, size_t i) { return i < in.size() ? in[i] : nullptr; }
const Tensor* opt_in(const Graph& g, const Node& n, size_t i) { return has_in(n, i) ? &g.t(n.inputs[i]) : nullptr; }

void check_scalar(const Graph& g, const Node& n, size_t i, const char* what) {
  if (has_in(n, i) && in_t(g, n, i).elements() != 1) bad(g, n, std::string(what) + " must be per tensor");
}

void common_checks(Graph& g, const Node& n, const QLayout& L, int64_t out_channels) {
  const Tensor& x = in_t(g, n, L.x);
  const Tensor& w = in_t(g, n, L.w);
  if (!q8(x.dtype) || !q8(w.dtype)) bad(g, n, "operands must be int8 or uint8");
  for (size_t i : {L.x_s, L.x_zp, L.w_s, L.w_zp, L.y_s, L.y_zp, L.bias})
    if (i != 99 && has_in(n, i)) need_const(g, n, i);
  if (L.linear) {
    in_t(g, n, L.x_s);
    in_t(g, n, L.w_s);
    in_t(g, n, L.y_s);
  }
  check_scalar(g, n, L.x_s, "input scale");
  check_scalar(g, n, L.x_zp, "input zero point");
  check_scalar(g, n, L.y_s, "output scale");
  check_scalar(g, n, L.y_zp, "output zero point");
  for (size_t i : {L.w_s, L.w_zp})
    if (i != 99 && has_in(n, i)) {
      const int64_t e = in_t(g, n, i).elements();
      if (e != 1 && e != out_channels) bad(g, n, "weight scale/zero point must be per tensor or per output channel");
    }
}

DType out_type(const Graph& g, const Node& n, const QLayout& L) {
  if (!L.linear) return DType::I32;
  return has_in(n, L.y_zp) ? in_t(g, n, L.y_zp).dtype : DType::U8;
}

// ----------------------------------------------------------------- Conv

struct QConvGeom {
  int64_t N, C, H, W, M, OH, OW, KH, KW, sh, sw, dh, dw, ph, pw, G;
};

QConvGeom qconv_geom(const Graph& g, const Node& n, const Shape& xs, const Shape& ws) {
  if (xs.size() != 3 && xs.size() != 4) bad(g, n, "only 1-D and 2-D convolutions are supported");
  if (ws.size() != xs.size()) bad(g, n, "weight rank differs from input rank");
  std::vector<int64_t> spatial(xs.begin() + 2, xs.end()), kernel(ws.begin() + 2, ws.end());
  Window win = window_geometry(g, n, spatial, kernel);
  const bool one = xs.size() == 3;
  QConvGeom q{};
  q.N = xs[0];
  q.C = xs[1];
  q.M = ws[0];
  q.G = n.attr_int("group", 1);
  if (q.G <= 0 || q.G > kMaxDim || q.C % q.G || q.M % q.G || ws[1] * q.G != q.C) bad(g, n, "channels do not match the weights/group");
  q.H = one ? 1 : spatial[0];
  q.W = spatial.back();
  q.OH = one ? 1 : win.out[0];
  q.OW = win.out.back();
  q.KH = one ? 1 : kernel[0];
  q.KW = kernel.back();
  q.sh = one ? 1 : win.strides[0];
  q.sw = win.strides.back();
  q.dh = one ? 1 : win.dilations[0];
  q.dw = win.dilations.back();
  q.ph = one ? 0 : win.pad_begin[0];
  q.pw = win.pad_begin.back();
  return q;
}

void infer_qconv(Graph& g, const Node& n) {
  const QLayout L = layout_of(n.op);
  const Tensor& x = in_t(g, n, L.x);
  const Tensor& w = in_t(g, n, L.w);
  QConvGeom q = qconv_geom(g, n, x.shape, w.shape);
  common_checks(g, n, L, q.M);
  Shape out = {q.N, q.M};
  if (x.shape.size() == 4) out.push_back(q.OH);
  out.push_back(q.OW);
  set_out(g, n, 0, out_type(g, n, L), out);
}

void ref_qconv(const Node& n, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  const QLayout L = layout_of(n.op);
  const Tensor& x = *in[L.x];
  const Tensor& w = *in[L.w];
  const QConvGeom q = qconv_geom(none(), n, x.shape, w.shape);
  const double xzp = per_channel(opt_in(in, L.x_zp), 1, 0)[0];
  const auto wzp = per_channel(opt_in(in, L.w_zp), q.M, 0);
  const auto ws = per_channel(opt_in(in, L.w_s), q.M, 1);
  const auto bias = per_channel(opt_in(in, L.bias), q.M, 0);
  Tensor& y = *out[0];
  const float xs = L.linear ? static_cast<float>(get_as_double(*in[L.x_s], 0)) : 1.0f;
  const float ys = L.linear ? static_cast<float>(get_as_double(*in[L.y_s], 0)) : 1.0f;
  const int32_t yzp = L.linear && opt_in(in, L.y_zp) ? static_cast<int32_t>(get_as_double(*in[L.y_zp], 0)) : 0;
  const int64_t cg = q.C / q.G, mg = q.M / q.G;
  for (int64_t nb = 0; nb < q.N; ++nb)
    for (int64_t m = 0; m < q.M; ++m)
      for (int64_t oy = 0; oy < q.OH; ++oy)
        for (int64_t ox = 0; ox < q.OW; ++ox) {
          int64_t acc = static_cast<int64_t>(bias[static_cast<size_t>(m)]);
          for (int64_t c = 0; c < cg; ++c) {
            const int64_t ci = (m / mg) * cg + c;
            for (int64_t ky = 0; ky < q.KH; ++ky) {
              const int64_t iy = oy * q.sh + ky * q.dh - q.ph;
              if (iy < 0 || iy >= q.H) continue;
              for (int64_t kx = 0; kx < q.KW; ++kx) {
                const int64_t ix = ox * q.sw + kx * q.dw - q.pw;
                if (ix < 0 || ix >= q.W) continue;
                acc += static_cast<int64_t>(get_as_double(x, static_cast<size_t>(((nb * q.C + ci) * q.H + iy) * q.W + ix)) - xzp) *
                       static_cast<int64_t>(get_as_double(w, static_cast<size_t>(((m * cg + c) * q.KH + ky) * q.KW + kx)) -
                                            wzp[static_cast<size_t>(m)]);
              }
            }
          }
          const size_t e = static_cast<size_t>(((nb * q.M + m) * q.OH + oy) * q.OW + ox);
          if (L.linear)
            set_from_double(y, e, requant(acc, combined_scale(xs, static_cast<float>(ws[static_cast<size_t>(m)]), ys), yzp, y.dtype));
          else
            set_from_double(y, e, static_cast<double>(acc));
        }
}

std::string check_q(const Graph& g, const Node& n) {
  const QLayout L = layout_of(n.op);
  if (!g.t(n.inputs[L.w]).is_const) return "weights must be constant";
  return "";
}

// Per-channel int32 zero points, float scales and bias arrays for the kernels.
struct QArrays {
  std::string wzp, bias = "0", scale = "0";
  int32_t xzp = 0, yzp = 0;
};

QArrays q_arrays(EmitContext& ctx, const Graph& g, const Node& n, const QLayout& L, int64_t channels) {
  QArrays a;
  const std::string id = ctx.layer_ident();
  const auto wzp = per_channel(opt_in(g, n, L.w_zp), channels, 0);
  std::vector<int32_t> z(wzp.begin(), wzp.end());
  a.wzp = ctx.add_array(id + "_wzp", make_const("z", DType::I32, {channels}, z), n.name, true);
  a.xzp = static_cast<int32_t>(per_channel(opt_in(g, n, L.x_zp), 1, 0)[0]);
  if (L.linear) {
    const float xs = static_cast<float>(get_as_double(g.t(n.inputs[L.x_s]), 0));
    const float ys = static_cast<float>(get_as_double(g.t(n.inputs[L.y_s]), 0));
    const auto ws = per_channel(opt_in(g, n, L.w_s), channels, 1);
    std::vector<float> sc;
    for (double v : ws) sc.push_back(combined_scale(xs, static_cast<float>(v), ys));
    a.scale = ctx.add_array(id + "_scale", make_const("s", DType::F32, {channels}, sc), n.name, true);
    a.yzp = has_in(n, L.y_zp) ? static_cast<int32_t>(get_as_double(g.t(n.inputs[L.y_zp]), 0)) : 0;
    if (has_in(n, L.bias)) {
      const auto b = per_channel(opt_in(g, n, L.bias), channels, 0);
      std::vector<int32_t> bi(b.begin(), b.end());
      a.bias = ctx.add_array(id + "_bias", make_const("b", DType::I32, {channels}, bi), g.t(n.inputs[L.bias]).name);
    }
  }
  return a;
}

void emit_qconv(EmitContext& ctx, const Graph& g, const Node& n) {
  const QLayout L = layout_of(n.op);
  const Tensor& x = g.t(n.inputs[L.x]);
  const Tensor& w = g.t(n.inputs[L.w]);
  const Tensor& y = g.t(n.outputs[0]);
  const QConvGeom q = qconv_geom(g, n, x.shape, w.shape);
  QArrays a = q_arrays(ctx, g, n, L, q.M);
  const std::string id = ctx.layer_ident();
  ctx.use("eg_matmul");
  ctx.decl("static const eg_qconv_params " + id + " = {" + s64(q.N) + ", " + s64(q.C) + ", " + s64(q.H) + ", " + s64(q.W) +
           ", " + s64(q.M) + ", " + s64(q.OH) + ", " + s64(q.OW) + ", " + s64(q.KH) + ", " + s64(q.KW) + ",\n    " +
           s64(q.sh) + ", " + s64(q.sw) + ", " + s64(q.dh) + ", " + s64(q.dw) + ", " + s64(q.ph) + ", " + s64(q.pw) + ", " +
           s64(q.G) + ",\n    " + s64(qtype(x.dtype)) + ", " + s64(qtype(w.dtype)) + ", " + s64(qtype(y.dtype)) + ", " +
           s64(a.xzp) + ", " + s64(a.yzp) + ",\n    " + ctx.ptr(n.inputs[L.w]) + ", " + a.wzp + ", " + a.bias + ", " + a.scale +
           "};");
  ctx.emit("eg_qconv(&" + id + ", " + ctx.ptr(n.inputs[L.x]) + ", " + ctx.ptr(n.outputs[0]) + ");");
}

int64_t macc_qconv(const Graph& g, const Node& n) {
  const QLayout L = layout_of(n.op);
  const Tensor& w = g.t(n.inputs[L.w]);
  return g.t(n.outputs[0]).elements() * (w.elements() / std::max<int64_t>(w.shape[0], 1));
}

// --------------------------------------------------------------- MatMul

struct QMmGeom {
  int64_t M, N, K;
  Shape batch, out;
  std::vector<int64_t> a_bs, b_bs;
};

QMmGeom qmm_geom(const Graph& g, const Node& n, Shape a, Shape b) {
  QMmGeom q;
  const bool a1 = a.size() == 1, b1 = b.size() == 1;
  if (a1) a.insert(a.begin(), 1);
  if (b1) b.push_back(1);
  if (a.back() != b[b.size() - 2]) bad(g, n, "inner dimensions differ");
  q.M = a[a.size() - 2];
  q.K = a.back();
  q.N = b.back();
  Shape ab(a.begin(), a.end() - 2), bb(b.begin(), b.end() - 2);
  q.batch = broadcast_shapes(g, n, ab, bb);
  auto bstrides = [&](const Shape& own, int64_t mat) {
    std::vector<int64_t> st(q.batch.size(), 0);
    int64_t acc = mat;
    for (size_t i = own.size(); i-- > 0;) {
      st[q.batch.size() - own.size() + i] = own[i] == 1 ? 0 : acc;
      acc *= own[i];
    }
    return st;
  };
  q.a_bs = bstrides(ab, q.M * q.K);
  q.b_bs = bstrides(bb, q.K * q.N);
  q.out = q.batch;
  if (!a1) q.out.push_back(q.M);
  if (!b1) q.out.push_back(q.N);
  return q;
}

void infer_qmm(Graph& g, const Node& n) {
  const QLayout L = layout_of(n.op);
  const Tensor& a = in_t(g, n, L.x);
  const Tensor& b = in_t(g, n, L.w);
  QMmGeom q = qmm_geom(g, n, a.shape, b.shape);
  common_checks(g, n, L, q.N);
  set_out(g, n, 0, out_type(g, n, L), q.out);
}

void ref_qmm(const Node& n, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  const QLayout L = layout_of(n.op);
  const Tensor& a = *in[L.x];
  const Tensor& b = *in[L.w];
  const QMmGeom q = qmm_geom(none(), n, a.shape, b.shape);
  const double azp = per_channel(opt_in(in, L.x_zp), 1, 0)[0];
  const auto bzp = per_channel(opt_in(in, L.w_zp), q.N, 0);
  const auto bs = per_channel(opt_in(in, L.w_s), q.N, 1);
  Tensor& y = *out[0];
  const float as = L.linear ? static_cast<float>(get_as_double(*in[L.x_s], 0)) : 1.0f;
  const float ys = L.linear ? static_cast<float>(get_as_double(*in[L.y_s], 0)) : 1.0f;
  const int32_t yzp = L.linear && opt_in(in, L.y_zp) ? static_cast<int32_t>(get_as_double(*in[L.y_zp], 0)) : 0;
  const int64_t nb = num_elements(q.batch);
  const auto bst = strides_of(q.batch);
  size_t o = 0;
  for (int64_t p = 0; p < nb; ++p) {
    int64_t ao = 0, bo = 0;
    for (size_t d = 0; d < q.batch.size(); ++d) {
      const int64_t c = (p / bst[d]) % q.batch[d];
      ao += c * q.a_bs[d];
      bo += c * q.b_bs[d];
    }
    for (int64_t i = 0; i < q.M; ++i)
      for (int64_t j = 0; j < q.N; ++j, ++o) {
        int64_t acc = 0;
        for (int64_t k = 0; k < q.K; ++k)
          acc += static_cast<int64_t>(get_as_double(a, static_cast<size_t>(ao + i * q.K + k)) - azp) *
                 static_cast<int64_t>(get_as_double(b, static_cast<size_t>(bo + k * q.N + j)) - bzp[static_cast<size_t>(j)]);
        if (L.linear)
          set_from_double(y, o, requant(acc, combined_scale(as, static_cast<float>(bs[static_cast<size_t>(j)]), ys), yzp, y.dtype));
        else
          set_from_double(y, o, static_cast<double>(acc));
      }
  }
}

std::string check_qmm(const Graph& g, const Node& n) {
  const QLayout L = layout_of(n.op);
  if (g.t(n.inputs[L.w]).shape.size() > 2 && has_in(n, L.w_zp) && g.t(n.inputs[L.w_zp]).elements() > 1)
    return "per-column zero points need a 2-D right-hand side";
  if (num_elements(qmm_geom(g, n, g.t(n.inputs[L.x]).shape, g.t(n.inputs[L.w]).shape).batch) > 0 &&
      qmm_geom(g, n, g.t(n.inputs[L.x]).shape, g.t(n.inputs[L.w]).shape).batch.size() > 6)
    return "more than 6 batch axes";
  return "";
}

void emit_qmm(EmitContext& ctx, const Graph& g, const Node& n) {
  const QLayout L = layout_of(n.op);
  const Tensor& a = g.t(n.inputs[L.x]);
  const Tensor& b = g.t(n.inputs[L.w]);
  const Tensor& y = g.t(n.outputs[0]);
  const QMmGeom q = qmm_geom(g, n, a.shape, b.shape);
  QArrays arr = q_arrays(ctx, g, n, L, q.N);
  auto lit = [](const std::vector<int64_t>& v) { return v.empty() ? std::string("{0}") : EmitContext::ints_lit(v); };
  const std::string id = ctx.layer_ident();
  ctx.use("eg_matmul");
  ctx.decl("static const eg_qmatmul_params " + id + " = {" + s64(q.M) + ", " + s64(q.N) + ", " + s64(q.K) + ", " +
           s64(static_cast<int64_t>(q.batch.size())) + ", " + lit(q.batch) + ", " + lit(q.a_bs) + ", " + lit(q.b_bs) +
           ",\n    " + s64(qtype(a.dtype)) + ", " + s64(qtype(b.dtype)) + ", " + s64(qtype(y.dtype)) + ", " + s64(arr.xzp) +
           ", " + s64(arr.yzp) + ", " + arr.wzp + ", " + arr.bias + ", " + arr.scale + "};");
  ctx.emit("eg_qmatmul(&" + id + ", " + ctx.ptr(n.inputs[L.x]) + ", " + ctx.ptr(n.inputs[L.w]) + ", " +
           ctx.ptr(n.outputs[0]) + ");");
}

// ------------------------------------------------- DynamicQuantizeLinear

void infer_dql(Graph& g, const Node& n) {
  const Tensor& x = in_t(g, n, 0);
  if (x.dtype != DType::F32) bad(g, n, "input must be float32");
  set_out(g, n, 0, DType::U8, x.shape);
  set_out(g, n, 1, DType::F32, {});
  set_out(g, n, 2, DType::U8, {});
}

void ref_dql(const Node&, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  const auto v = in[0]->values<float>();
  float lo = 0.0f, hi = 0.0f;
  for (float f : v) {
    lo = std::min(lo, f);
    hi = std::max(hi, f);
  }
  const float s = (hi - lo) / 255.0f;
  float zpf = s != 0.0f ? -lo / s : 0.0f;
  zpf = std::clamp(zpf, 0.0f, 255.0f);
  const int32_t zp = static_cast<int32_t>(std::nearbyint(zpf));
  for (size_t i = 0; i < v.size(); ++i) {
    float q = s != 0.0f ? std::nearbyint(v[i] / s) + static_cast<float>(zp) : static_cast<float>(zp);
    out[0]->data[i] = static_cast<uint8_t>(std::clamp(q, 0.0f, 255.0f));
  }
  if (out.size() > 1 && out[1]) std::memcpy(out[1]->data.data(), &s, 4);
  if (out.size() > 2 && out[2]) out[2]->data[0] = static_cast<uint8_t>(zp);
}

void emit_dql(EmitContext& ctx, const Graph& g, const Node& n) {
  ctx.use("eg_tensor");
  auto o = [&](size_t i, const char* ct) {
    return i < n.outputs.size() && n.outputs[i] != kNoTensor ? ctx.ptr_as(n.outputs[i], ct)
                                                             : std::string("0");
  };
  const std::string id = ctx.layer_ident();
  // absent scale/zero-point outputs still need somewhere to go
  if (o(1, "float*") == "0" || o(2, "uint8_t*") == "0") {
    ctx.emit("{ float " + id + "_s; uint8_t " + id + "_z;");
    ctx.emit("  eg_dynamic_quantize_u8(" + ctx.ptr(n.inputs[0]) + ", " + ctx.ptr(n.outputs[0]) + ", " +
             (o(1, "float*") == "0" ? "&" + id + "_s" : o(1, "float*")) + ", " +
             (o(2, "uint8_t*") == "0" ? "&" + id + "_z" : o(2, "uint8_t*")) + ", " +
             s64(g.t(n.inputs[0]).elements()) + "); }");
    return;
  }
  ctx.emit("eg_dynamic_quantize_u8(" + ctx.ptr(n.inputs[0]) + ", " + ctx.ptr(n.outputs[0]) + ", " + o(1, "float*") + ", " +
           o(2, "uint8_t*") + ", " + s64(g.t(n.inputs[0]).elements()) + ");");
}

// --------------------------------------- QLinearAdd / QLinearMul (com.microsoft)

struct QBin {
  Shape out;
  std::vector<int64_t> a_st, b_st;
  float as = 1, bs = 1, ys = 1;
  int32_t azp = 0, bzp = 0, yzp = 0;
};

QBin qbin(const Graph& g, const Node& n, std::span<const Tensor* const> in) {
  QBin q;
  const Tensor& a = *in[0];
  const Tensor& b = *in[3];
  q.out = broadcast_shapes(g, n, a.shape, b.shape);
  auto st = [&](const Shape& s) {
    std::vector<int64_t> r(q.out.size(), 0);
    const auto own = strides_of(s);
    for (size_t i = 0; i < s.size(); ++i)
      if (s[i] != 1) r[q.out.size() - s.size() + i] = own[i];
    return r;
  };
  q.a_st = st(a.shape);
  q.b_st = st(b.shape);
  auto scal = [&](size_t i, double d) { return i < in.size() && in[i] && in[i]->elements() ? get_as_double(*in[i], 0) : d; };
  q.as = static_cast<float>(scal(1, 1));
  q.azp = static_cast<int32_t>(scal(2, 0));
  q.bs = static_cast<float>(scal(4, 1));
  q.bzp = static_cast<int32_t>(scal(5, 0));
  q.ys = static_cast<float>(scal(6, 1));
  q.yzp = static_cast<int32_t>(scal(7, 0));
  return q;
}

void infer_qbin(Graph& g, const Node& n) {
  const Tensor& a = in_t(g, n, 0);
  const Tensor& b = in_t(g, n, 3);
  if (!q8(a.dtype) || b.dtype != a.dtype) bad(g, n, "operands must both be int8 or both uint8");
  for (size_t i : {1, 2, 4, 5, 6, 7})
    if (has_in(n, i)) {
      need_const(g, n, i);
      if (in_t(g, n, i).elements() != 1) bad(g, n, "scales and zero points must be per tensor");
    }
  in_t(g, n, 6);
  QBin q = qbin(g, n, graph_inputs(g, n));
  if (q.out.size() > 8) bad(g, n, "rank above 8");
  set_out(g, n, 0, a.dtype, q.out);
}

bool is_mul(const Node& n) { return n.op.size() >= 10 && n.op.substr(n.op.size() - 10) == "QLinearMul"; }

void ref_qbin(const Node& n, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  const QBin q = qbin(none(), n, in);
  Tensor& y = *out[0];
  const auto os = strides_of(q.out);
  for (int64_t o = 0; o < y.elements(); ++o) {
    int64_t ao = 0, bo = 0;
    for (size_t d = 0; d < q.out.size(); ++d) {
      const int64_t c = (o / os[d]) % q.out[d];
      ao += c * q.a_st[d];
      bo += c * q.b_st[d];
    }
    const float va = static_cast<float>(static_cast<int32_t>(get_as_double(*in[0], static_cast<size_t>(ao))) - q.azp) * q.as;
    const float vb = static_cast<float>(static_cast<int32_t>(get_as_double(*in[3], static_cast<size_t>(bo))) - q.bzp) * q.bs;
    float v = std::nearbyint((is_mul(n) ? va * vb : va + vb) / q.ys);
    v = std::clamp(v, -1.0e9f, 1.0e9f);
    const int32_t lo = y.dtype == DType::I8 ? -128 : 0, hi = y.dtype == DType::I8 ? 127 : 255;
    set_from_double(y, static_cast<size_t>(o), std::clamp(static_cast<int32_t>(v) + q.yzp, lo, hi));
  }
}

void emit_qbin(EmitContext& ctx, const Graph& g, const Node& n) {
  const QBin q = qbin(g, n, graph_inputs(g, n));
  const Tensor& a = g.t(n.inputs[0]);
  auto lit = [](const std::vector<int64_t>& v) { return v.empty() ? std::string("{0}") : EmitContext::ints_lit(v); };
  const std::string id = ctx.layer_ident();
  const std::string t = s64(a.dtype == DType::I8 ? 0 : 1);
  ctx.use("eg_tensor");
  ctx.decl("static const eg_qbinary_params " + id + " = {" + s64(static_cast<int64_t>(q.out.size())) + ", " + lit(q.out) +
           ", " + lit(q.a_st) + ", " + lit(q.b_st) + ",\n    " + t + ", " + t + ", " + t + ", " + s64(q.azp) + ", " +
           s64(q.bzp) + ", " + s64(q.yzp) + ", " + EmitContext::float_lit(q.as) + ", " + EmitContext::float_lit(q.bs) + ", " +
           EmitContext::float_lit(q.ys) + ", " + (is_mul(n) ? "1" : "0") + "};");
  ctx.emit("eg_qbinary(&" + id + ", " + ctx.ptr(n.inputs[0]) + ", " + ctx.ptr(n.inputs[3]) + ", " + ctx.ptr(n.outputs[0]) +
           ");");
}

OpDef qop(const std::string& name, bool conv, std::string constraints) {
  OpDef d;
  d.op = name;
  d.constraints = std::move(constraints);
  d.dtypes = {"int8", "uint8"};
  d.infer = conv ? InferFn(infer_qconv) : InferFn(infer_qmm);
  d.ref = conv ? RefFn(ref_qconv) : RefFn(ref_qmm);
  d.check = conv ? CheckFn(check_q) : CheckFn(check_qmm);
  d.emit = conv ? EmitFn(emit_qconv) : EmitFn(emit_qmm);
  d.macc = conv ? MaccFn(macc_qconv) : MaccFn([](const Graph& g, const Node& n) {
    const QLayout L = layout_of(n.op);
    Shape a = g.t(n.inputs[L.x]).shape;
    return g.t(n.outputs[0]).elements() * (a.empty() ? 1 : a.back());
  });
  d.c_layer_type = conv ? "Conv2D" : "Dense";
  return d;
}

}  // namespace

void register_tensor_quant() {
  register_op(qop("QLinearConv", true, "1-D/2-D; constant weights, scales, zero points (weights per tensor or per channel)"));
  register_op(qop("ConvInteger", true, "1-D/2-D; constant weights and zero points; int32 output"));
  register_op(qop("QLinearMatMul", false, "scales and zero points constant (B per tensor or per column); batched"));
  register_op(qop("MatMulInteger", false, "zero points constant; int32 output; batched"));
  for (const char* name : {"com.microsoft.QLinearAdd", "com.microsoft.QLinearMul"}) {
    register_op(make_op(name, "int8 or uint8 (both alike); scales and zero points constant, per tensor; broadcasting",
                        {"int8", "uint8"}, {infer_qbin, ref_qbin, any_config, emit_qbin, macc_per_output}, "Eltwise"));
  }
  register_op(make_op("DynamicQuantizeLinear", "float32 input; uint8 output, scale and zero point computed at run time",
                      {"float32"},
                      {infer_dql, ref_dql, any_config, emit_dql,
                       [](const Graph& g, const Node& n) { return 3 * g.t(n.inputs[0]).elements(); }},
                      "Quantize"));
}

}  // namespace eg::ops
