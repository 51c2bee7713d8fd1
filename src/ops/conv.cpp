// Conv: ONNX semantics (N-d, groups, pads, strides, dilations, auto_pad) and
// its lowering to NHWC kernels (int8 with per-channel requantization, float).
// The layout pass turns a Conv into attribute layout="NHWC" with OHWI weights.
#include <cmath>
#include <limits>
#include <tuple>

#include "ops/codebook.h"
#include "ops/emit_context.h"
#include "ops/ort_chain.h"
#include "ops/common.h"
#include "ops/quant_math.h"
#include "ops/registry.h"
#include "ops/window.h"
#include "eg_conv_path.h"  // runtime/: the kernel choice, shared with the C side

namespace eg::ops {
namespace {

bool is_nhwc(const Node& n) { return n.attr_string("layout", "NCHW") == "NHWC"; }

// The int8 output quantization the Conv requantizes to: its output tensor's, or, with an out table
// (passes/fuse_table.cpp), the one before the table (attributes pre_table_scale / pre_table_zp).
struct OutQuant {
  float scale;
  int32_t zp;
};
OutQuant out_quant(const Graph& g, const Node& n) {
  const Tensor& y = g.t(n.outputs[0]);
  if (n.has_attr("out_table"))
    return {n.attr_float("pre_table_scale", 1.0f), static_cast<int32_t>(n.attr_int("pre_table_zp", 0))};
  return {y.quant->scale[0], y.quant->zero_point[0]};
}

void infer_conv(Graph& g, const Node& n) {
  const Tensor& x = in_t(g, n, 0);
  const Tensor& w = in_t(g, n, 1);
  if (x.shape.size() < 3) bad(g, n, "input must have rank >= 3");
  if (w.shape.size() != x.shape.size()) bad(g, n, "weight rank differs from input rank");
  const int64_t group = n.attr_int("group", 1);
  const int64_t cin = x.shape[1];
  if (group <= 0 || group > kMaxDim || cin % group != 0 || w.shape[0] % group != 0 || w.shape[1] * group != cin)
    bad(g, n, "channels " + std::to_string(cin) + " do not match weights " + shape_str(w.shape) +
                  " with group " + std::to_string(group));
  std::vector<int64_t> spatial(x.shape.begin() + 2, x.shape.end());
  std::vector<int64_t> kernel(w.shape.begin() + 2, w.shape.end());
  if (n.has_attr("kernel_shape") && n.attr_ints("kernel_shape") != kernel)
    bad(g, n, "kernel_shape does not match the weights");
  Window win = window_geometry(g, n, spatial, kernel);
  Shape out = {x.shape[0], w.shape[0]};
  out.insert(out.end(), win.out.begin(), win.out.end());
  set_out(g, n, 0, x.dtype, out);
}

// Float reference, NCHW, 1-D/2-D/3-D (1-D and 2-D run as 3-D with unit axes).
// Accumulates in double so the reference is at least as exact as any kernel.
void ref_conv(const Node& n, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  const Tensor& x = *in[0];
  const Tensor& w = *in[1];
  const Tensor* b = in.size() > 2 ? in[2] : nullptr;
  Tensor& y = *out[0];
  Graph dummy;
  const size_t r = x.shape.size() - 2;
  std::vector<int64_t> spatial(x.shape.begin() + 2, x.shape.end());
  std::vector<int64_t> kernel(w.shape.begin() + 2, w.shape.end());
  Window win = window_geometry(dummy, n, spatial, kernel);
  // pad every geometry vector to 3 spatial axes (leading unit axes)
  auto pad3 = [&](std::vector<int64_t> v, int64_t fill) {
    while (v.size() < 3) v.insert(v.begin(), fill);
    return v;
  };
  const auto S = pad3(spatial, 1), K = pad3(kernel, 1), O = pad3(win.out, 1), st = pad3(win.strides, 1),
             dl = pad3(win.dilations, 1), pb = pad3(win.pad_begin, 0);
  (void)r;
  const int64_t N = x.shape[0], C = x.shape[1], M = w.shape[0], G = n.attr_int("group", 1);
  const int64_t cg = C / G, mg = M / G;
  const Tensor* table = n.attr_tensor("out_table");
  const double pre_scale = n.attr_float("pre_table_scale", 1.0f);
  const int64_t pre_zp = n.attr_int("pre_table_zp", 0);
  int32_t act_lo = -128, act_hi = 127;
  if (table)
    std::tie(act_lo, act_hi) = quantized_act_range(n.attr_float("act_min", -std::numeric_limits<float>::infinity()),
                                                   n.attr_float("act_max", std::numeric_limits<float>::infinity()),
                                                   static_cast<float>(pre_scale), static_cast<int32_t>(pre_zp));
  std::vector<float> xv = x.as_float();
  const std::vector<float> wv = w.as_float();
  if (table && x.quant)  // the int8 input minus its zero point
    for (float& v : xv) v -= static_cast<float>(x.quant->zero_point[0]);
  const std::vector<float> bv = b ? b->as_float() : std::vector<float>{};
  const int64_t in_sp = S[0] * S[1] * S[2], out_sp = O[0] * O[1] * O[2], k_sp = K[0] * K[1] * K[2];
  for (int64_t nb = 0; nb < N; ++nb)
    for (int64_t m = 0; m < M; ++m) {
      const int64_t grp = m / mg;
      for (int64_t o0 = 0; o0 < O[0]; ++o0)
        for (int64_t o1 = 0; o1 < O[1]; ++o1)
          for (int64_t o2 = 0; o2 < O[2]; ++o2) {
            double acc = bv.empty() ? 0.0 : bv[static_cast<size_t>(m)];
            for (int64_t c = 0; c < cg; ++c) {
              const float* xc = xv.data() + (nb * C + grp * cg + c) * in_sp;
              const float* wc = wv.data() + (m * cg + c) * k_sp;
              for (int64_t k0 = 0; k0 < K[0]; ++k0) {
                const int64_t i0 = o0 * st[0] - pb[0] + k0 * dl[0];
                if (i0 < 0 || i0 >= S[0]) continue;
                for (int64_t k1 = 0; k1 < K[1]; ++k1) {
                  const int64_t i1 = o1 * st[1] - pb[1] + k1 * dl[1];
                  if (i1 < 0 || i1 >= S[1]) continue;
                  for (int64_t k2 = 0; k2 < K[2]; ++k2) {
                    const int64_t i2 = o2 * st[2] - pb[2] + k2 * dl[2];
                    if (i2 < 0 || i2 >= S[2]) continue;
                    acc += static_cast<double>(xc[(i0 * S[1] + i1) * S[2] + i2]) *
                           static_cast<double>(wc[(k0 * K[1] + k1) * K[2] + k2]);
                  }
                }
              }
            }
            const size_t at = static_cast<size_t>((nb * M + m) * out_sp + (o0 * O[1] + o1) * O[2] + o2);
            if (table) {  // int8 with an out table: requantize to the pre-table quantization, clamp, look up
              const double ws = w.quant->scale.size() > 1 ? w.quant->scale[static_cast<size_t>(m)] : w.quant->scale[0];
              const double q = std::nearbyint(acc * static_cast<double>(x.quant->scale[0]) * ws / pre_scale) + pre_zp;
              const int32_t v = static_cast<int32_t>(std::min<double>(act_hi, std::max<double>(act_lo, q)));
              y.mutable_values<int8_t>()[at] = table->values<int8_t>()[static_cast<size_t>(v + 128)];
            } else {
              set_from_double(y, at, acc);
            }
          }
    }
}

std::string check_conv(const Graph& g, const Node& n) {
  const Tensor& x = g.t(n.inputs[0]);
  if (x.shape.size() != 3 && x.shape.size() != 4) return "only 1-D and 2-D convolutions are supported";
  if (x.dtype == DType::I8) {
    const Tensor& w = g.t(n.inputs[1]);
    if (!w.is_const || w.dtype != DType::I8) return "int8 conv needs constant int8 weights";
    if (!w.quant || !x.quant || !g.t(n.outputs[0]).quant) return "int8 conv without quantization parameters";
    for (int32_t z : w.quant->zero_point)
      if (z != 0) return "int8 weights must be symmetric (zero point 0)";
    return "";
  }
  if (x.dtype != DType::F32) return "dtype " + std::string(dtype_name(x.dtype)) + " is not supported";
  return "";
}

// Geometry of the lowered NHWC node: input [N,(H,)W,C], weights OHWI.
struct ConvDims {
  int64_t batch, in_h, in_w, in_c, out_h, out_w, out_c, k_h, k_w;
  int64_t stride_h = 1, stride_w = 1, dil_h = 1, dil_w = 1, pad_top = 0, pad_left = 0, groups = 1;
};

ConvDims conv_dims(const Graph& g, const Node& n) {
  const Tensor& x = g.t(n.inputs[0]);
  const Tensor& w = g.t(n.inputs[1]);
  const Tensor& y = g.t(n.outputs[0]);
  ConvDims d{};
  const bool one_d = x.shape.size() == 3;
  d.batch = x.shape[0];
  d.in_h = one_d ? 1 : x.shape[1];
  d.in_w = x.shape[one_d ? 1 : 2];
  d.in_c = x.shape.back();
  d.out_h = one_d ? 1 : y.shape[1];
  d.out_w = y.shape[one_d ? 1 : 2];
  d.out_c = y.shape.back();
  d.k_h = one_d ? 1 : w.shape[1];
  d.k_w = w.shape[one_d ? 1 : 2];
  auto strides = n.attr_ints("strides"), dil = n.attr_ints("dilations"), pads = n.attr_ints("pads");
  // explicit per-axis values after the layout pass
  if (one_d) {
    d.stride_w = strides.at(0);
    d.dil_w = dil.at(0);
    d.pad_left = pads.at(0);
  } else {
    d.stride_h = strides.at(0);
    d.stride_w = strides.at(1);
    d.dil_h = dil.at(0);
    d.dil_w = dil.at(1);
    d.pad_top = pads.at(0);
    d.pad_left = pads.at(1);
  }
  d.groups = n.attr_int("group", 1);
  return d;
}

std::string dims_init(const ConvDims& d) {
  auto s = [](int64_t v) { return std::to_string(v); };
  return s(d.batch) + ", " + s(d.in_h) + ", " + s(d.in_w) + ", " + s(d.in_c) + ", " + s(d.out_h) + ", " +
         s(d.out_w) + ", " + s(d.out_c) + ", " + s(d.k_h) + ", " + s(d.k_w) + ",\n    " + s(d.stride_h) +
         ", " + s(d.stride_w) + ", " + s(d.dil_h) + ", " + s(d.dil_w) + ", " + s(d.pad_top) + ", " +
         s(d.pad_left) + ", " + s(d.groups);
}

// Depthwise 3x3, dilation 1, strides 1/2 with scratch: eg_conv_s8_dw3 (runtime/eg_conv_dw.c). Its fast
// path is exact for a channel when eg_dw3_setup accepts it: mult == 0, or mult > 0, k = 14 + shift in
// [0, 8], bound = |bias| + 1152 * max|x - in_zp| with bound << k < 2^31 and no rounding tie possible
// (bound < 2^(30 - shift - trailing zeros of mult)). Other channels run a slow exact loop, so the path
// is only chosen when every channel qualifies (non-constant bias: assumed to).
bool dw3_fast(const Graph& g, const Node& n, const ConvDims& d) {
  const Tensor& x = g.t(n.inputs[0]);
  const Tensor& w = g.t(n.inputs[1]);
  const Tensor& y = g.t(n.outputs[0]);
  if (x.dtype != DType::I8 || !x.quant || !w.quant || !y.quant) return false;
  const Tensor* b = has_in(n, 2) ? &g.t(n.inputs[2]) : nullptr;
  const bool bias_known = b && b->is_const && b->dtype == DType::I32;
  const int64_t zp = x.quant->zero_point[0];
  const uint64_t bx = 1152 * static_cast<uint64_t>(zp < 0 ? 127 - zp : 128 + zp);
  for (int64_t c = 0; c < d.out_c; ++c) {
    const float ws = w.quant->scale.size() > 1 ? w.quant->scale[static_cast<size_t>(c)] : w.quant->scale[0];
    const auto f = to_fixed(static_cast<double>(x.quant->scale[0]) * ws / out_quant(g, n).scale);
    if (f.mult == 0) continue;
    const int64_t rs = -1 - f.shift, k = 13 - rs;
    if (f.mult < 0 || k < 0 || k > 8) return false;
    const int64_t bias = bias_known ? b->values<int32_t>()[static_cast<size_t>(c)] : 0;
    const uint64_t bound = static_cast<uint64_t>(bias < 0 ? -bias : bias) + bx;
    if (bound > (uint64_t{0x7FFFFFFF} >> k)) return false;
    int e = 0;
    while (!((f.mult >> e) & 1)) ++e;
    if (31 + rs - e < 32 && bound >= (uint64_t{1} << (31 + rs - e))) return false;
  }
  return true;
}

// int8 per-channel requantization. groups == 1: every channel's multiplier is made odd (the nearer
// odd neighbour, a 2^-31 relative change; reference and kernel use the same value), which makes the
// DSP matrix path's SMMLA rounding exact (eg_conv_s8_mat_requant_ok then only asks mult > 0 and
// shift in [-23, -2]).
struct ConvRequant {
  std::vector<int32_t> mult;
  std::vector<int8_t> shift;
};

ConvRequant conv_requant(const Graph& g, const Node& n, const ConvDims& d) {
  const Tensor& x = g.t(n.inputs[0]);
  const Tensor& w = g.t(n.inputs[1]);
  const OutQuant oq = out_quant(g, n);
  ConvRequant r;
  for (int64_t c = 0; c < d.out_c; ++c) {
    const float ws = w.quant->scale.size() > 1 ? w.quant->scale[static_cast<size_t>(c)] : w.quant->scale[0];
    const double real = static_cast<double>(x.quant->scale[0]) * ws / oq.scale;
    auto f = to_fixed(real);
    if (d.groups == 1 && f.mult > 0 && (f.mult & 1) == 0) {
      const double exact = std::ldexp(real, 31 - f.shift);  // what f.mult rounds
      f.mult += exact > f.mult || f.mult == (int32_t{1} << 30) ? 1 : -1;
    }
    r.mult.push_back(f.mult);
    r.shift.push_back(static_cast<int8_t>(f.shift));
  }
  return r;
}

// The layer as the runtime's kernel choice (runtime/eg_conv_path.h) reads it: dims and requantization.
eg_conv_s8_params path_params(const ConvDims& d, const ConvRequant& rq) {
  auto i32 = [](int64_t v) { return static_cast<int32_t>(v); };
  eg_conv_s8_params p{};
  p.batch = i32(d.batch), p.in_h = i32(d.in_h), p.in_w = i32(d.in_w), p.in_c = i32(d.in_c);
  p.out_h = i32(d.out_h), p.out_w = i32(d.out_w), p.out_c = i32(d.out_c), p.k_h = i32(d.k_h), p.k_w = i32(d.k_w);
  p.stride_h = i32(d.stride_h), p.stride_w = i32(d.stride_w), p.dil_h = i32(d.dil_h), p.dil_w = i32(d.dil_w);
  p.pad_top = i32(d.pad_top), p.pad_left = i32(d.pad_left), p.groups = i32(d.groups);
  p.mult = rq.mult.data();
  p.shift = rq.shift.data();
  return p;
}

// The matrix path's two entry points (runtime/eg_conv.c): eg_conv_s8_mat (3-pixel tiles, the fast
// one, ~2 KB of code) and eg_conv_s8_mat_small (one pixel at a time, ~1 KB). A network whose
// matrix-path convolutions are all small (fewer than EG_CONV_S8_SMALL_MACS MACs, e.g. a 1-D conv of a
// few channels) takes the small one everywhere and does not link the fast one.
bool use_small_mat(const Graph& g) {
  for (const Node& m : g.nodes) {
    if (m.op != "Conv" || g.t(m.inputs[0]).dtype != DType::I8 || !is_nhwc(m)) continue;
    const ConvDims d = conv_dims(g, m);
    if (d.batch * d.out_h * d.out_w * d.out_c * d.k_h * d.k_w * d.in_c < EG_CONV_S8_SMALL_MACS) continue;
    const ConvRequant rq = conv_requant(g, m, d);
    const eg_conv_s8_params p = path_params(d, rq);
    if (eg_conv_s8_mat_requant_ok(&p)) return false;
  }
  return true;
}

// The kernel of an int8 NHWC Conv, decided by eg_conv_s8_choose from what the compiler knows.
eg_conv_s8_path conv_path(const Graph& g, const Node& n, const ConvDims& d, const ConvRequant& rq,
                          bool scratch_granted) {
  const eg_conv_s8_params p = path_params(d, rq);
  eg_conv_s8_facts f{};
  f.dw3_fast = eg_conv_s8_is_dw3(&p) && dw3_fast(g, n, d);
  f.small_network = scratch_granted && eg_conv_s8_mat_requant_ok(&p) && use_small_mat(g);
  return eg_conv_s8_choose(&p, &f, scratch_granted);
}

// Float weights (or bias) computed at run time: the reference kernel, its flash parameters copied
// and the pointers set per run.
void emit_conv_f32_runtime(EmitContext& ctx, const Node& n, const std::string& dims,
                           const std::string& act_range) {
  const std::string id = ctx.layer_ident();
  ctx.decl("static const eg_conv_f32_params " + id + " = {\n    " + dims + ",\n    " + act_range + ", 0, 0};");
  ctx.emit("{");
  ctx.emit("  eg_conv_f32_params P = " + id + ";");
  ctx.emit("  P.weights = " + ctx.ptr_as(n.inputs[1], "const float*") + ";");
  if (has_in(n, 2)) ctx.emit("  P.bias = " + ctx.ptr_as(n.inputs[2], "const float*") + ";");
  ctx.emit("  eg_conv_f32(&P, " + ctx.ptr(n.inputs[0]) + ", " + ctx.ptr(n.outputs[0]) + ");");
  ctx.emit("}");
}

// Float: groups == 1 with dil_w == 1 -> eg_conv_f32_blk, weights in its W4 layout
// [ceil(out_c / 4)][k_h][k_w][in_c][4]; depthwise -> eg_conv_f32_dw, weights DW4
// [ceil(C / 4)][k_h][k_w][4] (both zero-padded to 4 channels); other groupings and
// dilations -> the reference eg_conv_f32 on the OHWI weights; codebook weights (attribute
// codebook_bits, passes/weight_sharing) -> eg_conv_f32_lut on OHWI indices. Same results throughout.
void emit_conv_f32(EmitContext& ctx, const Graph& g, const Node& n, const ConvDims& d) {
  const std::string id = ctx.layer_ident();
  const float act_lo = n.attr_float("act_min", -std::numeric_limits<float>::infinity());
  const float act_hi = n.attr_float("act_max", std::numeric_limits<float>::infinity());
  const Tensor& w = g.t(n.inputs[1]);
  const bool dw = d.groups > 1 && d.groups == d.in_c && d.out_c == d.in_c;
  const bool blk = d.groups == 1 && d.dil_w == 1;
  std::string wsym, fn = "eg_conv_f32";
  const bool runtime_w = !w.is_const || (has_in(n, 2) && !g.t(n.inputs[2]).is_const);
  if (const int bits = static_cast<int>(n.attr_int("codebook_bits", 0)); bits && !runtime_w) {
    const CodebookSymbols cb = add_codebook_arrays(ctx, w.as_float(), bits, w.name);
    ctx.use("eg_conv_f32_lut");
    ctx.decl("static const eg_conv_f32_lut_params " + id + " = {\n    " + dims_init(d) + ",\n    " +
             EmitContext::float_lit(act_lo) + ", " + EmitContext::float_lit(act_hi) + ",\n    " + cb.index + ", " +
             cb.codebook + ", " + (has_in(n, 2) ? ctx.ptr(n.inputs[2]) : std::string("0")) + ", " +
             std::to_string(bits) + "};");
    ctx.emit("eg_conv_f32_lut(&" + id + ", " + ctx.ptr(n.inputs[0]) + ", " + ctx.ptr(n.outputs[0]) + ");");
    return;
  }
  ctx.use("eg_conv_f32");
  if (runtime_w) {
    emit_conv_f32_runtime(ctx, n, dims_init(d), EmitContext::float_lit(act_lo) + ", " + EmitContext::float_lit(act_hi));
    return;
  }
  if (!dw && !blk) {
    wsym = ctx.ptr(n.inputs[1]);
  } else {
    const int64_t K = d.k_h * d.k_w * (d.in_c / d.groups), C4 = (d.out_c + 3) / 4 * 4;
    const std::vector<float> wv = w.as_float();  // OHWI: [out_c][K]
    std::vector<float> t(static_cast<size_t>(C4 * K), 0.0f);
    for (int64_t o = 0; o < d.out_c; ++o)
      for (int64_t k = 0; k < K; ++k)
        t[static_cast<size_t>((o / 4) * K * 4 + k * 4 + o % 4)] = wv[static_cast<size_t>(o * K + k)];
    wsym = ctx.add_array(ctx.tensor_symbol(w.name) + (dw ? "_dw4" : "_w4"),
                         make_const(w.name, DType::F32, {C4 / 4, K, 4}, t), w.name);
    fn = dw ? "eg_conv_f32_dw" : "eg_conv_f32_blk";
  }
  std::string bias = has_in(n, 2) ? ctx.ptr(n.inputs[2]) : "0";
  ctx.decl("static const eg_conv_f32_params " + id + " = {\n    " + dims_init(d) + ",\n    " +
           EmitContext::float_lit(act_lo) + ", " + EmitContext::float_lit(act_hi) + ",\n    " + wsym + ", " +
           bias + "};");
  ctx.emit(fn + "(&" + id + ", " + ctx.ptr(n.inputs[0]) + ", " + ctx.ptr(n.outputs[0]) + ");");
}

void emit_conv(EmitContext& ctx, const Graph& g, const Node& n) {
  if (!is_nhwc(n)) throw CompileError("internal: Conv reached the emitter without layout lowering");
  const ConvDims d = conv_dims(g, n);
  const Tensor& x = g.t(n.inputs[0]);
  const std::string id = ctx.layer_ident();
  const float act_lo = n.attr_float("act_min", -std::numeric_limits<float>::infinity());
  const float act_hi = n.attr_float("act_max", std::numeric_limits<float>::infinity());
  if (x.dtype == DType::I8) {
    ctx.use("eg_conv");
    const Tensor& w = g.t(n.inputs[1]);
    const Tensor& y = g.t(n.outputs[0]);
    const ConvRequant rq = conv_requant(g, n, d);
    const std::vector<int32_t>& mult = rq.mult;
    const std::vector<int8_t>& shift = rq.shift;
    const bool granted = ctx.offsets.has_scratch(ctx.current_node);
    const std::string scratch = granted ? ctx.scratch(ctx.current_node, "void*") : "0";
    const eg_conv_s8_path path = conv_path(g, n, d, rq, granted);
    const bool small = path == EG_CONV_S8_PATH_MAT_SMALL, mat = small || path == EG_CONV_S8_PATH_MAT;
    // eg_conv_s8_mat with out_c odd reads bias/mult/shift[out_c] (its last pair's second channel,
    // computed and not stored): one more entry each
    const int64_t nq = mat && !small && (d.out_c & 1) ? d.out_c + 1 : d.out_c;
    std::vector<int32_t> mq = mult;
    std::vector<int8_t> sq = shift;
    mq.resize(static_cast<size_t>(nq), mult.back());
    sq.resize(static_cast<size_t>(nq), shift.back());
    std::string m = ctx.add_array(id + "_mult", make_const("m", DType::I32, {nq}, mq), n.name, true);
    std::string s = ctx.add_array(id + "_shift", make_const("s", DType::I8, {nq}, sq), n.name, true);
    const OutQuant oq = out_quant(g, n);
    auto [lo, hi] = quantized_act_range(act_lo, act_hi, oq.scale, oq.zp);
    // the out table (passes/fuse_table.cpp): 256 int8 for inputs -128..127, applied after the clamp
    const Tensor* otab = n.attr_tensor("out_table");
    const std::string table = otab ? ctx.add_array(id + "_out_table", *otab, n.name, true) : "0";
    std::string bias = has_in(n, 2) ? ctx.ptr(n.inputs[2]) : "0";
    if (mat && (bias == "0" || nq != d.out_c)) {  // the matrix path reads a bias array (nq entries)
      std::vector<int32_t> b(static_cast<size_t>(nq), 0);
      if (has_in(n, 2)) {
        const Tensor& bt = g.t(n.inputs[2]);
        for (int64_t c = 0; c < d.out_c; ++c)
          b[static_cast<size_t>(c)] = static_cast<int32_t>(get_as_double(bt, static_cast<size_t>(c)));
      }
      bias = ctx.add_array(id + "_bias_mat", make_const("b", DType::I32, {nq}, b), n.name, true);
    }
    // Depthwise: the DSP path reads the weights transposed to [k_h * k_w][C] (4 channels a word).
    std::string dw = "0";
    if (d.groups == d.in_c && d.out_c == d.in_c && d.groups > 1) {
      const int64_t taps = d.k_h * d.k_w, C = d.out_c;
      std::vector<int8_t> t(static_cast<size_t>(taps * C));
      for (int64_t c = 0; c < C; ++c)
        for (int64_t k = 0; k < taps; ++k)
          t[static_cast<size_t>(k * C + c)] = static_cast<int8_t>(w.data[static_cast<size_t>(c * taps + k)]);
      dw = ctx.add_array(id + "_dw_weights", make_const("w", DType::I8, {taps, C}, t), n.name, true);
    }
    // Matrix path: the weights in its EG_CONV_W_P2 order (channel pairs interleaved per 4 values of
    // K; K padded to even, out_c to even, with zeros) instead of OHWI.
    std::string wptr, layout = "0";
    if (!mat) {
      wptr = ctx.ptr(n.inputs[1]);
    } else {
      wptr = "(const int8_t*)" + ctx.add_array(ctx.tensor_symbol(w.name) + "_p2",
                                               conv_weights_p2(w, d.out_c, d.k_h * d.k_w * d.in_c), w.name);
      layout = "EG_CONV_W_P2";
    }
    // 1x1, stride 1, no padding, no scratch (--optimization ram at the buffer's peak): every pixel
    // is a fully connected layer on its channels, so eg_fc's DSP path (no scratch, int8 read in
    // place) runs it with batch = pixels; same requantization, so the same result as the reference.
    if (path == EG_CONV_S8_PATH_POINTWISE_FC) {
      const auto bzp =
          bias_minus_zero_point(has_in(n, 2) ? &g.t(n.inputs[2]) : nullptr, w, d.out_c, d.in_c, x.quant->zero_point[0]);
      const std::string bz = ctx.add_array(id + "_bias_zp", make_const("b", DType::I32, {d.out_c}, bzp), n.name, true);
      ctx.use("eg_fc");
      ctx.decl("static const eg_fc_s8_params " + id + "_fc = {" + std::to_string(d.batch * d.out_h * d.out_w) + ", " +
               std::to_string(d.in_c) + ", " + std::to_string(d.out_c) + ", " + std::to_string(x.quant->zero_point[0]) +
               ", " + std::to_string(oq.zp) + ", " + std::to_string(lo) + ", " + std::to_string(hi) +
               ",\n    " + wptr + ", " + (bias == "0" ? std::string("0") : "(const int32_t*)" + bias) + ", " + m +
               ", " + s + ", " + bz + ", 0 /* [out][in] */, " + emit_ort_chain(ctx, g, n, id, d.out_c, oq.scale, path) + "};");
      ctx.emit("eg_fc_s8_fast(&" + id + "_fc, " + ctx.ptr(n.inputs[0]) + ", " + ctx.ptr(n.outputs[0]) + ");");
      if (otab) {  // eg_fc has no out table: the table in place over the output
        ctx.use("eg_lut");
        ctx.emit("eg_lut_s8(" + ctx.ptr(n.outputs[0]) + ", " + ctx.ptr(n.outputs[0]) + ", " +
                 std::to_string(y.elements()) + ", " + table + ");");
      }
      return;
    }
    ctx.decl("static const eg_conv_s8_params " + id + " = {\n    " + dims_init(d) + ",\n    " +
             std::to_string(x.quant->zero_point[0]) + ", " + std::to_string(oq.zp) + ", " +
             std::to_string(lo) + ", " + std::to_string(hi) + ",\n    " + wptr + ", " + bias +
             ", " + m + ", " + s + ", " + dw + ", " + layout + ", " + table + ",\n    " +
             emit_ort_chain(ctx, g, n, id, d.out_c, oq.scale, path) + "};");
    // the path eg_conv_s8 would take, called directly (the linker drops the others)
    const std::string args = "(&" + id + ", " + ctx.ptr(n.inputs[0]) + ", " + ctx.ptr(n.outputs[0]);
    if (mat) {
      ctx.emit(std::string(small ? "eg_conv_s8_mat_small" : "eg_conv_s8_mat") + args + ", " + scratch + ");");
    } else if (path == EG_CONV_S8_PATH_DW3) {
      ctx.use("eg_conv_dw");
      ctx.emit("eg_conv_s8_dw3" + args + ", " + scratch + ");");
    } else if (path == EG_CONV_S8_PATH_DW) {
      ctx.use("eg_conv_dw");
      ctx.emit("eg_conv_s8_dw" + args + ");");
    } else {
      ctx.emit("eg_conv_s8_ref" + args + ");");
    }
    return;
  }
  emit_conv_f32(ctx, g, n, d);
}

int64_t macc_conv(const Graph& g, const Node& n) {
  const Tensor& w = g.t(n.inputs[1]);
  const Tensor& y = g.t(n.outputs[0]);
  // MACs per output element = weight elements per output channel; plus one per channel (bias)
  const int64_t per_out = num_elements(w.shape) / w.shape[0];
  // + the out table's lookups (passes/fuse_table.cpp: the LookupTable's MACC, one per element)
  return y.elements() * per_out + w.shape[0] + (n.has_attr("out_table") ? y.elements() : 0);
}

// The scratch of the kernel the layer takes when granted its scratch (eg_conv_s8_scratch_bytes): the
// matrix path's im2col columns, the depthwise 3x3 path's lines; 0 for the paths without.
size_t scratch_conv(const Graph& g, const Node& n) {
  if (g.t(n.inputs[0]).dtype != DType::I8 || !is_nhwc(n)) return 0;
  const ConvDims d = conv_dims(g, n);
  const ConvRequant rq = conv_requant(g, n, d);
  const eg_conv_s8_params p = path_params(d, rq);
  return static_cast<size_t>(eg_conv_s8_scratch_bytes(conv_path(g, n, d, rq, true), &p));
}

}  // namespace

void register_conv() {
  OpDef d = make_op("Conv",
                    "1-D/2-D; any group (depthwise included), pads, strides, dilations, auto_pad; "
                    "int8: symmetric per-channel or per-tensor weights",
                    {"float32", "int8 (QDQ)"}, {infer_conv, ref_conv, check_conv, emit_conv, macc_conv}, "Conv2D",
                    QdqRole::Compute);
  d.scratch = scratch_conv;
  d.codebook_weights = [](const Graph& g, const Node& n) {  // the float kernels on constant float32 weights
    const Tensor& x = g.t(n.inputs[0]);
    const Tensor& w = g.t(n.inputs[1]);
    return x.dtype == DType::F32 && w.dtype == DType::F32 && w.is_const && is_nhwc(n) &&
           (!has_in(n, 2) || g.t(n.inputs[2]).is_const) && check_conv(g, n).empty();
  };
  d.scratch_optional = true;  // without it: eg_conv_s8_dw, or the reference loop
  d.channels_last = true;
  register_op(d);
}

}  // namespace eg::ops
