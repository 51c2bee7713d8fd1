// Resize (opset 10-19) and Upsample: every coordinate_transformation_mode,
// nearest (all nearest_mode values, any dtype: an index gather), linear and
// cubic (float: separable taps, antialias and exclude_outside included).
// The per-axis taps are computed at compile time following the ONNX
// reference (onnx/reference/ops/op_resize.py); the kernel only sums
// weight * input over the taps of each axis.
#include <algorithm>
#include <cmath>

#include "ops/tensor_common.h"

namespace eg::ops {
namespace {

struct AxisTaps {
  int64_t out = 0;
  std::vector<std::vector<std::pair<int64_t, double>>> taps;  // per output coordinate: (input index, weight)
  std::vector<bool> outside;                                  // tf_crop_and_resize extrapolation
};

struct ResizeSetup {
  std::string mode;  // nearest, linear, cubic
  Shape out_shape;
  std::vector<AxisTaps> axes;
  float extrapolation = 0.0f;
};

const Tensor* opt(std::span<const Tensor* const> in, size_t i) {
  return i < in.size() && in[i] && in[i]->elements() > 0 ? in[i] : nullptr;
}

std::vector<double> nearest_coeffs(double ratio, const std::string& nm) {
  if (ratio == 1.0) return {0, 1};
  if (nm == "round_prefer_floor") return {ratio <= 0.5 ? 1.0 : 0.0, ratio > 0.5 ? 1.0 : 0.0};
  if (nm == "round_prefer_ceil") return {ratio < 0.5 ? 1.0 : 0.0, ratio >= 0.5 ? 1.0 : 0.0};
  if (nm == "floor") return {1, 0};
  return {0, 1};  // ceil
}

std::vector<double> cubic_coeffs(double r, double A) {
  return {((A * (r + 1) - 5 * A) * (r + 1) + 8 * A) * (r + 1) - 4 * A, ((A + 2) * r - (A + 3)) * r * r + 1,
          ((A + 2) * (1 - r) - (A + 3)) * (1 - r) * (1 - r) + 1,
          ((A * ((1 - r) + 1) - 5 * A) * ((1 - r) + 1) + 8 * A) * ((1 - r) + 1) - 4 * A};
}

std::vector<double> cubic_coeffs_aa(double ratio, double scale, double A) {
  scale = std::min(scale, 1.0);
  auto f = [A](double x) {
    x = std::fabs(x);
    if (x <= 1) return (A + 2) * x * x * x - (A + 3) * x * x + 1;
    if (x < 2) return A * x * x * x - 5 * A * x * x + 8 * A * x - 4 * A;
    return 0.0;
  };
  const int64_t i0 = static_cast<int64_t>(std::floor(-2 / scale) + 1), i1 = 2 - i0;
  std::vector<double> c;
  double sum = 0;
  for (int64_t i = i0; i < i1; ++i) {
    c.push_back(f(scale * (static_cast<double>(i) - ratio)));
    sum += c.back();
  }
  for (double& v : c) v /= sum;
  return c;
}

std::vector<double> linear_coeffs_aa(double ratio, double scale) {
  scale = std::min(scale, 1.0);
  const int64_t start = static_cast<int64_t>(std::floor(-1 / scale) + 1), fp = 2 - 2 * start;
  std::vector<double> c;
  double sum = 0;
  for (int64_t i = start; i < start + fp; ++i) {
    c.push_back(std::clamp(1 - std::fabs((static_cast<double>(i) - ratio) * scale), 0.0, 1.0));
    sum += c.back();
  }
  for (double& v : c) v /= sum;
  return c;
}

ResizeSetup resize_setup(const Graph& g, const Node& n, std::span<const Tensor* const> in) {
  const Tensor& x = *in[0];
  const size_t r = x.shape.size();
  ResizeSetup s;
  // Upsample and Resize-10 (inputs X, scales): asymmetric coordinates, floor for nearest
  const bool legacy = n.op == "Upsample" || in.size() == 2;
  s.mode = n.attr_string("mode", "nearest");
  if (s.mode == "bilinear" || s.mode == "trilinear") s.mode = "linear";
  if (s.mode != "nearest" && s.mode != "linear" && s.mode != "cubic") bad(g, n, "unknown mode " + s.mode);
  std::string ctm = legacy ? "asymmetric" : n.attr_string("coordinate_transformation_mode", "half_pixel");
  std::string nm = legacy ? "floor" : n.attr_string("nearest_mode", "round_prefer_floor");
  const double A = n.attr_float("cubic_coeff_a", -0.75f);
  const bool aa = n.attr_int("antialias", 0) != 0;
  const bool excl = n.attr_int("exclude_outside", 0) != 0;
  s.extrapolation = n.attr_float("extrapolation_value", 0.0f);
  const std::string policy = n.attr_string("keep_aspect_ratio_policy", "stretch");

  std::vector<int64_t> axes = n.attr_ints("axes");
  for (auto& a : axes) a = norm_axis(g, n, a, r);
  const bool all_axes = axes.empty();
  if (all_axes)
    for (size_t i = 0; i < r; ++i) axes.push_back(static_cast<int64_t>(i));

  // inputs: Upsample/Resize-10 (X, scales); Resize-11+ (X, roi, scales, sizes)
  const Tensor* scales_t = nullptr;
  const Tensor* sizes_t = nullptr;
  const Tensor* roi_t = nullptr;
  std::vector<double> scale(r, 1.0);
  std::vector<int64_t> out(x.shape.begin(), x.shape.end());
  if (n.op == "Upsample" && n.has_attr("scales")) {
    auto sc = n.attr_floats("scales");
    if (sc.size() != r) bad(g, n, "scales length differs from the rank");
    for (size_t i = 0; i < r; ++i) scale[i] = sc[i];
    for (size_t i = 0; i < r; ++i) out[i] = dim_from_double(std::floor(scale[i] * static_cast<double>(x.shape[i])));
  } else {
    if (n.op == "Upsample" || in.size() == 2) {
      scales_t = opt(in, 1);
    } else {
      roi_t = opt(in, 1);
      scales_t = opt(in, 2);
      sizes_t = opt(in, 3);
    }
    if (sizes_t) {
      auto sz = sizes_t->as_int64();
      if (sz.size() != axes.size()) bad(g, n, "sizes length differs from the axes");
      for (size_t i = 0; i < axes.size(); ++i) {
        out[static_cast<size_t>(axes[i])] = sz[i];
        scale[static_cast<size_t>(axes[i])] = static_cast<double>(sz[i]) / static_cast<double>(x.shape[static_cast<size_t>(axes[i])]);
      }
      if (policy != "stretch") {
        double sc = policy == "not_larger" ? 1e300 : -1e300;
        for (int64_t a : axes)
          sc = policy == "not_larger" ? std::min(sc, scale[static_cast<size_t>(a)]) : std::max(sc, scale[static_cast<size_t>(a)]);
        for (int64_t a : axes) {
          scale[static_cast<size_t>(a)] = sc;
          out[static_cast<size_t>(a)] = dim_from_double(sc * static_cast<double>(x.shape[static_cast<size_t>(a)]) + 0.5);
        }
      }
    } else if (scales_t) {
      auto sc = scales_t->as_float();
      if (sc.size() != axes.size()) bad(g, n, "scales length differs from the axes");
      for (size_t i = 0; i < axes.size(); ++i) {
        const size_t a = static_cast<size_t>(axes[i]);
        if (!(sc[i] > 0) || !std::isfinite(sc[i])) bad(g, n, "scales must be positive and finite");
        scale[a] = sc[i];
        out[a] = dim_from_double(std::floor(scale[a] * static_cast<double>(x.shape[a])));
      }
    } else {
      bad(g, n, "neither scales nor sizes given");
    }
  }
  std::vector<double> roi_lo(r, 0.0), roi_hi(r, 1.0);
  if (roi_t && ctm == "tf_crop_and_resize") {
    auto rv = roi_t->as_float();
    if (rv.size() != 2 * axes.size()) bad(g, n, "roi length differs from 2 x axes");
    for (size_t i = 0; i < axes.size(); ++i) {
      roi_lo[static_cast<size_t>(axes[i])] = rv[i];
      roi_hi[static_cast<size_t>(axes[i])] = rv[i + axes.size()];
    }
  }
  guard_out_shape(g, n, x.dtype, s.out_shape = out);
  for (size_t d = 0; d < r; ++d) {
    AxisTaps at;
    at.out = out[d];
    const int64_t in_w = x.shape[d];
    const double sc = scale[d];
    const double out_w = sc * static_cast<double>(in_w);
    for (int64_t o = 0; o < out[d]; ++o) {
      const double xo = static_cast<double>(o);
      double xr;
      bool outside = false;
      if (ctm == "align_corners") {
        xr = out_w == 1 ? 0.0 : xo * static_cast<double>(in_w - 1) / (out_w - 1);
      } else if (ctm == "asymmetric") {
        xr = xo / sc;
      } else if (ctm == "tf_crop_and_resize") {
        xr = out_w == 1 ? (roi_hi[d] - roi_lo[d]) * static_cast<double>(in_w - 1) / 2
                        : xo * (roi_hi[d] - roi_lo[d]) * static_cast<double>(in_w - 1) / (out_w - 1);
        xr += roi_lo[d] * static_cast<double>(in_w - 1);
        outside = xr < 0 || xr > static_cast<double>(in_w - 1);
      } else if (ctm == "pytorch_half_pixel") {
        xr = out_w == 1 ? -0.5 : (xo + 0.5) / sc - 0.5;
      } else if (ctm == "half_pixel") {
        xr = (xo + 0.5) / sc - 0.5;
      } else if (ctm == "half_pixel_symmetric") {
        const double adj = static_cast<double>(out[d]) / out_w;
        const double center = static_cast<double>(in_w) / 2;
        xr = center * (1 - adj) + (xo + 0.5) / sc - 0.5;
      } else {
        bad(g, n, "unknown coordinate_transformation_mode " + ctm);
      }
      if (in_w == out[d] && sc == 1.0 && ctm != "tf_crop_and_resize" && s.mode != "cubic" && !aa) xr = xo;
      const double fl = std::floor(xr);
      const double ratio = xr == fl ? 1.0 : xr - fl;
      const int64_t base = xr == fl ? static_cast<int64_t>(fl) - 1 : static_cast<int64_t>(fl);
      std::vector<double> c;
      if (s.mode == "nearest") c = nearest_coeffs(ratio, nm);
      else if (s.mode == "linear") c = aa ? linear_coeffs_aa(ratio, sc) : std::vector<double>{1 - ratio, ratio};
      else c = aa ? cubic_coeffs_aa(ratio, sc, A) : cubic_coeffs(ratio, A);
      const int64_t first = base - (static_cast<int64_t>(c.size()) / 2 - 1);
      if (excl) {
        double sum = 0;
        for (size_t k = 0; k < c.size(); ++k) {
          const int64_t idx = first + static_cast<int64_t>(k);
          if (idx < 0 || idx >= in_w) c[k] = 0;
          sum += c[k];
        }
        if (sum != 0)
          for (double& v : c) v /= sum;
      }
      std::vector<std::pair<int64_t, double>> taps;
      for (size_t k = 0; k < c.size(); ++k) {
        if (c[k] == 0) continue;
        const int64_t idx = std::clamp<int64_t>(first + static_cast<int64_t>(k), 0, in_w - 1);
        bool merged = false;
        for (auto& t : taps)
          if (t.first == idx) {
            t.second += c[k];
            merged = true;
          }
        if (!merged) taps.push_back({idx, c[k]});
      }
      if (taps.empty()) taps.push_back({std::clamp<int64_t>(base, 0, in_w - 1), 0.0});
      at.taps.push_back(taps);
      at.outside.push_back(outside);
    }
    s.axes.push_back(at);
  }
  return s;
}

void infer_resize(Graph& g, const Node& n) {
  const Tensor& x = in_t(g, n, 0);
  for (size_t i = 1; i < n.inputs.size(); ++i)
    if (has_in(n, i)) need_const(g, n, i);
  ResizeSetup s = resize_setup(g, n, graph_inputs(g, n));
  set_out(g, n, 0, x.dtype, s.out_shape);
}

GatherPlan nearest_plan(const ResizeSetup& s, const Shape& in_shape) {
  GatherPlan p;
  p.out_shape = s.out_shape;
  const auto st = strides_of(in_shape);
  for (size_t d = 0; d < s.axes.size(); ++d) {
    std::vector<int64_t> t;
    for (size_t o = 0; o < s.axes[d].taps.size(); ++o) {
      if (s.axes[d].outside[o]) {
        t.push_back(-1);
        continue;
      }
      // the tap with the largest weight (nearest has exactly one of weight 1)
      auto best = s.axes[d].taps[o][0];
      for (auto& tp : s.axes[d].taps[o])
        if (tp.second > best.second) best = tp;
      t.push_back(best.first * st[d]);
    }
    p.tables.push_back(t);
  }
  return p;
}

Tensor fill_value(DType dt, float v) {
  Tensor f;
  f.dtype = dt;
  f.shape = {1};
  f.data.assign(dtype_size(dt), 0);
  set_from_double(f, 0, v);
  return f;
}

void ref_resize(const Node& n, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  ResizeSetup s = resize_setup(ref_graph(), n, in);
  const Tensor& x = *in[0];
  if (s.mode == "nearest") {
    GatherPlan p = nearest_plan(s, x.shape);
    p.fill = fill_value(x.dtype, s.extrapolation);
    apply_gather_plan(p, x, *out[0]);
    return;
  }
  const size_t r = x.shape.size();
  const auto st = strides_of(x.shape);
  const int64_t total = num_elements(s.out_shape);
  std::vector<int64_t> idx(r, 0);
  for (int64_t o = 0; o < total; ++o) {
    bool outside = false;
    for (size_t d = 0; d < r; ++d)
      if (s.axes[d].outside[static_cast<size_t>(idx[d])]) outside = true;
    double acc = 0;
    if (outside) {
      acc = s.extrapolation;
    } else {
      std::vector<size_t> tap(r, 0);
      for (;;) {
        double w = 1;
        int64_t src = 0;
        for (size_t d = 0; d < r; ++d) {
          const auto& t = s.axes[d].taps[static_cast<size_t>(idx[d])][tap[d]];
          w *= t.second;
          src += t.first * st[d];
        }
        acc += w * get_as_double(x, static_cast<size_t>(src));
        size_t d = r;
        while (d-- > 0) {
          if (++tap[d] < s.axes[d].taps[static_cast<size_t>(idx[d])].size()) break;
          tap[d] = 0;
        }
        if (d == static_cast<size_t>(-1)) break;
      }
    }
    set_from_double(*out[0], static_cast<size_t>(o), acc);
    for (size_t d = r; d-- > 0;) {
      if (++idx[d] < s.out_shape[d]) break;
      idx[d] = 0;
    }
  }
}

std::string check_resize(const Graph& g, const Node& n) {
  const std::string mode = n.attr_string("mode", "nearest");
  if (mode != "nearest" && g.t(n.inputs[0]).dtype != DType::F32) return "linear/cubic resize needs float32";
  if (g.t(n.inputs[0]).shape.size() > 8) return "rank above 8";
  return "";
}

void emit_resize(EmitContext& ctx, const Graph& g, const Node& n) {
  const Tensor& x = g.t(n.inputs[0]);
  ResizeSetup s = resize_setup(g, n, graph_inputs(g, n));
  if (s.mode == "nearest") {
    GatherPlan p = nearest_plan(s, x.shape);
    bool any_outside = false;
    for (auto& a : s.axes)
      for (bool b : a.outside) any_outside |= b;
    if (any_outside && s.extrapolation != 0.0f) p.fill = fill_value(x.dtype, s.extrapolation);
    emit_gather_plan(ctx, g, n, p, n.inputs[0], n.outputs[0]);
    return;
  }
  const auto st = strides_of(x.shape);
  std::vector<int32_t> ntaps, offs;
  std::vector<float> wts;
  for (size_t d = 0; d < s.axes.size(); ++d) {
    size_t k = 1;
    for (auto& t : s.axes[d].taps) k = std::max(k, t.size());
    ntaps.push_back(static_cast<int32_t>(k));
    for (size_t o = 0; o < s.axes[d].taps.size(); ++o) {
      const auto& t = s.axes[d].taps[o];
      for (size_t j = 0; j < k; ++j) {
        const auto tp = j < t.size() ? t[j] : std::pair<int64_t, double>{t[0].first, 0.0};
        offs.push_back(j == 0 && s.axes[d].outside[o] ? -1 : static_cast<int32_t>(tp.first * st[d]));
        wts.push_back(static_cast<float>(tp.second));
      }
    }
  }
  const std::string id = ctx.layer_ident();
  auto n64 = [](size_t v) { return static_cast<int64_t>(v); };
  std::string o = ctx.add_array(id + "_offsets", make_const("o", DType::I32, {n64(offs.size())}, offs), n.name, true);
  std::string w = ctx.add_array(id + "_weights", make_const("w", DType::F32, {n64(wts.size())}, wts), n.name, true);
  std::vector<int64_t> shp(s.out_shape.begin(), s.out_shape.end()), nt(ntaps.begin(), ntaps.end());
  if (shp.empty()) {
    shp.push_back(1);
    nt.push_back(1);
  }
  ctx.decl("static const int32_t " + id + "_shape[] = " + EmitContext::ints_lit(shp) + ";");
  ctx.decl("static const int32_t " + id + "_ntaps[] = " + EmitContext::ints_lit(nt) + ";");
  ctx.use("eg_tensor");
  ctx.emit("eg_resize_f32(" + ctx.ptr(n.inputs[0]) + ", " + ctx.ptr(n.outputs[0]) + ", " + s64(n64(s.out_shape.size())) +
           ", " + id + "_shape, " + id + "_ntaps, " + o + ", " + w + ", " + EmitContext::float_lit(s.extrapolation) + ");");
}

int64_t macc_resize(const Graph& g, const Node& n) {
  const std::string mode = n.attr_string("mode", "nearest");
  const int64_t e = g.t(n.outputs[0]).elements();
  return mode == "nearest" ? e : mode == "cubic" ? 16 * e : 4 * e;
}

}  // namespace

void register_tensor_resize() {
  for (const char* name : {"Resize", "Upsample"}) {
    register_op(make_op(
        name,
        "scales/sizes/roi constant; nearest (any dtype, every nearest_mode), linear and cubic (float32); "
        "every coordinate_transformation_mode, axes, antialias, exclude_outside, keep_aspect_ratio_policy",
        {"float32", "any (nearest)"}, {infer_resize, ref_resize, check_resize, emit_resize, macc_resize}, "Resize"));
  }
}

}  // namespace eg::ops
