// TFLite AVERAGE_POOL_2D, MAX_POOL_2D, ADD, SUB, SOFTMAX and RESHAPE, int8 with
// TFLite Micro's reference arithmetic (runtime eg_*_tfl kernels, which are
// also the reference semantics here).
#include <cmath>
#include <memory>
#include <vector>

#include "ir/optimization.h"
#include "ops/emit_context.h"
#include "ops/families.h"
#include "ops/registry.h"
#include "ops/tflite_common.h"

extern "C" {
#include "eg_common.h"
#include "eg_eltwise.h"
#include "eg_eltwise_bin.h"
#include "eg_pool.h"
#include "eg_softmax.h"
}
#include "ops/qadd_fold.h"
#include "ops/qbinary_emit.h"

namespace eg::ops {
namespace {

using tfl::broadcast4;
using tfl::Broadcast;
using tfl::set_checked;

std::string v(int64_t x) { return std::to_string(x); }

std::string s8_in_out_problem(const Graph& g, const Node& n) {
  for (size_t i = 0; i < n.inputs.size(); ++i)
    if (auto why = tfl::per_tensor_s8_problem(g.t(n.inputs[i]), "input"); !why.empty()) return why;
  return tfl::per_tensor_s8_problem(g.t(n.outputs[0]), "output");
}

// ---- AVERAGE_POOL_2D / MAX_POOL_2D --------------------------------------------------------------

eg_pool2d_s8_tfl_params pool_setup(const Node& n, const Tensor& x, const Tensor* y) {
  eg_pool2d_s8_tfl_params p{};
  p.batch = static_cast<int32_t>(x.shape[0]);
  p.in_h = static_cast<int32_t>(x.shape[1]);
  p.in_w = static_cast<int32_t>(x.shape[2]);
  p.channels = static_cast<int32_t>(x.shape[3]);
  p.k_h = static_cast<int32_t>(n.attr_int("filter_h", 1));
  p.k_w = static_cast<int32_t>(n.attr_int("filter_w", 1));
  p.stride_h = static_cast<int32_t>(n.attr_int("stride_h", 1));
  p.stride_w = static_cast<int32_t>(n.attr_int("stride_w", 1));
  const tfl::Axis ah = tfl::window_axis(p.in_h, p.k_h, p.stride_h, 1, n.attr_int("padding", 0));
  const tfl::Axis aw = tfl::window_axis(p.in_w, p.k_w, p.stride_w, 1, n.attr_int("padding", 0));
  p.out_h = static_cast<int32_t>(ah.out);
  p.out_w = static_cast<int32_t>(aw.out);
  p.pad_top = static_cast<int32_t>(ah.pad);
  p.pad_left = static_cast<int32_t>(aw.pad);
  p.act_min = -128;
  p.act_max = 127;
  if (y && y->quant) std::tie(p.act_min, p.act_max) = tfl::act_range_s8(n, *y);
  return p;
}

void infer_pool(Graph& g, const Node& n) {
  const Tensor& x = in_t(g, n, 0);
  if (x.shape.size() != 4) bad(g, n, "input must be 4-D NHWC");
  if (n.attr_int("filter_h", 1) < 1 || n.attr_int("filter_w", 1) < 1 || n.attr_int("stride_h", 1) < 1 ||
      n.attr_int("stride_w", 1) < 1)
    bad(g, n, "filter sizes and strides must be >= 1");
  if (auto why = tfl::activation_problem(n); !why.empty()) bad(g, n, why);
  const auto p = pool_setup(n, x, nullptr);
  if (p.out_h < 1 || p.out_w < 1) bad(g, n, "the window is larger than the input");
  set_checked(g, n, x.dtype, {p.batch, p.out_h, p.out_w, p.channels});
}

// float32: eg_maxpool_f32 / eg_avgpool_f32 over NHWC (the average over the window's valid
// elements, as TFLite's), then the fused clamp.
eg_pool_geom pool_f32_geom(const eg_pool2d_s8_tfl_params& p) {
  eg_pool_geom g{};
  g.batch = p.batch;
  g.channels = p.channels;
  g.nsp = 2;
  g.in_sp[0] = p.in_h, g.in_sp[1] = p.in_w, g.in_sp[2] = 1;
  g.out_sp[0] = p.out_h, g.out_sp[1] = p.out_w, g.out_sp[2] = 1;
  g.kernel[0] = p.k_h, g.kernel[1] = p.k_w, g.kernel[2] = 1;
  g.stride[0] = p.stride_h, g.stride[1] = p.stride_w, g.stride[2] = 1;
  g.dil[0] = g.dil[1] = g.dil[2] = 1;
  g.pad[0] = p.pad_top, g.pad[1] = p.pad_left;
  g.in_c_stride = g.out_c_stride = 1;
  g.in_sp_stride = g.out_sp_stride = p.channels;
  return g;
}

std::string check_pool(const Graph& g, const Node& n) {
  if (g.t(n.inputs[0]).dtype == DType::F32)
    return g.t(n.outputs[0]).dtype == DType::F32 ? "" : "input and output differ in type";
  if (auto why = s8_in_out_problem(g, n); !why.empty()) return why;
  if (g.t(n.inputs[0]).quant != g.t(n.outputs[0]).quant)
    return "input and output quantization differ (TFLite pools keep it)";
  return "";
}

void ref_pool(const Node& n, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  const auto p = pool_setup(n, *in[0], out[0]);
  if (in[0]->dtype == DType::F32) {
    const eg_pool_geom geom = pool_f32_geom(p);
    float* y = out[0]->mutable_values<float>().data();
    if (n.op == "MAX_POOL_2D") eg_maxpool_f32(&geom, in[0]->values<float>().data(), y, nullptr, 0);
    else eg_avgpool_f32(&geom, in[0]->values<float>().data(), y);
    const auto [lo, hi] = tfl::act_range_f32_finite(n);
    if (n.attr_int("activation", 0) != 0) eg_clamp_f32(y, y, static_cast<int32_t>(out[0]->elements()), lo, hi);
    return;
  }
  (n.op == "MAX_POOL_2D" ? eg_maxpool_s8_tfl : eg_avgpool_s8_tfl)(&p, in[0]->values<int8_t>().data(),
                                                                  out[0]->mutable_values<int8_t>().data());
}

void emit_pool(EmitContext& ctx, const Graph& g, const Node& n) {
  const auto p = pool_setup(n, g.t(n.inputs[0]), &g.t(n.outputs[0]));
  const std::string id = ctx.layer_ident();
  if (g.t(n.inputs[0]).dtype == DType::F32) {
    const eg_pool_geom q = pool_f32_geom(p);
    auto three = [](const int32_t* x) { return "{" + v(x[0]) + ", " + v(x[1]) + ", " + v(x[2]) + "}"; };
    ctx.use("eg_pool");
    ctx.decl("static const eg_pool_geom " + id + " = {" + v(q.batch) + ", " + v(q.channels) + ", " + v(q.nsp) + ", " +
             three(q.in_sp) + ", " + three(q.out_sp) + ", " + three(q.kernel) + ", " + three(q.stride) + ", " +
             three(q.dil) + ", " + three(q.pad) + ", 1, " + v(q.in_sp_stride) + ", 1, " + v(q.out_sp_stride) +
             ", 0, {0, 0, 0}, 0.0f};");
    const std::string x = ctx.ptr(n.inputs[0]), y = ctx.ptr(n.outputs[0]);
    ctx.emit(n.op == "MAX_POOL_2D" ? "eg_maxpool_f32(&" + id + ", " + x + ", " + y + ", 0, 0);"
                                   : "eg_avgpool_f32(&" + id + ", " + x + ", " + y + ");");
    if (n.attr_int("activation", 0) != 0) {
      const auto [lo, hi] = tfl::act_range_f32_finite(n);
      ctx.use("eg_eltwise");
      ctx.emit("eg_clamp_f32(" + y + ", " + y + ", " + v(g.t(n.outputs[0]).elements()) + ", " + EmitContext::float_lit(lo) +
               ", " + EmitContext::float_lit(hi) + ");");
    }
    return;
  }
  ctx.use("eg_pool");
  ctx.decl("static const eg_pool2d_s8_tfl_params " + id + " = {" + v(p.batch) + ", " + v(p.in_h) + ", " + v(p.in_w) +
           ", " + v(p.channels) + ", " + v(p.out_h) + ", " + v(p.out_w) + ", " + v(p.k_h) + ", " + v(p.k_w) + ", " +
           v(p.stride_h) + ", " + v(p.stride_w) + ", " + v(p.pad_top) + ", " + v(p.pad_left) + ", " + v(p.act_min) +
           ", " + v(p.act_max) + "};");
  ctx.emit(std::string(n.op == "MAX_POOL_2D" ? "eg_maxpool_s8_tfl" : "eg_avgpool_s8_tfl") + "(&" + id + ", " +
           ctx.ptr(n.inputs[0]) + ", " + ctx.ptr(n.outputs[0]) + ");");
}

int64_t macc_pool(const Graph& g, const Node& n) {
  return g.t(n.outputs[0]).elements() * n.attr_int("filter_h", 1) * n.attr_int("filter_w", 1);
}

// ---- ADD / SUB ------------------------------------------------------------------------------------

void infer_addsub(Graph& g, const Node& n) {
  const Tensor& a = in_t(g, n, 0);
  const Tensor& b = in_t(g, n, 1);
  const auto bc = broadcast4(a.shape, b.shape);
  if (!bc) bad(g, n, "shapes " + shape_str(a.shape) + " and " + shape_str(b.shape) + " do not broadcast (4-D at most)");
  if (auto why = tfl::activation_problem(n); !why.empty()) bad(g, n, why);
  set_checked(g, n, a.dtype, bc->out);
}

std::string check_addsub(const Graph& g, const Node& n) {
  if (g.t(n.inputs[0]).dtype == DType::F32) return tfl::float_binary_problem(g, n);
  return s8_in_out_problem(g, n);
}

// TFLite Micro's int8 ADD/SUB parameters: left shift 20, inputs rescaled to twice the larger input scale.
eg_addsub_s8_tfl_params addsub_setup(const Node& n, const Tensor& a, const Tensor& b, const Tensor& y) {
  eg_addsub_s8_tfl_params p{};
  const Broadcast bc = *broadcast4(a.shape, b.shape);
  for (int i = 0; i < 4; ++i) {
    p.dims[i] = bc.dims[i];
    p.a_strides[i] = bc.a_strides[i];
    p.b_strides[i] = bc.b_strides[i];
  }
  p.left_shift = 20;
  const double sa = a.quant->scale[0], sb = b.quant->scale[0], sy = y.quant->scale[0];
  const double twice_max = 2 * std::max(sa, sb);
  const auto ma = tfl::multiplier(sa / twice_max), mb = tfl::multiplier(sb / twice_max),
             my = tfl::multiplier(twice_max / ((1 << p.left_shift) * sy));
  p.a_offset = -a.quant->zero_point[0];
  p.b_offset = -b.quant->zero_point[0];
  p.out_offset = y.quant->zero_point[0];
  p.a_mult = ma.mult;
  p.a_shift = ma.shift;
  p.b_mult = mb.mult;
  p.b_shift = mb.shift;
  p.out_mult = my.mult;
  p.out_shift = my.shift;
  std::tie(p.act_min, p.act_max) = tfl::act_range_s8(n, y);
  p.subtract = n.op == "SUB";
  return p;
}

void ref_addsub(const Node& n, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  if (in[0]->dtype == DType::F32) return tfl::float_binary_ref(n, in, out);
  const auto p = addsub_setup(n, *in[0], *in[1], *out[0]);
  eg_addsub_s8_tfl(&p, in[0]->values<int8_t>().data(), in[1]->values<int8_t>().data(),
                   out[0]->mutable_values<int8_t>().data());
}

void emit_addsub(EmitContext& ctx, const Graph& g, const Node& n) {
  if (g.t(n.inputs[0]).dtype == DType::F32) return tfl::float_binary_emit(ctx, g, n);
  const auto p = addsub_setup(n, g.t(n.inputs[0]), g.t(n.inputs[1]), g.t(n.outputs[0]));
  // As ONNX's Add/Sub (elementwise.cpp): under policy add_sub_tables, the whole requantization folded
  // into one int32 table per operand when tables that give TFLite's result for all 65536 input pairs
  // exist (qadd_fold.c checks every pair), run by the same table kernel (~8 cycles per element on the
  // Cortex-M4 instead of ~150). Not for small tensors, where the tables would outweigh the time saved.
  if (policy(g.optimization).add_sub_tables && g.t(n.outputs[0]).elements() >= 128) {
    std::vector<int32_t> tab(512);
    eg_qbinary_s8_params q{};
    auto work = std::make_unique<eg_qadd_fold_work>();
    q.tab_shift = eg_qaddsub_tfl_fold(&p, &q, tab.data(), work.get());
    if (q.tab_shift > 0) return emit_qbinary_call(ctx, g, n, q, tab, ctx.ptr(n.inputs[0]), ctx.ptr(n.inputs[1]));
  }
  const std::string id = ctx.layer_ident();
  auto four = [](const int32_t* x) { return "{" + v(x[0]) + ", " + v(x[1]) + ", " + v(x[2]) + ", " + v(x[3]) + "}"; };
  ctx.use("eg_eltwise_bin");
  ctx.decl("static const eg_addsub_s8_tfl_params " + id + " = {" + four(p.dims) + ", " + four(p.a_strides) + ", " +
           four(p.b_strides) + ",\n    " + v(p.a_offset) + ", " + v(p.b_offset) + ", " + v(p.out_offset) + ", " +
           v(p.left_shift) + ", " + v(p.a_mult) + ", " + v(p.a_shift) + ", " + v(p.b_mult) + ", " + v(p.b_shift) +
           ", " + v(p.out_mult) + ", " + v(p.out_shift) + ", " + v(p.act_min) + ", " + v(p.act_max) + ", " +
           v(p.subtract) + "};");
  ctx.emit("eg_addsub_s8_tfl(&" + id + ", " + ctx.ptr(n.inputs[0]) + ", " + ctx.ptr(n.inputs[1]) + ", " +
           ctx.ptr(n.outputs[0]) + ");");
}

int64_t macc_elements(const Graph& g, const Node& n) { return g.t(n.outputs[0]).elements(); }

// ---- SOFTMAX ---------------------------------------------------------------------------------------

// PreprocessSoftmaxScaling with 5 integer bits: beta * input_scale * 2^26 as a multiplier >= 1
// (mult, left shift) and the smallest difference to the row maximum that still counts.
struct SoftmaxSetup {
  int32_t outer = 0, depth = 0, mult = 0, left_shift = 0, diff_min = 0;
};
SoftmaxSetup softmax_setup(const Node& n, const Tensor& x) {
  SoftmaxSetup s;
  s.depth = static_cast<int32_t>(x.shape.back());
  s.outer = static_cast<int32_t>(x.elements() / std::max<int64_t>(1, s.depth));
  const double beta = n.attr_float("beta", 1.0f);
  const double real = std::min(beta * static_cast<double>(x.quant->scale[0]) * static_cast<double>(1 << 26),
                               static_cast<double>((int64_t{1} << 31) - 1));
  const auto f = tfl::multiplier(real);
  s.mult = f.mult;
  s.left_shift = f.shift;
  const double radius = 31.0 * static_cast<double>(int64_t{1} << 26) / static_cast<double>(int64_t{1} << s.left_shift);
  s.diff_min = -static_cast<int32_t>(std::floor(radius));
  return s;
}

void infer_softmax(Graph& g, const Node& n) {
  const Tensor& x = in_t(g, n, 0);
  if (x.shape.empty()) bad(g, n, "input must have rank >= 1");
  set_checked(g, n, x.dtype, x.shape);
}

std::string check_softmax(const Graph& g, const Node& n) {
  if (g.t(n.inputs[0]).dtype == DType::F32) {
    return g.t(n.outputs[0]).dtype == DType::F32 ? "" : "input and output differ in type";
  }
  if (auto why = s8_in_out_problem(g, n); !why.empty()) return why;
  const Tensor& y = g.t(n.outputs[0]);
  if (y.quant->zero_point[0] != -128 || y.quant->scale[0] != 1.0f / 256.0f)
    return "int8 softmax output must have scale 1/256 and zero point -128";
  const auto s = softmax_setup(n, g.t(n.inputs[0]));
  if (s.mult <= 0 || s.left_shift < 0 || s.left_shift > 30) return "beta x input scale is out of the kernel's range";
  return "";
}

void ref_softmax(const Node& n, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  if (in[0]->dtype == DType::F32) {
    const auto depth = static_cast<int32_t>(in[0]->shape.back());
    return eg_softmax_f32_beta(in[0]->values<float>().data(), out[0]->mutable_values<float>().data(),
                               static_cast<int32_t>(in[0]->elements() / std::max(1, depth)), depth,
                               n.attr_float("beta", 1.0f));
  }
  const auto s = softmax_setup(n, *in[0]);
  eg_softmax_s8_tfl(in[0]->values<int8_t>().data(), out[0]->mutable_values<int8_t>().data(), s.outer, s.depth,
                    s.mult, s.left_shift, s.diff_min);
}

void emit_softmax(EmitContext& ctx, const Graph& g, const Node& n) {
  if (g.t(n.inputs[0]).dtype == DType::F32) {
    const Tensor& x = g.t(n.inputs[0]);
    const int64_t depth = x.shape.back();
    ctx.use("eg_softmax");
    ctx.emit("eg_softmax_f32_beta(" + ctx.ptr(n.inputs[0]) + ", " + ctx.ptr(n.outputs[0]) + ", " +
             v(x.elements() / std::max<int64_t>(1, depth)) + ", " + v(depth) + ", " +
             EmitContext::float_lit(n.attr_float("beta", 1.0f)) + ");");
    return;
  }
  const auto s = softmax_setup(n, g.t(n.inputs[0]));
  ctx.use("eg_softmax");
  ctx.emit("eg_softmax_s8_tfl(" + ctx.ptr(n.inputs[0]) + ", " + ctx.ptr(n.outputs[0]) + ", " + v(s.outer) + ", " +
           v(s.depth) + ", " + v(s.mult) + ", " + v(s.left_shift) + ", " + v(s.diff_min) + ");");
}

// ---- RESHAPE -----------------------------------------------------------------------------------------

void infer_reshape(Graph& g, const Node& n) {
  const Tensor& x = in_t(g, n, 0);
  const Tensor& y = g.t(n.outputs[0]);
  if (y.shape.empty() && x.elements() != 1) bad(g, n, "the output tensor states no shape");
  if (num_elements(y.shape) != x.elements())
    bad(g, n, "output shape " + shape_str(y.shape) + " does not hold the input's " + v(x.elements()) + " elements");
  set_out(g, n, 0, x.dtype, y.shape);
}

void ref_reshape(const Node&, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  out[0]->data = in[0]->data;
}

}  // namespace

void register_tflite_misc() {
  for (const char* name : {"AVERAGE_POOL_2D", "MAX_POOL_2D"}) {
    register_op(make_op(name, "TFLite: NHWC, SAME/VALID, fused activations; equal input/output quantization",
                        tfl::kOpDtypes, {infer_pool, ref_pool, check_pool, emit_pool, macc_pool},
                        std::string(name) == "MAX_POOL_2D" ? "Pool (max)" : "Pool (avg)"));
  }
  for (const char* name : {"ADD", "SUB"}) {
    register_op(make_op(name, "TFLite: broadcast up to 4-D, fused activations, TFLite's left-shift-20 rescaling",
                        tfl::kOpDtypes, {infer_addsub, ref_addsub, check_addsub, emit_addsub, macc_elements},
                        "Eltwise"));
  }
  register_op(make_op("SOFTMAX", "TFLite: last axis, int8 output scale 1/256 zero point -128, any beta", tfl::kOpDtypes,
                      {infer_softmax, ref_softmax, check_softmax, emit_softmax, macc_elements}, "Softmax"));
  const auto emit_view = [](EmitContext& ctx, const Graph& g, const Node& n) { find_op("Reshape")->emit(ctx, g, n); };
  register_op(make_op("RESHAPE", "TFLite: the output tensor's shape; a view, no copy", tfl::kOpDtypes,
                      {infer_reshape, ref_reshape, any_config, emit_view, macc_none}, "Reshape"));
}

}  // namespace eg::ops
