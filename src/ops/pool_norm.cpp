// Pooling, reductions, the Softmax family and normalizations (LSTM and RNN
// live in rnn.cpp beside GRU).
//  - Pools run channels-last after the layout pass (layout="NHWC", input
//    [N,H,W,C] or [N,W,C]); 3-D pools and nodes the layout pass leaves alone
//    run NCHW through the same kernel (it takes channel/spatial strides).
//    int8: MaxPool/GlobalMaxPool move values (equal in/out parameters),
//    AveragePool/GlobalAveragePool requantize (rounding average).
//  - Softmax/LogSoftmax/Hardmax: opset >= 13 one axis, before that the input
//    coerced to 2-D at `axis`.
//  - Reduce*: axes from the attribute or the second input (per opset),
//    keepdims, noop_with_empty_axes; ArgMax/ArgMin; TopK with constant k.
//  - BatchNormalization (inference, folded to a per-channel scale+shift),
//    InstanceNormalization, LayerNormalization, RMSNormalization,
//    LpNormalization, MeanVarianceNormalization.
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "ops/emit_context.h"
#include "ops/common.h"
#include "ops/quant_math.h"
#include "ops/registry.h"
#include "ops/window.h"

namespace eg::ops {
namespace {

std::string s(int64_t v) { return std::to_string(v); }
std::string f(float v) { return EmitContext::float_lit(v); }
bool is_nhwc(const Node& n) { return n.attr_string("layout", "NCHW") == "NHWC"; }
std::string ok() { return std::string(); }

// ---------------------------------------------------------------- pools

bool is_global(const Node& n) { return n.op == "GlobalAveragePool" || n.op == "GlobalMaxPool"; }

// Geometry in 3 spatial slots (leading unused slots are 1).
struct PoolGeo {
  int64_t N = 1, C = 1;
  size_t nsp = 0;
  int64_t in[3] = {1, 1, 1}, out[3] = {1, 1, 1}, k[3] = {1, 1, 1}, st[3] = {1, 1, 1}, dil[3] = {1, 1, 1},
          pb[3] = {0, 0, 0}, pe[3] = {0, 0, 0};
  int64_t in_sp() const { return in[0] * in[1] * in[2]; }
  int64_t out_sp() const { return out[0] * out[1] * out[2]; }
};

PoolGeo pool_geo(const Graph& g, const Node& n, const Shape& nchw) {
  if (nchw.size() < 3 || nchw.size() > 5) bad(g, n, "input must have 1 to 3 spatial dimensions");
  PoolGeo p;
  p.N = nchw[0];
  p.C = nchw[1];
  std::vector<int64_t> spatial(nchw.begin() + 2, nchw.end());
  p.nsp = spatial.size();
  Window w;
  if (is_global(n)) {
    w.kernel = spatial;
    w.strides = w.dilations = std::vector<int64_t>(p.nsp, 1);
    w.pad_begin = w.pad_end = std::vector<int64_t>(p.nsp, 0);
    w.out = std::vector<int64_t>(p.nsp, 1);
  } else {
    auto kernel = n.attr_ints("kernel_shape");
    if (kernel.size() != p.nsp) bad(g, n, "kernel_shape does not match the input rank");
    w = window_geometry(g, n, spatial, kernel, n.attr_int("ceil_mode", 0) != 0);
  }
  const size_t off = 3 - p.nsp;
  for (size_t i = 0; i < p.nsp; ++i) {
    p.in[off + i] = spatial[i];
    p.out[off + i] = w.out[i];
    p.k[off + i] = w.kernel[i];
    p.st[off + i] = w.strides[i];
    p.dil[off + i] = w.dilations[i];
    p.pb[off + i] = w.pad_begin[i];
    p.pe[off + i] = w.pad_end[i];
  }
  return p;
}

void infer_pool(Graph& g, const Node& n) {
  const Tensor& x = in_t(g, n, 0);
  const PoolGeo p = pool_geo(g, n, x.shape);
  Shape out = {p.N, p.C};
  for (size_t i = 3 - p.nsp; i < 3; ++i) out.push_back(p.out[i]);
  set_out(g, n, 0, x.dtype, out);
  if (n.op == "MaxPool") set_out(g, n, 1, DType::I64, out);
}

void ref_pool(const Node& n, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  const Tensor& x = *in[0];
  Graph dummy;
  const PoolGeo p = pool_geo(dummy, n, x.shape);
  const bool mx = n.op == "MaxPool" || n.op == "GlobalMaxPool", lp = n.op == "LpPool";
  const bool incl = n.attr_int("count_include_pad", 0) != 0;
  const double pw = static_cast<double>(n.attr_int("p", 2));
  const int64_t storage = n.attr_int("storage_order", 0);
  Tensor* idx = out.size() > 1 ? out[1] : nullptr;
  const int64_t S = p.in_sp(), OS = p.out_sp();
  for (int64_t b = 0; b < p.N; ++b)
    for (int64_t c = 0; c < p.C; ++c)
      for (int64_t o = 0; o < OS; ++o) {
        const int64_t o0 = o / (p.out[1] * p.out[2]), o1 = (o / p.out[2]) % p.out[1], o2 = o % p.out[2];
        double acc = mx ? -std::numeric_limits<double>::infinity() : 0.0;
        int64_t best = -1, nv = 0, np = 0;
        for (int64_t k0 = 0; k0 < p.k[0]; ++k0)
          for (int64_t k1 = 0; k1 < p.k[1]; ++k1)
            for (int64_t k2 = 0; k2 < p.k[2]; ++k2) {
              const int64_t q[3] = {o0 * p.st[0] - p.pb[0] + k0 * p.dil[0], o1 * p.st[1] - p.pb[1] + k1 * p.dil[1],
                                    o2 * p.st[2] - p.pb[2] + k2 * p.dil[2]};
              bool inside = true, padded = true;
              for (int d = 0; d < 3; ++d) {
                inside = inside && q[d] >= 0 && q[d] < p.in[d];
                padded = padded && q[d] >= -p.pb[d] && q[d] < p.in[d] + p.pe[d];
              }
              if (padded) ++np;
              if (!inside) continue;
              ++nv;
              const int64_t sp = (q[0] * p.in[1] + q[1]) * p.in[2] + q[2];
              const double v = get_as_double(x, static_cast<size_t>((b * p.C + c) * S + sp));
              if (mx) {
                if (best < 0 || v > acc) {
                  acc = v;
                  best = sp;
                }
              } else if (lp) {
                acc += std::pow(std::fabs(v), pw);
              } else {
                acc += v;
              }
            }
        double r = acc;
        if (lp) r = std::pow(acc, 1.0 / pw);
        if (!mx && !lp) {
          const int64_t cnt = incl ? np : nv;
          r = cnt ? acc / static_cast<double>(cnt) : 0.0;
        }
        const size_t oi = static_cast<size_t>((b * p.C + c) * OS + o);
        set_from_double(*out[0], oi, r);
        if (idx) {
          int64_t pos = best < 0 ? 0 : best;
          if (storage == 1 && p.nsp == 2) pos = (pos % p.in[2]) * p.in[1] + pos / p.in[2];
          reinterpret_cast<int64_t*>(idx->data.data())[oi] = (b * p.C + c) * S + pos;
        }
      }
}

std::string check_pool(const Graph& g, const Node& n) {
  const Tensor& x = g.t(n.inputs[0]);
  const Tensor& y = g.t(n.outputs[0]);
  if (x.shape.size() < 3 || x.shape.size() > 5) return "only 1-D, 2-D and 3-D pooling is supported";
  const bool mx = n.op == "MaxPool" || n.op == "GlobalMaxPool";
  const bool avg = n.op == "AveragePool" || n.op == "GlobalAveragePool";
  if (n.outputs.size() > 1 && n.outputs[1] != kNoTensor) {
    if (x.dtype != DType::F32) return "MaxPool Indices output needs float input";
    if (n.attr_int("storage_order", 0) != 0 && x.shape.size() != 4) return "storage_order=1 only for 2-D pooling";
  }
  if (x.dtype == DType::F32) return ok();
  if (x.dtype == DType::U8 && mx) return ok();
  if (x.dtype == DType::I8 && mx) {
    if (x.quant && y.quant && !(*x.quant == *y.quant)) return "int8 max pooling needs equal input/output quantization";
    return ok();
  }
  if (x.dtype == DType::I8 && avg) {
    if (!x.quant || !y.quant || x.quant->per_channel() || y.quant->per_channel())
      return "int8 average pooling needs per-tensor quantization parameters";
    return ok();
  }
  return "dtype " + std::string(dtype_name(x.dtype)) + " is not supported for " + n.op;
}

void emit_pool(EmitContext& ctx, const Graph& g, const Node& n) {
  const Tensor& x = g.t(n.inputs[0]);
  const Tensor& y = g.t(n.outputs[0]);
  const bool nhwc = is_nhwc(n);
  Shape nchw = x.shape;
  if (nhwc) {
    nchw = {x.shape[0], x.shape.back()};
    nchw.insert(nchw.end(), x.shape.begin() + 1, x.shape.end() - 1);
  }
  const PoolGeo p = pool_geo(g, n, nchw);
  const std::string id = ctx.layer_ident();
  auto arr3 = [](const int64_t* v) { return "{" + s(v[0]) + ", " + s(v[1]) + ", " + s(v[2]) + "}"; };
  const int64_t in_cs = nhwc ? 1 : p.in_sp(), in_ss = nhwc ? p.C : 1;
  const int64_t out_cs = nhwc ? 1 : p.out_sp(), out_ss = nhwc ? p.C : 1;
  const std::string geo = "{" + s(p.N) + ", " + s(p.C) + ", " + s(static_cast<int64_t>(p.nsp)) + ", " + arr3(p.in) +
                          ", " + arr3(p.out) + ", " + arr3(p.k) + ", " + arr3(p.st) + ", " + arr3(p.dil) + ", " +
                          arr3(p.pb) + ",\n    " + s(in_cs) + ", " + s(in_ss) + ", " + s(out_cs) + ", " + s(out_ss) +
                          ", " + s(n.attr_int("count_include_pad", 0)) + ", " + arr3(p.pe) + ", " +
                          f(static_cast<float>(n.attr_int("p", 2))) + "}";
  ctx.use("eg_pool");
  const bool mx = n.op == "MaxPool" || n.op == "GlobalMaxPool";
  const std::string xi = ctx.ptr(n.inputs[0]), yo = ctx.ptr(n.outputs[0]);
  if (x.dtype == DType::I8 && !mx) {
    const float lo_f = n.attr_float("act_min", -std::numeric_limits<float>::infinity());
    const float hi_f = n.attr_float("act_max", std::numeric_limits<float>::infinity());
    auto [lo, hi] = quantized_act_range(lo_f, hi_f, y.quant->scale[0], y.quant->zero_point[0]);
    // ONNX's QDQ semantics (DequantizeLinear -> float AveragePool -> QuantizeLinear) as ONNX
    // Runtime computes them: an integer average is off by one step where the real average sits
    // on (or within float rounding of) a rounding tie.
    ctx.decl("static const eg_avgpool_s8_ort_params " + id + " = {" + geo + ",\n    " + f(x.quant->scale[0]) + ", " +
             f(y.quant->scale[0]) + ", " + s(x.quant->zero_point[0]) + ", " + s(y.quant->zero_point[0]) + ", " +
             s(lo) + ", " + s(hi) + "};");
    ctx.emit("eg_avgpool_s8_ort(&" + id + ", " + xi + ", " + yo + ");");
    return;
  }
  ctx.decl("static const eg_pool_geom " + id + " = " + geo + ";");
  if (mx) {
    if (x.dtype == DType::I8) {
      ctx.emit("eg_maxpool_s8(&" + id + ", " + xi + ", " + yo + ");");
    } else if (x.dtype == DType::U8) {
      ctx.emit("eg_maxpool_u8(&" + id + ", " + xi + ", " + yo + ");");
    } else {
      const bool has_idx = n.outputs.size() > 1 && n.outputs[1] != kNoTensor;
      ctx.emit("eg_maxpool_f32(&" + id + ", " + xi + ", " + yo + ", " + (has_idx ? ctx.ptr(n.outputs[1]) : "0") + ", " +
               s(n.attr_int("storage_order", 0)) + ");");
    }
  } else if (n.op == "LpPool") {
    ctx.emit("eg_lppool_f32(&" + id + ", " + xi + ", " + yo + ");");
  } else {
    ctx.emit("eg_avgpool_f32(&" + id + ", " + xi + ", " + yo + ");");
  }
}

int64_t macc_pool(const Graph& g, const Node& n) {
  const Tensor& x = g.t(n.inputs[0]);
  const Tensor& y = g.t(n.outputs[0]);
  if (is_global(n)) return x.elements();
  return y.elements() * num_elements(n.attr_ints("kernel_shape"));
}

void register_pools() {
  struct P {
    const char* op;
    const char* constraints;
    std::vector<std::string> dtypes;
    QdqRole role;
  };
  const std::vector<P> pools = {
      {"MaxPool", "1-D/2-D/3-D; pads, strides, dilations, ceil_mode, auto_pad, Indices (storage_order)",
       {"float32", "uint8", "int8 (QDQ, equal in/out parameters)"}, QdqRole::Movement},
      {"AveragePool", "1-D/2-D/3-D; pads, strides, dilations, ceil_mode, auto_pad, count_include_pad",
       {"float32", "int8 (QDQ, requantizing)"}, QdqRole::Requantize},
      {"GlobalMaxPool", "1-D/2-D/3-D", {"float32", "uint8", "int8 (QDQ, equal in/out parameters)"}, QdqRole::Movement},
      {"GlobalAveragePool", "1-D/2-D/3-D", {"float32", "int8 (QDQ, requantizing)"}, QdqRole::Requantize},
      {"LpPool", "1-D/2-D/3-D; p, pads, strides, dilations, ceil_mode, auto_pad", {"float32"}, QdqRole::FloatIsland},
  };
  for (const auto& pp : pools) {
    OpDef d = make_op(pp.op, pp.constraints, pp.dtypes, {infer_pool, ref_pool, check_pool, emit_pool, macc_pool},
                      "Pool", pp.role);
    d.channels_last = true;
    register_op(d);
  }
}

// ---------------------------------------------------------------- Softmax family

// Marks a node of an opset < 13 model: Softmax & co. then coerce the input to
// 2-D at `axis` (the reference function sees only the node).
void mark_old_softmax(Graph& g, const Node& n) {
  if (g.opset >= 13 || n.has_attr("_coerce_2d")) return;
  for (Node& m : g.nodes)
    if (&m == &n) m.attrs["_coerce_2d"] = int64_t{1};
}

struct AxisSplit {
  int64_t outer, n, inner;
};

AxisSplit softmax_split(const Graph* g, const Node& n, const Shape& sh) {
  const bool old = g ? g->opset < 13 : n.attr_int("_coerce_2d", 0) != 0;
  const int64_t r = static_cast<int64_t>(sh.size());
  int64_t axis = n.attr_int("axis", old ? 1 : -1);
  if (axis < 0) axis += r;
  if (r == 0) return {1, 1, 1};
  axis = std::clamp<int64_t>(axis, 0, r - 1);
  const size_t a = static_cast<size_t>(axis);
  if (old) return {prod(sh, 0, a), prod(sh, a, sh.size()), 1};
  return {prod(sh, 0, a), sh[a], prod(sh, a + 1, sh.size())};
}

void infer_softmax(Graph& g, const Node& n) {
  const Tensor& x = in_t(g, n, 0);
  if (!x.shape.empty()) norm_axis(g, n, n.attr_int("axis", g.opset < 13 ? 1 : -1), x.shape.size());
  mark_old_softmax(g, n);
  set_out(g, n, 0, x.dtype, x.shape);
}

int softmax_mode(const Node& n) { return n.op == "LogSoftmax" ? 1 : n.op == "Hardmax" ? 2 : 0; }

void ref_softmax(const Node& n, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  const Tensor& x = *in[0];
  const AxisSplit sp = softmax_split(nullptr, n, x.shape);
  const int mode = softmax_mode(n);
  for (int64_t o = 0; o < sp.outer; ++o)
    for (int64_t i = 0; i < sp.inner; ++i) {
      auto at = [&](int64_t k) { return static_cast<size_t>((o * sp.n + k) * sp.inner + i); };
      double mx = -std::numeric_limits<double>::infinity();
      int64_t arg = 0;
      for (int64_t k = 0; k < sp.n; ++k)
        if (get_as_double(x, at(k)) > mx) {
          mx = get_as_double(x, at(k));
          arg = k;
        }
      double sum = 0;
      for (int64_t k = 0; k < sp.n; ++k) sum += std::exp(get_as_double(x, at(k)) - mx);
      for (int64_t k = 0; k < sp.n; ++k) {
        const double v = get_as_double(x, at(k));
        double r = mode == 2 ? (k == arg ? 1.0 : 0.0) : mode == 1 ? v - mx - std::log(sum) : std::exp(v - mx) / sum;
        set_from_double(*out[0], at(k), r);
      }
    }
}

std::string check_float_only(const Graph& g, const Node& n) {
  const Tensor& x = g.t(n.inputs[0]);
  if (x.dtype != DType::F32) return "dtype " + std::string(dtype_name(x.dtype)) + " is not supported (float32 only)";
  return ok();
}

void emit_softmax(EmitContext& ctx, const Graph& g, const Node& n) {
  const AxisSplit sp = softmax_split(&g, n, g.t(n.inputs[0]).shape);
  ctx.use("eg_softmax");
  ctx.emit("eg_softmax_f32(" + ctx.ptr(n.inputs[0]) + ", " + ctx.ptr(n.outputs[0]) + ", " + s(sp.outer) + ", " +
           s(sp.n) + ", " + s(sp.inner) + ", " + s(softmax_mode(n)) + ");");
}

void register_softmax() {
  for (const char* op : {"Softmax", "LogSoftmax", "Hardmax"}) {
    register_op(make_op(op, "any axis; opset < 13: input coerced to 2-D at axis", {"float32"},
                        {infer_softmax, ref_softmax, check_float_only, emit_softmax,
                         [](const Graph& g, const Node& n) { return g.t(n.outputs[0]).elements() * 3; }},
                        "Softmax"));
  }
}

// ---------------------------------------------------------------- reductions

int reduce_code(const std::string& op) {
  static const std::vector<std::string> ops = {"ReduceSum", "ReduceMean", "ReduceMax",    "ReduceMin",
                                               "ReduceProd", "ReduceL1",  "ReduceL2",     "ReduceLogSum",
                                               "ReduceLogSumExp", "ReduceSumSquare"};
  return static_cast<int>(std::find(ops.begin(), ops.end(), op) - ops.begin());
}

// Reduced-axis mask; empty axes without noop means all axes. noop: identity.
std::vector<bool> reduce_mask(const Graph* g, const Node& n, const Shape& sh, const std::vector<int64_t>& axes,
                              bool& noop) {
  const size_t r = sh.size();
  noop = false;
  std::vector<bool> mask(r, axes.empty());
  if (axes.empty() && n.attr_int("noop_with_empty_axes", 0) != 0) {
    noop = true;
    std::fill(mask.begin(), mask.end(), false);
    return mask;
  }
  for (int64_t a : axes) {
    int64_t k = a < 0 ? a + static_cast<int64_t>(r) : a;
    if (k < 0 || k >= static_cast<int64_t>(r)) {
      if (g) bad(*g, n, "axis " + std::to_string(a) + " out of range");
      throw CompileError("axis out of range");
    }
    mask[static_cast<size_t>(k)] = true;
  }
  return mask;
}

std::vector<int64_t> reduce_axes(const Graph& g, const Node& n) {
  if (has_in(n, 1)) return const_ints(g, n, 1);
  return n.attr_ints("axes");
}

Shape reduced_shape(const Shape& sh, const std::vector<bool>& mask, bool keep) {
  Shape out;
  for (size_t i = 0; i < sh.size(); ++i) {
    if (!mask[i]) out.push_back(sh[i]);
    else if (keep) out.push_back(1);
  }
  return out;
}

void infer_reduce(Graph& g, const Node& n) {
  const Tensor& x = in_t(g, n, 0);
  bool noop = false;
  auto mask = reduce_mask(&g, n, x.shape, reduce_axes(g, n), noop);
  set_out(g, n, 0, x.dtype, reduced_shape(x.shape, mask, n.attr_int("keepdims", 1) != 0));
}

void ref_reduce(const Node& n, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  const Tensor& x = *in[0];
  std::vector<int64_t> axes = in.size() > 1 && in[1] ? in[1]->as_int64() : n.attr_ints("axes");
  bool noop = false;
  auto mask = reduce_mask(nullptr, n, x.shape, axes, noop);
  Tensor& y = *out[0];
  if (noop) {
    y.data = x.data;
    return;
  }
  const int code = reduce_code(n.op);
  const size_t r = x.shape.size();
  Shape kshape = reduced_shape(x.shape, mask, true);
  auto ks = strides_of(kshape), xs = strides_of(x.shape);
  const int64_t oe = num_elements(kshape);
  double init = 0;
  if (code == 2) init = -std::numeric_limits<double>::infinity();
  if (code == 3) init = std::numeric_limits<double>::infinity();
  if (code == 4) init = 1;
  std::vector<double> acc(static_cast<size_t>(oe), init);
  const int64_t total = x.elements();
  const int64_t count = oe ? total / std::max<int64_t>(oe, 1) : 0;
  for (int64_t i = 0; i < total; ++i) {
    int64_t o = 0;
    for (size_t d = 0; d < r; ++d)
      if (!mask[d]) o += ((i / xs[d]) % x.shape[d]) * ks[d];
    const double v = get_as_double(x, static_cast<size_t>(i));
    double& a = acc[static_cast<size_t>(o)];
    switch (code) {
      case 2: a = std::max(a, v); break;
      case 3: a = std::min(a, v); break;
      case 4: a *= v; break;
      case 5: a += std::fabs(v); break;
      case 6:
      case 9: a += v * v; break;
      case 8: a += std::exp(v); break;
      default: a += v; break;
    }
  }
  for (int64_t o = 0; o < oe; ++o) {
    double a = acc[static_cast<size_t>(o)];
    if (code == 1) a = count ? a / static_cast<double>(count) : std::nan("");
    if (code == 6) a = std::sqrt(a);
    if (code == 7 || code == 8) a = std::log(a);
    set_from_double(y, static_cast<size_t>(o), a);
  }
}

std::string check_reduce(const Graph& g, const Node& n) {
  const Tensor& x = g.t(n.inputs[0]);
  if (x.shape.size() > 6) return "rank above 6";
  const int code = reduce_code(n.op);
  if (x.dtype == DType::F32) return ok();
  if ((code == 2 || code == 3) && (x.dtype == DType::Bool || x.dtype == DType::U8)) return ok();
  if ((code == 2 || code == 3) && x.dtype == DType::I8) {
    const Tensor& y = g.t(n.outputs[0]);
    if (x.quant && y.quant && !(*x.quant == *y.quant)) return "int8 ReduceMax/Min needs equal in/out quantization";
    return ok();
  }
  return "dtype " + std::string(dtype_name(x.dtype)) + " is not supported for " + n.op;
}

// Reduce parameters for the C kernel (rank >= 1).
std::string reduce_params_init(const Shape& xs_in, const std::vector<bool>& mask_in, int code) {
  Shape xs = xs_in.empty() ? Shape{1} : xs_in;
  std::vector<bool> mask = mask_in.empty() ? std::vector<bool>{true} : mask_in;
  Shape kshape = reduced_shape(xs, mask, true);
  auto ks = strides_of(kshape);
  std::vector<int64_t> shp(6, 1), ost(6, 0);
  for (size_t i = 0; i < xs.size(); ++i) {
    shp[i] = xs[i];
    ost[i] = mask[i] ? 0 : ks[i];
  }
  const int64_t oe = num_elements(kshape);
  int64_t count = 1;
  for (size_t i = 0; i < xs.size(); ++i)
    if (mask[i]) count *= xs[i];
  return "{" + s(code) + ", " + s(static_cast<int64_t>(xs.size())) + ", " + EmitContext::ints_lit(shp) + ", " +
         EmitContext::ints_lit(ost) + ", " + s(oe) + ", " + s(count) + "}";
}

void emit_reduce(EmitContext& ctx, const Graph& g, const Node& n) {
  const Tensor& x = g.t(n.inputs[0]);
  bool noop = false;
  auto mask = reduce_mask(&g, n, x.shape, reduce_axes(g, n), noop);
  if (noop) {
    ctx.use("eg_move");
    ctx.emit("eg_copy(" + ctx.ptr(n.inputs[0]) + ", " + ctx.ptr(n.outputs[0]) + ", " + s(static_cast<int64_t>(x.bytes())) + ");");
    return;
  }
  const std::string id = ctx.layer_ident();
  ctx.use("eg_reduce");
  ctx.decl("static const eg_reduce_params " + id + " = " + reduce_params_init(x.shape, mask, reduce_code(n.op)) + ";");
  const std::string fn = x.dtype == DType::F32 ? "eg_reduce_f32" : x.dtype == DType::I8 ? "eg_reduce_s8" : "eg_reduce_u8";
  const std::string ct = x.dtype == DType::F32 ? "float" : x.dtype == DType::I8 ? "int8_t" : "uint8_t";
  ctx.emit(fn + "(&" + id + ", " + ctx.ptr_as(n.inputs[0], "const " + ct + "*") + ", " +
           ctx.ptr_as(n.outputs[0], ct + "*") + ");");
}

void register_reductions() {
  for (const char* op : {"ReduceSum", "ReduceMean", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceL1", "ReduceL2",
                         "ReduceLogSum", "ReduceLogSumExp", "ReduceSumSquare"}) {
    const std::string o = op;
    const bool extreme = o == "ReduceMax" || o == "ReduceMin";
    const auto macc = [](const Graph& g, const Node& n) { return g.t(n.inputs[0]).elements(); };
    register_op(
        make_op(op, "axes constant (attribute or input), keepdims, noop_with_empty_axes; rank <= 6",
                extreme ? std::vector<std::string>{"float32", "bool", "uint8", "int8 (QDQ, equal in/out parameters)"}
                        : std::vector<std::string>{"float32"},
                {infer_reduce, ref_reduce, check_reduce, emit_reduce, macc}, "Reduce",
                extreme ? QdqRole::Movement : QdqRole::FloatIsland));
  }
}

// ---------------------------------------------------------------- ArgMax / ArgMin / TopK

AxisSplit split_at(const Shape& sh, int64_t axis) {
  const size_t a = static_cast<size_t>(axis);
  return {prod(sh, 0, a), sh.empty() ? 1 : sh[a], prod(sh, a + 1, sh.size())};
}

void infer_arg(Graph& g, const Node& n) {
  const Tensor& x = in_t(g, n, 0);
  if (x.shape.empty()) bad(g, n, "input must have rank >= 1");
  const size_t a = static_cast<size_t>(norm_axis(g, n, n.attr_int("axis", 0), x.shape.size()));
  Shape out = x.shape;
  if (n.attr_int("keepdims", 1) != 0) out[a] = 1;
  else out.erase(out.begin() + static_cast<long>(a));
  set_out(g, n, 0, DType::I64, out);
}

void ref_arg(const Node& n, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  const Tensor& x = *in[0];
  int64_t axis = n.attr_int("axis", 0);
  if (axis < 0) axis += static_cast<int64_t>(x.shape.size());
  const AxisSplit sp = split_at(x.shape, axis);
  const bool is_min = n.op == "ArgMin", last = n.attr_int("select_last_index", 0) != 0;
  auto* y = reinterpret_cast<int64_t*>(out[0]->data.data());
  for (int64_t o = 0; o < sp.outer; ++o)
    for (int64_t i = 0; i < sp.inner; ++i) {
      double best = 0;
      int64_t arg = 0;
      for (int64_t k = 0; k < sp.n; ++k) {
        const double v = get_as_double(x, static_cast<size_t>((o * sp.n + k) * sp.inner + i));
        const bool better = k == 0 || (is_min ? (last ? v <= best : v < best) : (last ? v >= best : v > best));
        if (better) {
          best = v;
          arg = k;
        }
      }
      y[o * sp.inner + i] = arg;
    }
}

void emit_arg(EmitContext& ctx, const Graph& g, const Node& n) {
  const Tensor& x = g.t(n.inputs[0]);
  const AxisSplit sp = split_at(x.shape, norm_axis(g, n, n.attr_int("axis", 0), x.shape.size()));
  ctx.use("eg_reduce");
  ctx.emit("eg_argext_f32(" + ctx.ptr(n.inputs[0]) + ", " + ctx.ptr(n.outputs[0]) + ", " + s(sp.outer) + ", " +
           s(sp.n) + ", " + s(sp.inner) + ", " + (n.op == "ArgMin" ? "1" : "0") + ", " +
           s(n.attr_int("select_last_index", 0)) + ");");
}

void infer_topk(Graph& g, const Node& n) {
  const Tensor& x = in_t(g, n, 0);
  if (x.shape.empty()) bad(g, n, "input must have rank >= 1");
  const size_t a = static_cast<size_t>(norm_axis(g, n, n.attr_int("axis", -1), x.shape.size()));
  int64_t k = n.attr_int("k", -1);
  if (has_in(n, 1)) {
    auto kv = const_ints(g, n, 1);
    if (kv.size() != 1) bad(g, n, "K must hold one value");
    k = kv[0];
  }
  if (k < 0 || k > x.shape[a]) bad(g, n, "K=" + std::to_string(k) + " out of range");
  Shape out = x.shape;
  out[a] = k;
  set_out(g, n, 0, x.dtype, out);
  set_out(g, n, 1, DType::I64, out);
}

int64_t topk_axis(const Node& n, size_t rank) {
  int64_t a = n.attr_int("axis", -1);
  return a < 0 ? a + static_cast<int64_t>(rank) : a;
}

void ref_topk(const Node& n, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  const Tensor& x = *in[0];
  const int64_t axis = topk_axis(n, x.shape.size());
  const AxisSplit sp = split_at(x.shape, axis);
  const int64_t k = out[0] ? out[0]->shape[static_cast<size_t>(axis)] : out[1]->shape[static_cast<size_t>(axis)];
  const bool largest = n.attr_int("largest", 1) != 0;
  for (int64_t o = 0; o < sp.outer; ++o)
    for (int64_t i = 0; i < sp.inner; ++i) {
      std::vector<int64_t> idx(static_cast<size_t>(sp.n));
      std::iota(idx.begin(), idx.end(), 0);
      auto val = [&](int64_t j) { return get_as_double(x, static_cast<size_t>((o * sp.n + j) * sp.inner + i)); };
      std::stable_sort(idx.begin(), idx.end(), [&](int64_t a, int64_t b) {
        return largest ? val(a) > val(b) : val(a) < val(b);
      });
      for (int64_t j = 0; j < k; ++j) {
        const size_t oi = static_cast<size_t>((o * k + j) * sp.inner + i);
        const size_t src = static_cast<size_t>((o * sp.n + idx[static_cast<size_t>(j)]) * sp.inner + i);
        if (out[0]) {
          const size_t es = dtype_size(x.dtype);
          std::memcpy(&out[0]->data[oi * es], &x.data[src * es], es);
        }
        if (out.size() > 1 && out[1]) reinterpret_cast<int64_t*>(out[1]->data.data())[oi] = idx[static_cast<size_t>(j)];
      }
    }
}

std::string check_topk(const Graph& g, const Node& n) {
  const Tensor& x = g.t(n.inputs[0]);
  if (x.dtype != DType::F32 && x.dtype != DType::I64) return "dtype " + std::string(dtype_name(x.dtype)) + " is not supported";
  if (n.outputs.size() < 2 || n.outputs[0] == kNoTensor || n.outputs[1] == kNoTensor) return "both outputs must be used";
  return ok();
}

void emit_topk(EmitContext& ctx, const Graph& g, const Node& n) {
  const Tensor& x = g.t(n.inputs[0]);
  const int64_t axis = topk_axis(n, x.shape.size());
  const AxisSplit sp = split_at(x.shape, axis);
  const int64_t k = g.t(n.outputs[0]).shape[static_cast<size_t>(axis)];
  ctx.use("eg_reduce");
  ctx.emit(std::string(x.dtype == DType::F32 ? "eg_topk_f32(" : "eg_topk_i64(") + ctx.ptr(n.inputs[0]) + ", " +
           ctx.ptr(n.outputs[0]) + ", " + ctx.ptr(n.outputs[1]) + ", " + s(sp.outer) + ", " + s(sp.n) + ", " +
           s(sp.inner) + ", " + s(k) + ", " + s(n.attr_int("largest", 1) != 0) + ");");
}

void register_arg_topk() {
  for (const char* op : {"ArgMax", "ArgMin"}) {
    register_op(make_op(op, "any axis, keepdims, select_last_index", {"float32"},
                        {infer_arg, ref_arg, check_float_only, emit_arg,
                         [](const Graph& g, const Node& n) { return g.t(n.inputs[0]).elements(); }},
                        "Reduce"));
  }
  register_op(make_op(
      "TopK", "K constant; any axis, largest/smallest; output sorted, ties by lower index", {"float32", "int64"},
      {infer_topk, ref_topk, check_topk, emit_topk,
       [](const Graph& g, const Node& n) {
         return g.t(n.inputs[0]).elements() * g.t(n.outputs[0]).elements() /
                std::max<int64_t>(
                    1, g.t(n.inputs[0]).elements()
                           ? g.t(n.inputs[0]).shape[static_cast<size_t>(topk_axis(n, g.t(n.inputs[0]).shape.size()))]
                           : 1);
       }},
      "TopK"));
}

// ---------------------------------------------------------------- normalizations

void infer_same(Graph& g, const Node& n) {
  const Tensor& x = in_t(g, n, 0);
  set_out(g, n, 0, x.dtype, x.shape);
}

// BatchNormalization (inference): y = x * scale' + shift' per channel (axis 1).
void infer_bn(Graph& g, const Node& n) {
  const Tensor& x = in_t(g, n, 0);
  if (x.shape.size() < 2) bad(g, n, "input must have rank >= 2");
  set_out(g, n, 0, x.dtype, x.shape);
  const Shape c = {x.shape[1]};
  for (size_t i = 1; i < n.outputs.size(); ++i) set_out(g, n, i, x.dtype, c);
}

// Per-channel scale/shift of inference BN, or batch statistics in training mode.
void bn_affine(const Node& n, std::span<const Tensor* const> in, std::vector<double>& sc, std::vector<double>& sh,
               std::vector<double>* bmean, std::vector<double>* bvar) {
  const Tensor& x = *in[0];
  const float eps = n.attr_float("epsilon", 1e-5f);
  const int64_t C = x.shape[1], inner = prod(x.shape, 2, x.shape.size()), N = x.shape[0];
  const auto scale = in[1]->as_float(), bias = in[2]->as_float();
  auto mean = in[3]->as_float(), var = in[4]->as_float();
  const bool training = n.attr_int("training_mode", 0) != 0;
  sc.resize(static_cast<size_t>(C));
  sh.resize(static_cast<size_t>(C));
  for (int64_t c = 0; c < C; ++c) {
    double m = mean[static_cast<size_t>(c)], v = var[static_cast<size_t>(c)];
    if (training) {
      double s1 = 0, s2 = 0;
      for (int64_t b = 0; b < N; ++b)
        for (int64_t i = 0; i < inner; ++i) {
          const double xv = get_as_double(x, static_cast<size_t>((b * C + c) * inner + i));
          s1 += xv;
          s2 += xv * xv;
        }
      const double cnt = static_cast<double>(N * inner);
      m = s1 / cnt;
      v = s2 / cnt - m * m;
      if (bmean) bmean->push_back(m);
      if (bvar) bvar->push_back(v);
    }
    // computed in float like ONNX Runtime: (x - mean) / sqrt(var + eps) * scale + B
    const float k = scale[static_cast<size_t>(c)] / std::sqrt(static_cast<float>(v) + eps);
    sc[static_cast<size_t>(c)] = k;
    sh[static_cast<size_t>(c)] = bias[static_cast<size_t>(c)] - static_cast<float>(m) * k;
  }
}

void ref_bn(const Node& n, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  const Tensor& x = *in[0];
  std::vector<double> sc, sh, bm, bv;
  bn_affine(n, in, sc, sh, &bm, &bv);
  const int64_t C = x.shape[1], inner = prod(x.shape, 2, x.shape.size());
  for (int64_t i = 0; i < x.elements(); ++i) {
    const size_t c = static_cast<size_t>((i / inner) % C);
    set_from_double(*out[0], static_cast<size_t>(i), get_as_double(x, static_cast<size_t>(i)) * sc[c] + sh[c]);
  }
  if (n.attr_int("training_mode", 0) != 0) {
    const double mom = n.attr_float("momentum", 0.9f);
    const auto mean = in[3]->as_float(), var = in[4]->as_float();
    for (size_t c = 0; c < static_cast<size_t>(C); ++c) {
      if (out.size() > 1 && out[1]) set_from_double(*out[1], c, mean[c] * mom + bm[c] * (1 - mom));
      if (out.size() > 2 && out[2]) set_from_double(*out[2], c, var[c] * mom + bv[c] * (1 - mom));
    }
  }
}

std::string check_bn(const Graph& g, const Node& n) {
  if (std::string r = check_float_only(g, n); !r.empty()) return r;
  if (n.attr_int("training_mode", 0) != 0) return ok();
  for (size_t i = 1; i <= 4; ++i)
    if (!g.t(n.inputs[i]).is_const) return "scale, B, mean and var must be constant";
  return ok();
}

void emit_bn(EmitContext& ctx, const Graph& g, const Node& n) {
  const Tensor& x = g.t(n.inputs[0]);
  if (n.attr_int("training_mode", 0) != 0) {
    auto opt_out = [&](size_t i) {
      return i < n.outputs.size() && n.outputs[i] != kNoTensor ? ctx.ptr(n.outputs[i]) : std::string("0");
    };
    ctx.use("eg_norm");
    ctx.emit("eg_batchnorm_train_f32(" + ctx.ptr(n.inputs[0]) + ", " + ctx.ptr(n.outputs[0]) + ", " + s(x.shape[0]) +
             ", " + s(x.shape[1]) + ", " + s(prod(x.shape, 2, x.shape.size())) + ", " + ctx.ptr(n.inputs[1]) + ", " +
             ctx.ptr(n.inputs[2]) + ", " + ctx.ptr(n.inputs[3]) + ", " + ctx.ptr(n.inputs[4]) + ", " +
             f(n.attr_float("epsilon", 1e-5f)) + ", " + f(n.attr_float("momentum", 0.9f)) + ", " + opt_out(1) + ", " +
             opt_out(2) + ");");
    return;
  }
  std::vector<const Tensor*> ins;
  for (TensorId id : n.inputs) ins.push_back(&g.t(id));
  std::vector<double> sc, sh;
  bn_affine(n, ins, sc, sh, nullptr, nullptr);
  const int64_t C = x.shape[1];
  std::vector<float> scf(sc.begin(), sc.end()), shf(sh.begin(), sh.end());
  const std::string id = ctx.layer_ident();
  const std::string a = ctx.add_array(id + "_scale", make_const(n.name + "_scale", DType::F32, {C}, scf), n.name);
  const std::string b = ctx.add_array(id + "_shift", make_const(n.name + "_shift", DType::F32, {C}, shf), n.name);
  ctx.use("eg_norm");
  ctx.emit("eg_scale_shift_f32(" + ctx.ptr(n.inputs[0]) + ", " + ctx.ptr(n.outputs[0]) + ", " + s(x.shape[0]) + ", " +
           s(C) + ", " + s(prod(x.shape, 2, x.shape.size())) + ", " + a + ", " + b + ");");
}

// InstanceNormalization
void ref_instnorm(const Node& n, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  const Tensor& x = *in[0];
  const auto scale = in[1]->as_float(), bias = in[2]->as_float();
  const double eps = n.attr_float("epsilon", 1e-5f);
  const int64_t N = x.shape[0], C = x.shape[1], inner = prod(x.shape, 2, x.shape.size());
  for (int64_t b = 0; b < N; ++b)
    for (int64_t c = 0; c < C; ++c) {
      const size_t base = static_cast<size_t>((b * C + c) * inner);
      double m = 0, v = 0;
      for (int64_t i = 0; i < inner; ++i) m += get_as_double(x, base + static_cast<size_t>(i));
      m /= static_cast<double>(inner);
      for (int64_t i = 0; i < inner; ++i) v += std::pow(get_as_double(x, base + static_cast<size_t>(i)) - m, 2);
      v /= static_cast<double>(inner);
      for (int64_t i = 0; i < inner; ++i)
        set_from_double(*out[0], base + static_cast<size_t>(i),
                        (get_as_double(x, base + static_cast<size_t>(i)) - m) / std::sqrt(v + eps) *
                                scale[static_cast<size_t>(c)] + bias[static_cast<size_t>(c)]);
    }
}

std::string check_instnorm(const Graph& g, const Node& n) {
  if (std::string r = check_float_only(g, n); !r.empty()) return r;
  if (g.t(n.inputs[0]).shape.size() < 3) return "input must have rank >= 3";
  return ok();
}

void emit_instnorm(EmitContext& ctx, const Graph& g, const Node& n) {
  const Tensor& x = g.t(n.inputs[0]);
  ctx.use("eg_norm");
  ctx.emit("eg_instnorm_f32(" + ctx.ptr(n.inputs[0]) + ", " + ctx.ptr(n.outputs[0]) + ", " + s(x.shape[0]) + ", " +
           s(x.shape[1]) + ", " + s(prod(x.shape, 2, x.shape.size())) + ", " + ctx.ptr(n.inputs[1]) + ", " +
           ctx.ptr(n.inputs[2]) + ", " + f(n.attr_float("epsilon", 1e-5f)) + ");");
}

// LayerNormalization / RMSNormalization
size_t ln_axis(const Node& n, size_t rank) {
  int64_t a = n.attr_int("axis", -1);
  if (a < 0) a += static_cast<int64_t>(rank);
  return static_cast<size_t>(std::clamp<int64_t>(a, 0, static_cast<int64_t>(rank)));
}

void infer_layernorm(Graph& g, const Node& n) {
  const Tensor& x = in_t(g, n, 0);
  const size_t a = static_cast<size_t>(norm_axis(g, n, n.attr_int("axis", -1), x.shape.size()));
  set_out(g, n, 0, x.dtype, x.shape);
  Shape st = x.shape;
  for (size_t i = a; i < st.size(); ++i) st[i] = 1;
  set_out(g, n, 1, DType::F32, st);
  set_out(g, n, 2, DType::F32, st);
}

// Scale/bias broadcast to the m normalized elements.
std::vector<float> expand_to(const Tensor& t, const Shape& norm_shape) {
  const auto v = t.as_float();
  if (static_cast<int64_t>(v.size()) == num_elements(norm_shape)) return v;
  auto map = broadcast_index_map(t.shape, norm_shape);
  std::vector<float> out;
  for (int64_t i : map) out.push_back(v[static_cast<size_t>(i)]);
  return out;
}

void ref_layernorm(const Node& n, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  const Tensor& x = *in[0];
  const size_t a = ln_axis(n, x.shape.size());
  const bool rms = n.op == "RMSNormalization";
  const Shape ns(x.shape.begin() + static_cast<long>(a), x.shape.end());
  const int64_t m = num_elements(ns), outer = prod(x.shape, 0, a);
  const auto scale = expand_to(*in[1], ns);
  const std::vector<float> bias = in.size() > 2 && in[2] ? expand_to(*in[2], ns) : std::vector<float>{};
  const float eps = n.attr_float("epsilon", 1e-5f);
  for (int64_t o = 0; o < outer; ++o) {
    double mu = 0, var = 0;
    if (!rms) {
      for (int64_t i = 0; i < m; ++i) mu += get_as_double(x, static_cast<size_t>(o * m + i));
      mu /= static_cast<double>(m);
    }
    for (int64_t i = 0; i < m; ++i) var += std::pow(get_as_double(x, static_cast<size_t>(o * m + i)) - mu, 2);
    var /= static_cast<double>(m);
    const double inv = 1.0 / std::sqrt(var + eps);
    for (int64_t i = 0; i < m; ++i) {
      const size_t k = static_cast<size_t>(i);
      set_from_double(*out[0], static_cast<size_t>(o * m + i),
                      (get_as_double(x, static_cast<size_t>(o * m + i)) - mu) * inv * scale[k] + (bias.empty() ? 0.0 : bias[k]));
    }
    if (out.size() > 1 && out[1]) set_from_double(*out[1], static_cast<size_t>(o), mu);
    if (out.size() > 2 && out[2]) set_from_double(*out[2], static_cast<size_t>(o), inv);
  }
}

std::string check_layernorm(const Graph& g, const Node& n) {
  if (std::string r = check_float_only(g, n); !r.empty()) return r;
  const Tensor& x = g.t(n.inputs[0]);
  const size_t a = ln_axis(n, x.shape.size());
  const int64_t m = prod(x.shape, a, x.shape.size());
  for (size_t i = 1; i <= 2; ++i)
    if (has_in(n, i) && g.t(n.inputs[i]).elements() != m && !g.t(n.inputs[i]).is_const)
      return "broadcast scale/bias must be constant";
  return ok();
}

void emit_layernorm(EmitContext& ctx, const Graph& g, const Node& n) {
  const Tensor& x = g.t(n.inputs[0]);
  const size_t a = ln_axis(n, x.shape.size());
  const Shape ns(x.shape.begin() + static_cast<long>(a), x.shape.end());
  const int64_t m = num_elements(ns), outer = prod(x.shape, 0, a);
  const std::string id = ctx.layer_ident();
  auto param = [&](size_t i, const char* suffix) -> std::string {
    if (!has_in(n, i)) return "0";
    const Tensor& t = g.t(n.inputs[i]);
    if (t.elements() == m) return ctx.ptr_as(n.inputs[i], "const float*");
    return ctx.add_array(id + suffix, make_const(t.name + suffix, DType::F32, {m}, expand_to(t, ns)), t.name);
  };
  const bool rms = n.op == "RMSNormalization";
  auto opt_out = [&](size_t i) {
    return i < n.outputs.size() && n.outputs[i] != kNoTensor ? ctx.ptr(n.outputs[i]) : std::string("0");
  };
  ctx.use("eg_norm");
  ctx.emit("eg_layernorm_f32(" + ctx.ptr(n.inputs[0]) + ", " + ctx.ptr(n.outputs[0]) + ", " + s(outer) + ", " + s(m) +
           ", " + param(1, "_scale") + ", " + (rms ? std::string("0") : param(2, "_bias")) + ", " +
           f(n.attr_float("epsilon", 1e-5f)) + ", " + (rms ? "1" : "0") + ", " + (rms ? "0" : opt_out(1)) + ", " +
           (rms ? "0" : opt_out(2)) + ");");
}

// LpNormalization
void ref_lpnorm(const Node& n, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  const Tensor& x = *in[0];
  int64_t axis = n.attr_int("axis", -1);
  if (axis < 0) axis += static_cast<int64_t>(x.shape.size());
  const AxisSplit sp = split_at(x.shape, axis);
  const int64_t p = n.attr_int("p", 2);
  for (int64_t o = 0; o < sp.outer; ++o)
    for (int64_t i = 0; i < sp.inner; ++i) {
      auto at = [&](int64_t k) { return static_cast<size_t>((o * sp.n + k) * sp.inner + i); };
      double nv = 0;
      for (int64_t k = 0; k < sp.n; ++k) nv += p == 1 ? std::fabs(get_as_double(x, at(k))) : std::pow(get_as_double(x, at(k)), 2);
      if (p != 1) nv = std::sqrt(nv);
      for (int64_t k = 0; k < sp.n; ++k) set_from_double(*out[0], at(k), nv > 0 ? get_as_double(x, at(k)) / nv : 0.0);
    }
}

std::string check_lpnorm(const Graph& g, const Node& n) {
  if (std::string r = check_float_only(g, n); !r.empty()) return r;
  const int64_t p = n.attr_int("p", 2);
  if (p != 1 && p != 2) return "p must be 1 or 2";
  return ok();
}

void emit_lpnorm(EmitContext& ctx, const Graph& g, const Node& n) {
  const Tensor& x = g.t(n.inputs[0]);
  const AxisSplit sp = split_at(x.shape, norm_axis(g, n, n.attr_int("axis", -1), x.shape.size()));
  ctx.use("eg_norm");
  ctx.emit("eg_lpnorm_f32(" + ctx.ptr(n.inputs[0]) + ", " + ctx.ptr(n.outputs[0]) + ", " + s(sp.outer) + ", " +
           s(sp.n) + ", " + s(sp.inner) + ", " + s(n.attr_int("p", 2)) + ");");
}

// MeanVarianceNormalization
std::vector<bool> mvn_mask(const Node& n, size_t rank) {
  auto axes = n.attr_ints("axes", {0, 2, 3});
  std::vector<bool> mask(rank, false);
  for (int64_t a : axes) {
    const int64_t k = a < 0 ? a + static_cast<int64_t>(rank) : a;
    if (k >= 0 && k < static_cast<int64_t>(rank)) mask[static_cast<size_t>(k)] = true;
  }
  return mask;
}

void infer_mvn(Graph& g, const Node& n) {
  const Tensor& x = in_t(g, n, 0);
  for (int64_t a : n.attr_ints("axes", {0, 2, 3})) norm_axis(g, n, a, x.shape.size());
  set_out(g, n, 0, x.dtype, x.shape);
}

void ref_mvn(const Node& n, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  const Tensor& x = *in[0];
  const auto mask = mvn_mask(n, x.shape.size());
  const Shape ks = reduced_shape(x.shape, mask, true);
  const auto kst = strides_of(ks), xs = strides_of(x.shape);
  const int64_t oe = num_elements(ks), total = x.elements(), cnt = total / std::max<int64_t>(oe, 1);
  std::vector<double> s1(static_cast<size_t>(oe)), s2(static_cast<size_t>(oe));
  auto oidx = [&](int64_t i) {
    int64_t o = 0;
    for (size_t d = 0; d < x.shape.size(); ++d)
      if (!mask[d]) o += ((i / xs[d]) % x.shape[d]) * kst[d];
    return static_cast<size_t>(o);
  };
  for (int64_t i = 0; i < total; ++i) {
    const double v = get_as_double(x, static_cast<size_t>(i));
    s1[oidx(i)] += v;
    s2[oidx(i)] += v * v;
  }
  for (int64_t i = 0; i < total; ++i) {
    const size_t o = oidx(i);
    const double m = s1[o] / static_cast<double>(cnt);
    const double sd = std::sqrt(std::max(0.0, s2[o] / static_cast<double>(cnt) - m * m)) + 1e-9;
    set_from_double(*out[0], static_cast<size_t>(i), (get_as_double(x, static_cast<size_t>(i)) - m) / sd);
  }
}

size_t mvn_scratch(const Graph& g, const Node& n) {
  const Tensor& x = g.t(n.inputs[0]);
  return static_cast<size_t>(num_elements(reduced_shape(x.shape, mvn_mask(n, x.shape.size()), true))) * 2 * sizeof(float);
}

void emit_mvn(EmitContext& ctx, const Graph& g, const Node& n) {
  const Tensor& x = g.t(n.inputs[0]);
  const std::string id = ctx.layer_ident();
  ctx.use("eg_norm");
  ctx.use("eg_reduce");
  ctx.decl("static const eg_reduce_params " + id + " = " +
           reduce_params_init(x.shape, mvn_mask(n, x.shape.size()), 1) + ";");
  ctx.emit("eg_mvn_f32(&" + id + ", " + ctx.ptr(n.inputs[0]) + ", " + ctx.ptr(n.outputs[0]) + ", " +
           ctx.scratch(ctx.current_node, "float*") + ");");
}

void register_norms() {
  const auto macc = [](const Graph& g, const Node& n) { return g.t(n.inputs[0]).elements() * 2; };
  auto norm = [&](const char* op, const char* constraints, InferFn infer, RefFn ref, CheckFn check, EmitFn emit) {
    return make_op(op, constraints, {"float32"},
                   {std::move(infer), std::move(ref), std::move(check), std::move(emit), macc}, "Norm");
  };
  register_op(norm("BatchNormalization",
                   "inference: constant parameters, folded to scale+shift (into a preceding float Conv when possible); "
                   "training_mode=1: batch statistics and running mean/var outputs",
                   infer_bn, ref_bn, check_bn, emit_bn));
  register_op(norm("InstanceNormalization", "rank >= 3", infer_same, ref_instnorm, check_instnorm, emit_instnorm));
  for (const char* op : {"LayerNormalization", "RMSNormalization"})
    register_op(norm(op, "any axis; scale/bias broadcast to the normalized shape; Mean/InvStdDev outputs",
                     infer_layernorm, ref_layernorm, check_layernorm, emit_layernorm));
  register_op(norm("LpNormalization", "p = 1 or 2; any axis", infer_same, ref_lpnorm, check_lpnorm, emit_lpnorm));
  const auto check_mvn = [](const Graph& g, const Node& n) {
    if (g.t(n.inputs[0]).shape.size() > 6) return std::string("rank above 6");
    return check_float_only(g, n);
  };
  OpDef mvn = norm("MeanVarianceNormalization", "any axes (rank <= 6)", infer_mvn, ref_mvn, check_mvn, emit_mvn);
  mvn.scratch = mvn_scratch;
  register_op(mvn);
}

}  // namespace

void register_pool_norm() {
  register_pools();
  register_softmax();
  register_reductions();
  register_arg_topk();
  register_norms();
}

}  // namespace eg::ops
