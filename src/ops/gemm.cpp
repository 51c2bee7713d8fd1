// Gemm and MatMul: ONNX semantics, and their lowering to the fully connected
// kernels when the right-hand side is constant (weights).
#include <limits>

#include "ops/codebook.h"
#include "ops/ort_chain.h"
#include "ops/emit_context.h"
#include "ops/common.h"
#include "ops/quant_math.h"
#include "ops/registry.h"

namespace eg::ops {
namespace {

void infer_gemm(Graph& g, const Node& n) {
  const Tensor& a = in_t(g, n, 0);
  const Tensor& b = in_t(g, n, 1);
  if (a.shape.size() != 2 || b.shape.size() != 2) bad(g, n, "Gemm inputs must be 2-D");
  const bool ta = n.attr_int("transA", 0), tb = n.attr_int("transB", 0);
  const int64_t M = ta ? a.shape[1] : a.shape[0], K = ta ? a.shape[0] : a.shape[1];
  const int64_t K2 = tb ? b.shape[1] : b.shape[0], N = tb ? b.shape[0] : b.shape[1];
  if (K != K2) bad(g, n, "inner dimensions differ: " + shape_str(a.shape) + " x " + shape_str(b.shape));
  if (has_in(n, 2)) broadcast_shapes(g, n, in_t(g, n, 2).shape, {M, N});
  set_out(g, n, 0, a.dtype, {M, N});
}

void ref_gemm(const Node& n, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  const Tensor& a = *in[0];
  const Tensor& b = *in[1];
  const Tensor* c = in.size() > 2 ? in[2] : nullptr;
  Tensor& y = *out[0];
  const bool ta = n.attr_int("transA", 0), tb = n.attr_int("transB", 0);
  const double alpha = n.attr_float("alpha", 1.0f), beta = n.attr_float("beta", 1.0f);
  const int64_t M = y.shape[0], N = y.shape[1], K = ta ? a.shape[0] : a.shape[1];
  std::vector<int64_t> cmap;
  if (c) cmap = broadcast_index_map(c->shape, y.shape);
  for (int64_t i = 0; i < M; ++i)
    for (int64_t j = 0; j < N; ++j) {
      double acc = 0;
      for (int64_t k = 0; k < K; ++k) {
        double av = get_as_double(a, static_cast<size_t>(ta ? k * M + i : i * K + k));
        double bv = get_as_double(b, static_cast<size_t>(tb ? j * K + k : k * N + j));
        acc += av * bv;
      }
      acc *= alpha;
      if (c) acc += beta * get_as_double(*c, static_cast<size_t>(cmap[static_cast<size_t>(i * N + j)]));
      set_from_double(y, static_cast<size_t>(i * N + j), acc);
    }
}

void infer_matmul(Graph& g, const Node& n) {
  Shape a = in_t(g, n, 0).shape, b = in_t(g, n, 1).shape;
  const bool a1 = a.size() == 1, b1 = b.size() == 1;
  if (a1) a.insert(a.begin(), 1);
  if (b1) b.push_back(1);
  if (a.back() != b[b.size() - 2]) bad(g, n, "inner dimensions differ");
  Shape batch = broadcast_shapes(g, n, Shape(a.begin(), a.end() - 2), Shape(b.begin(), b.end() - 2));
  Shape out = batch;
  if (!a1) out.push_back(a[a.size() - 2]);
  if (!b1) out.push_back(b.back());
  set_out(g, n, 0, in_t(g, n, 0).dtype, out);
}

void ref_matmul(const Node&, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  Shape a = in[0]->shape, b = in[1]->shape;
  if (a.size() == 1) a.insert(a.begin(), 1);
  if (b.size() == 1) b.push_back(1);
  const int64_t M = a[a.size() - 2], K = a.back(), N = b.back();
  Shape ab(a.begin(), a.end() - 2), bb(b.begin(), b.end() - 2);
  Shape batch = ab.size() >= bb.size() ? ab : bb;
  {
    Graph dg;
    Node dn;
    batch = broadcast_shapes(dg, dn, ab, bb);
  }
  auto amap = broadcast_index_map(ab, batch), bmap = broadcast_index_map(bb, batch);
  const int64_t nb = num_elements(batch);
  Tensor& y = *out[0];
  for (int64_t p = 0; p < nb; ++p) {
    const int64_t ao = amap[static_cast<size_t>(p)] * M * K, bo = bmap[static_cast<size_t>(p)] * K * N;
    for (int64_t i = 0; i < M; ++i)
      for (int64_t j = 0; j < N; ++j) {
        double acc = 0;
        for (int64_t k = 0; k < K; ++k)
          acc += get_as_double(*in[0], static_cast<size_t>(ao + i * K + k)) *
                 get_as_double(*in[1], static_cast<size_t>(bo + k * N + j));
        set_from_double(y, static_cast<size_t>((p * M + i) * N + j), acc);
      }
  }
}

// The fully connected view of a Gemm/MatMul node: weights [N][K], bias [N].
struct FcView {
  int64_t batch = 0, in = 0, out = 0;
  Tensor weights;  // [out][in], dtype of B
  std::optional<Tensor> bias;
};

std::string fc_unsupported(const Graph& g, const Node& n) {
  const Tensor& b = g.t(n.inputs[1]);
  if (!b.is_const) return "right-hand side must be constant (weights)";
  if (n.op == "Gemm") {
    if (n.attr_int("transA", 0)) return "transA=1 is not supported";
    if (has_in(n, 2)) {
      const Tensor& c = g.t(n.inputs[2]);
      if (!c.is_const) return "bias must be constant";
      if (c.elements() != 1 && c.elements() != g.t(n.outputs[0]).shape[1]) return "bias must be per output column";
    }
  } else if (b.shape.size() != 2) {
    return "MatMul with a constant right-hand side of rank 2 only";
  }
  const Tensor& a = g.t(n.inputs[0]);
  if (a.dtype == DType::I8) {
    if (!b.quant || !a.quant || !g.t(n.outputs[0]).quant) return "int8 without quantization parameters";
    for (int32_t z : b.quant->zero_point)
      if (z != 0) return "int8 weights must be symmetric (zero point 0)";
    if (n.op == "Gemm" && n.attr_float("alpha", 1.0f) != 1.0f) return "int8 Gemm with alpha != 1";
  } else if (a.dtype != DType::F32) {
    return "dtype " + std::string(dtype_name(a.dtype)) + " is not supported";
  }
  return "";
}

FcView fc_view(const Graph& g, const Node& n) {
  const Tensor& a = g.t(n.inputs[0]);
  const Tensor& b = g.t(n.inputs[1]);
  const Tensor& y = g.t(n.outputs[0]);
  FcView v;
  const bool tb = n.op == "Gemm" && n.attr_int("transB", 0);
  const int64_t K = tb ? b.shape[1] : b.shape[0], N = tb ? b.shape[0] : b.shape[1];
  v.in = K;
  v.out = N;
  v.batch = a.elements() / K;
  v.weights = b;
  v.weights.shape = {N, K};
  const size_t es = dtype_size(b.dtype);
  if (!tb)
    for (int64_t j = 0; j < N; ++j)
      for (int64_t k = 0; k < K; ++k)
        std::memcpy(&v.weights.data[static_cast<size_t>(j * K + k) * es], &b.data[static_cast<size_t>(k * N + j) * es], es);
  const float alpha = n.op == "Gemm" ? n.attr_float("alpha", 1.0f) : 1.0f;
  if (alpha != 1.0f && b.dtype == DType::F32)
    for (float& w : v.weights.mutable_values<float>()) w *= alpha;
  if (n.op == "Gemm" && has_in(n, 2)) {
    const Tensor& c = g.t(n.inputs[2]);
    const float beta = n.attr_float("beta", 1.0f);
    Tensor bias = c;
    bias.shape = {N};
    bias.data.resize(static_cast<size_t>(N) * dtype_size(c.dtype));
    for (int64_t j = 0; j < N; ++j) {
      double v0 = get_as_double(c, c.elements() == 1 ? 0 : static_cast<size_t>(j));
      set_from_double(bias, static_cast<size_t>(j), c.dtype == DType::F32 ? v0 * beta : v0);
    }
    v.bias = bias;
  }
  (void)y;
  return v;
}

// Float: eg_fc_f32_w8 with the weights in its W8 layout (rows in groups of 8 interleaved per
// input, the last out % 8 rows [out][in]; same size) when there are 8 rows or more, else the
// reference eg_fc_f32 on [out][in]. Same results either way.
// Codebook weights (attribute codebook_bits, passes/weight_sharing): eg_fc_f32_lut on [out][in]
// indices, the same results as eg_fc_f32 on the codebook's values.
void emit_fc_f32(EmitContext& ctx, const Graph& g, const Node& n, const FcView& v) {
  const std::string id = ctx.layer_ident();
  const std::string wname = g.t(n.inputs[1]).name;
  const float act_lo = n.attr_float("act_min", -std::numeric_limits<float>::infinity());
  const float act_hi = n.attr_float("act_max", std::numeric_limits<float>::infinity());
  const int bits = static_cast<int>(n.attr_int("codebook_bits", 0));
  const bool w8 = v.out >= 8 && !bits;
  const int64_t K = v.in, N = v.out;
  std::string bias = "0";
  if (v.bias) {
    const std::string bname = g.t(n.inputs[2]).name;
    bias = ctx.add_array(ctx.tensor_symbol(bname), *v.bias, bname);
  }
  auto s = [](int64_t x) { return std::to_string(x); };
  const std::string head = s(v.batch) + ", " + s(v.in) + ", " + s(v.out) + ", " + EmitContext::float_lit(act_lo) +
                           ", " + EmitContext::float_lit(act_hi) + ",\n    ";
  const std::string args = "(&" + id + ", " + ctx.ptr(n.inputs[0]) + ", " + ctx.ptr(n.outputs[0]) + ");";
  if (bits) {
    const CodebookSymbols cb = add_codebook_arrays(ctx, v.weights.as_float(), bits, wname);
    ctx.use("eg_fc_f32_lut");
    ctx.decl("static const eg_fc_f32_lut_params " + id + " = {" + head + cb.index + ", " + cb.codebook + ", " + bias +
             ", " + s(bits) + "};");
    ctx.emit("eg_fc_f32_lut" + args);
    return;
  }
  const std::vector<float> t = fc_f32_w8(v.weights.as_float(), K, N);  // from [out][in]
  const std::string w = ctx.add_array(ctx.tensor_symbol(wname) + (w8 ? "_w8" : ""),
                                      make_const(wname, DType::F32, {N, K}, t), wname);
  ctx.use("eg_fc_f32");
  ctx.decl("static const eg_fc_f32_params " + id + " = {" + head + w + ", " + bias + "};");
  ctx.emit(std::string(w8 ? "eg_fc_f32_w8" : "eg_fc_f32") + args);
}

void emit_fc(EmitContext& ctx, const Graph& g, const Node& n) {
  const Tensor& a = g.t(n.inputs[0]);
  const Tensor& y = g.t(n.outputs[0]);
  FcView v = fc_view(g, n);
  if (a.dtype != DType::I8) {
    emit_fc_f32(ctx, g, n, v);
    return;
  }
  const std::string id = ctx.layer_ident();
  const std::string wname = g.t(n.inputs[1]).name;
  const float act_lo = n.attr_float("act_min", -std::numeric_limits<float>::infinity());
  const float act_hi = n.attr_float("act_max", std::numeric_limits<float>::infinity());
  // policy fc_i4_weights (--optimization time), int8 on the DSP path (every channel's requantization fast): the weights in
  // the kernel's EG_FC_W_I4 order (4 rows interleaved per 4 inputs) instead of [out][in], same size.
  // fast: every channel's requantization takes the DSP path's exact shortcut (eg_requant_fast_ok).
  // a layer of a few dozen MACs gains nothing from the DSP path but its code size (~0.7 KB)
  bool fast = a.dtype == DType::I8 && v.in * v.out >= 64;
  if (fast) {
    const auto& wq0 = *g.t(n.inputs[1]).quant;
    for (int64_t c = 0; c < v.out && fast; ++c) {
      const float ws = wq0.scale.size() > 1 ? wq0.scale[static_cast<size_t>(c)] : wq0.scale[0];
      auto f = to_fixed(static_cast<double>(a.quant->scale[0]) * ws / y.quant->scale[0]);
      fast = f.mult >= 0 && f.shift <= -1 && f.shift >= -31;
    }
  }
  const bool i4 = fast && policy(g.optimization).fc_i4_weights && v.out >= 4 && v.in >= 16;
  Tensor wdata = v.weights;
  if (i4) wdata = fc_weights_i4(v.weights, v.in, v.out);
  std::string w = ctx.add_array(ctx.tensor_symbol(wname) + (i4 ? "_i4" : ""), wdata, wname);
  std::string bias = "0";
  if (v.bias) {
    const std::string bname = g.t(n.inputs[2]).name;
    bias = ctx.add_array(ctx.tensor_symbol(bname), *v.bias, bname);
  }
  auto s = [](int64_t x) { return std::to_string(x); };
  ctx.use("eg_fc");
  if (a.dtype == DType::I8) {
    const auto& wq = *g.t(n.inputs[1]).quant;
    std::vector<int32_t> mult;
    std::vector<int8_t> shift;
    for (int64_t c = 0; c < v.out; ++c) {
      const float ws = wq.scale.size() > 1 ? wq.scale[static_cast<size_t>(c)] : wq.scale[0];
      auto f = to_fixed(static_cast<double>(a.quant->scale[0]) * ws / y.quant->scale[0]);
      mult.push_back(f.mult);
      shift.push_back(static_cast<int8_t>(f.shift));
    }
    std::string m = ctx.add_array(id + "_mult", make_const("m", DType::I32, {v.out}, mult), n.name, true);
    std::string sh = ctx.add_array(id + "_shift", make_const("s", DType::I8, {v.out}, shift), n.name, true);
    auto [lo, hi] = quantized_act_range(act_lo, act_hi, y.quant->scale[0], y.quant->zero_point[0]);
    // bias - in_zp * sum(w): the input zero point folded into the bias (the DSP path's bias_zp).
    const auto bzp = bias_minus_zero_point(v.bias ? &*v.bias : nullptr, v.weights, v.out, v.in, a.quant->zero_point[0]);
    std::string bz = ctx.add_array(id + "_bias_zp", make_const("b", DType::I32, {v.out}, bzp), n.name, true);
    ctx.decl("static const eg_fc_s8_params " + id + " = {" + s(v.batch) + ", " + s(v.in) + ", " + s(v.out) +
             ", " + s(a.quant->zero_point[0]) + ", " + s(y.quant->zero_point[0]) + ", " + s(lo) + ", " +
             s(hi) + ",\n    (const int8_t*)" + w + ", (const int32_t*)" +
             (bias == "0" ? std::string("0") : bias) + ", " + m + ", " + sh + ", " + bz + (i4 ? ", EG_FC_W_I4" : ", 0 /* [out][in] */") +
             ",\n    " + emit_ort_chain(ctx, g, n, id, v.out, y.quant->scale[0],
                                     fast ? EG_CONV_S8_PATH_POINTWISE_FC : EG_CONV_S8_PATH_REF) + "};");
    // the path eg_fc_s8 would take, called directly (the linker drops the others)
    ctx.emit(std::string(i4 ? "eg_fc_s8_i4" : fast ? "eg_fc_s8_fast" : "eg_fc_s8_small") + "(&" + id + ", " + ctx.ptr(n.inputs[0]) + ", " + ctx.ptr(n.outputs[0]) + ");");
    return;
  }
  throw CompileError("internal: float fully connected layer on the int8 path");
}

// General float path (right-hand side not constant weights, transA, batched or
// broadcast MatMul, any C): eg_matmul_f32 with strides for transposes and broadcasting.
bool all_float(const Graph& g, const Node& n) {
  for (TensorId id : n.inputs)
    if (id != kNoTensor && g.t(id).dtype != DType::F32) return false;
  return true;
}

std::string check_gemm(const Graph& g, const Node& n) {
  std::string why = fc_unsupported(g, n);
  if (why.empty() || all_float(g, n)) return "";
  return why;
}

void emit_gemm(EmitContext& ctx, const Graph& g, const Node& n) {
  if (fc_unsupported(g, n).empty()) {
    emit_fc(ctx, g, n);
    return;
  }
  auto s = [](int64_t x) { return std::to_string(x); };
  Shape a = g.t(n.inputs[0]).shape, b = g.t(n.inputs[1]).shape;
  int64_t M, N, K, a_rs, a_cs, b_rs, b_cs, c_rs = 0, c_cs = 0;
  Shape batch;
  std::vector<int64_t> abs, bbs, cbs;
  float alpha = 1.0f, beta = 0.0f;
  bool has_c = false;
  if (n.op == "Gemm") {
    const bool ta = n.attr_int("transA", 0), tb = n.attr_int("transB", 0);
    M = ta ? a[1] : a[0];
    K = ta ? a[0] : a[1];
    N = tb ? b[0] : b[1];
    a_rs = ta ? 1 : K;
    a_cs = ta ? M : 1;
    b_rs = tb ? 1 : N;
    b_cs = tb ? K : 1;
    alpha = n.attr_float("alpha", 1.0f);
    if (has_in(n, 2)) {
      has_c = true;
      beta = n.attr_float("beta", 1.0f);
      Shape c = g.t(n.inputs[2]).shape;
      while (c.size() < 2) c.insert(c.begin(), 1);
      c_rs = c[0] == 1 ? 0 : c[1];
      c_cs = c[1] == 1 ? 0 : 1;
    }
  } else {
    if (a.size() == 1) a.insert(a.begin(), 1);
    if (b.size() == 1) b.push_back(1);
    M = a[a.size() - 2];
    K = a.back();
    N = b.back();
    a_rs = K;
    a_cs = 1;
    b_rs = N;
    b_cs = 1;
    Shape ab(a.begin(), a.end() - 2), bb(b.begin(), b.end() - 2);
    batch = broadcast_shapes(g, n, ab, bb);
    auto bstrides = [&](const Shape& own, int64_t mat) {
      std::vector<int64_t> st(batch.size(), 0);
      int64_t acc = mat;
      for (size_t i = own.size(); i-- > 0;) {
        const size_t d = batch.size() - own.size() + i;
        st[d] = own[i] == 1 ? 0 : acc;
        acc *= own[i];
      }
      return st;
    };
    abs = bstrides(ab, M * K);
    bbs = bstrides(bb, K * N);
  }
  if (batch.size() > 6) bad(g, n, "more than 6 batch axes");
  cbs.assign(batch.size(), 0);
  auto lit = [](const std::vector<int64_t>& v) { return v.empty() ? std::string("{0}") : EmitContext::ints_lit(v); };
  const std::string id = ctx.layer_ident();
  ctx.use("eg_matmul");
  ctx.decl("static const eg_matmul_f32_params " + id + " = {" + s(M) + ", " + s(N) + ", " + s(K) + ", " +
           s(static_cast<int64_t>(batch.size())) + ", " + lit(batch) + ", " + lit(abs) + ", " + lit(bbs) + ", " +
           lit(cbs) + ",\n    " + s(a_rs) + ", " + s(a_cs) + ", " + s(b_rs) + ", " + s(b_cs) + ", " +
           s(c_rs) + ", " + s(c_cs) + ", " + EmitContext::float_lit(alpha) + ", " + EmitContext::float_lit(beta) + ", " +
           EmitContext::float_lit(n.attr_float("act_min", -std::numeric_limits<float>::infinity())) + ", " +
           EmitContext::float_lit(n.attr_float("act_max", std::numeric_limits<float>::infinity())) + "};");
  ctx.emit("eg_matmul_f32(&" + id + ", " + ctx.ptr(n.inputs[0]) + ", " + ctx.ptr(n.inputs[1]) + ", " +
           (has_c ? ctx.ptr(n.inputs[2]) : std::string("0")) + ", " + ctx.ptr(n.outputs[0]) + ");");
}

int64_t macc_fc(const Graph& g, const Node& n) {
  const Tensor& y = g.t(n.outputs[0]);
  const Tensor& a = g.t(n.inputs[0]);
  const int64_t K = n.op == "Gemm" && n.attr_int("transA", 0) ? a.shape[0] : a.shape.back();
  const int64_t N = y.shape.empty() ? 1 : y.shape.back();
  return y.elements() * K + (n.op == "Gemm" && has_in(n, 2) ? N : 0);
}

// The float fully connected kernel (constant float32 weights) has a codebook form.
bool fc_codebook_weights(const Graph& g, const Node& n) {
  return g.t(n.inputs[0]).dtype == DType::F32 && g.t(n.inputs[1]).dtype == DType::F32 && fc_unsupported(g, n).empty();
}

}  // namespace

void register_gemm() {
  OpDef gemm = make_op("Gemm",
                       "int8: B constant (weights), transA = 0, C constant per column or scalar; float32: any "
                       "(constant B lowers to the fully connected kernel, otherwise a general matrix product)",
                       {"float32", "int8 (QDQ)"}, {infer_gemm, ref_gemm, check_gemm, emit_gemm, macc_fc}, "Dense",
                       QdqRole::Compute);
  gemm.codebook_weights = fc_codebook_weights;
  register_op(gemm);
  OpDef matmul = make_op("MatMul", "int8: right-hand side constant 2-D (weights); float32: any (batched, broadcast, 1-D)",
                         {"float32", "int8 (QDQ)"}, {infer_matmul, ref_matmul, check_gemm, emit_gemm, macc_fc}, "Dense",
                         QdqRole::Compute);
  matmul.codebook_weights = fc_codebook_weights;
  register_op(matmul);
}

}  // namespace eg::ops
