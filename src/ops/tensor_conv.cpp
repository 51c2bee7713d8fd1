// ConvTranspose (float): N-d reference; 1-D and 2-D NCHW kernel with groups,
// pads, auto_pad, output_padding, output_shape, strides and dilations.
#include <algorithm>

#include "ops/tensor_common.h"

namespace eg::ops {
namespace {

struct CtGeom {
  std::vector<int64_t> in, kernel, out, strides, dil, pad_begin;
};

CtGeom ct_geometry(const Graph& g, const Node& n, const Shape& x, const Shape& w) {
  if (x.size() < 3) bad(g, n, "input must have rank >= 3");
  if (w.size() != x.size()) bad(g, n, "weight rank differs from input rank");
  const size_t r = x.size() - 2;
  CtGeom c;
  c.in.assign(x.begin() + 2, x.end());
  c.kernel.assign(w.begin() + 2, w.end());
  if (n.has_attr("kernel_shape") && n.attr_ints("kernel_shape") != c.kernel) bad(g, n, "kernel_shape does not match the weights");
  c.strides = n.attr_ints("strides", std::vector<int64_t>(r, 1));
  c.dil = n.attr_ints("dilations", std::vector<int64_t>(r, 1));
  std::vector<int64_t> outpad = n.attr_ints("output_padding", std::vector<int64_t>(r, 0));
  std::vector<int64_t> pads = n.attr_ints("pads", std::vector<int64_t>(2 * r, 0));
  std::vector<int64_t> oshape = n.attr_ints("output_shape");
  if (c.strides.size() != r || c.dil.size() != r || outpad.size() != r || pads.size() != 2 * r)
    bad(g, n, "strides/dilations/output_padding/pads do not match the spatial rank");
  if (!oshape.empty() && oshape.size() != r) {
    if (oshape.size() == r + 2) oshape.erase(oshape.begin(), oshape.begin() + 2);
    else bad(g, n, "output_shape does not match the spatial rank");
  }
  const std::string ap = n.attr_string("auto_pad", "NOTSET");
  c.out.resize(r);
  c.pad_begin.resize(r);
  for (size_t i = 0; i < r; ++i) {
    const int64_t span = (c.kernel[i] - 1) * c.dil[i] + 1;
    const int64_t full = c.strides[i] * (c.in[i] - 1) + outpad[i] + span;
    if (!oshape.empty() || ap == "SAME_UPPER" || ap == "SAME_LOWER") {
      const int64_t out = !oshape.empty() ? oshape[i] : c.in[i] * c.strides[i];
      const int64_t total = full - out;
      c.out[i] = out;
      c.pad_begin[i] = ap == "SAME_LOWER" ? total - total / 2 : total / 2;
    } else if (ap == "VALID") {
      c.out[i] = full;
      c.pad_begin[i] = 0;
    } else {
      c.out[i] = full - pads[i] - pads[i + r];
      c.pad_begin[i] = pads[i];
    }
    if (c.out[i] <= 0) bad(g, n, "empty output");
  }
  return c;
}

void infer_ct(Graph& g, const Node& n) {
  const Tensor& x = in_t(g, n, 0);
  const Tensor& w = in_t(g, n, 1);
  const int64_t group = n.attr_int("group", 1);
  if (group <= 0 || group > kMaxDim || x.shape[1] != w.shape[0] || x.shape[1] % group) bad(g, n, "channels do not match the weights/group");
  CtGeom c = ct_geometry(g, n, x.shape, w.shape);
  Shape out = {x.shape[0], w.shape[1] * group};
  out.insert(out.end(), c.out.begin(), c.out.end());
  if (has_in(n, 2) && in_t(g, n, 2).elements() != out[1]) bad(g, n, "bias size differs from the output channels");
  set_out(g, n, 0, x.dtype, out);
}

void ref_ct(const Node& n, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  static const Graph none;
  const Tensor& x = *in[0];
  const Tensor& w = *in[1];
  const Tensor* b = in.size() > 2 ? in[2] : nullptr;
  Tensor& y = *out[0];
  const CtGeom c = ct_geometry(none, n, x.shape, w.shape);
  const size_t r = c.in.size();
  const int64_t N = x.shape[0], C = x.shape[1], G = n.attr_int("group", 1), Mg = w.shape[1], M = Mg * G, Cg = C / G;
  const int64_t in_sp = num_elements(c.in), out_sp = num_elements(c.out), k_sp = num_elements(c.kernel);
  const auto is = strides_of(c.in), ks = strides_of(c.kernel), os = strides_of(c.out);
  std::vector<double> acc(static_cast<size_t>(N * M * out_sp), 0.0);
  for (int64_t nb = 0; nb < N; ++nb)
    for (int64_t ci = 0; ci < C; ++ci) {
      const int64_t grp = ci / Cg;
      for (int64_t p = 0; p < in_sp; ++p) {
        const double xv = get_as_double(x, static_cast<size_t>((nb * C + ci) * in_sp + p));
        for (int64_t k = 0; k < k_sp; ++k) {
          int64_t off = 0;
          bool inside = true;
          for (size_t d = 0; d < r; ++d) {
            const int64_t pd = (p / is[d]) % c.in[d], kd = (k / ks[d]) % c.kernel[d];
            const int64_t o = pd * c.strides[d] + kd * c.dil[d] - c.pad_begin[d];
            if (o < 0 || o >= c.out[d]) {
              inside = false;
              break;
            }
            off += o * os[d];
          }
          if (!inside) continue;
          for (int64_t m = 0; m < Mg; ++m) {
            const double wv = get_as_double(w, static_cast<size_t>((ci * Mg + m) * k_sp + k));
            acc[static_cast<size_t>((nb * M + grp * Mg + m) * out_sp + off)] += xv * wv;
          }
        }
      }
    }
  for (int64_t nb = 0; nb < N; ++nb)
    for (int64_t m = 0; m < M; ++m)
      for (int64_t o = 0; o < out_sp; ++o) {
        const size_t e = static_cast<size_t>((nb * M + m) * out_sp + o);
        set_from_double(y, e, acc[e] + (b ? get_as_double(*b, static_cast<size_t>(m)) : 0.0));
      }
}

std::string check_ct(const Graph& g, const Node& n) {
  const Tensor& x = g.t(n.inputs[0]);
  if (x.dtype != DType::F32) return "only float32 is supported";
  if (x.shape.size() != 3 && x.shape.size() != 4) return "only 1-D and 2-D transposed convolutions are supported";
  if (g.t(n.inputs[1]).dtype != DType::F32 || (has_in(n, 2) && g.t(n.inputs[2]).dtype != DType::F32))
    return "weights and bias must be float32";
  return "";
}

void emit_ct(EmitContext& ctx, const Graph& g, const Node& n) {
  const Tensor& x = g.t(n.inputs[0]);
  const Tensor& w = g.t(n.inputs[1]);
  const Tensor& y = g.t(n.outputs[0]);
  const CtGeom c = ct_geometry(g, n, x.shape, w.shape);
  const bool runtime = !w.is_const || (has_in(n, 2) && !g.t(n.inputs[2]).is_const);
  const bool one = c.in.size() == 1;
  auto at = [&](const std::vector<int64_t>& v, int64_t dflt, bool h) { return one ? (h ? dflt : v[0]) : (h ? v[0] : v[1]); };
  const std::string id = ctx.layer_ident();
  ctx.use("eg_tensor");
  ctx.decl("static const eg_convtranspose_f32_params " + id + " = {" + s64(x.shape[0]) + ", " + s64(x.shape[1]) + ", " +
           s64(at(c.in, 1, true)) + ", " + s64(at(c.in, 1, false)) + ", " + s64(y.shape[1]) + ", " + s64(at(c.out, 1, true)) +
           ", " + s64(at(c.out, 1, false)) + ", " + s64(at(c.kernel, 1, true)) + ", " + s64(at(c.kernel, 1, false)) + ",\n    " +
           s64(at(c.strides, 1, true)) + ", " + s64(at(c.strides, 1, false)) + ", " + s64(at(c.dil, 1, true)) + ", " +
           s64(at(c.dil, 1, false)) + ", " + s64(at(c.pad_begin, 0, true)) + ", " + s64(at(c.pad_begin, 0, false)) + ", " +
           s64(n.attr_int("group", 1)) + ",\n    " + (runtime ? "0" : ctx.ptr(n.inputs[1])) + ", " +
           (has_in(n, 2) && !runtime ? ctx.ptr(n.inputs[2]) : "0") + "};");
  const std::string call = "eg_convtranspose_f32(&" + std::string(runtime ? "P" : id) + ", " + ctx.ptr(n.inputs[0]) + ", " +
                           ctx.ptr(n.outputs[0]) + ");";
  if (!runtime) {
    ctx.emit(call);
    return;
  }
  // weights or bias computed at run time: flash parameters with the pointers set per run
  ctx.emit("{");
  ctx.emit("  eg_convtranspose_f32_params P = " + id + ";");
  ctx.emit("  P.weights = " + ctx.ptr_as(n.inputs[1], "const float*") + ";");
  if (has_in(n, 2)) ctx.emit("  P.bias = " + ctx.ptr_as(n.inputs[2], "const float*") + ";");
  ctx.emit("  " + call);
  ctx.emit("}");
}

int64_t macc_ct(const Graph& g, const Node& n) {
  const Tensor& x = g.t(n.inputs[0]);
  const Tensor& w = g.t(n.inputs[1]);
  return x.elements() * (w.elements() / std::max<int64_t>(w.shape[0], 1)) + g.t(n.outputs[0]).shape[1];
}

}  // namespace

void register_tensor_conv() {
  register_op(make_op("ConvTranspose",
                      "float32, 1-D/2-D, weights/bias constant or computed at run time; groups, pads, auto_pad, "
                      "output_padding, output_shape, "
                      "strides, dilations",
                      {"float32"}, {infer_ct, ref_ct, check_ct, emit_ct, macc_ct}, "Conv2DTranspose"));
}

}  // namespace eg::ops
