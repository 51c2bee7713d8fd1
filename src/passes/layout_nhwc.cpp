// Convolutions and pools (OpDef::channels_last) run channels-last (NHWC / NWC):
// inputs stream contiguously over channels, which is what the int8 kernels
// want. Each such node gets a transpose to NHWC before and back to NCHW after
// (Conv weights become OHWI); transpose_cleanup then removes the pairs that
// cancel and turns unit-axis moves into free views.
#include "ops/common.h"
#include "ops/registry.h"
#include "ops/window.h"
#include "passes/passes.h"

namespace eg::passes {
namespace {

Tensor permuted_like(const Graph& g, TensorId src, const std::vector<int64_t>& perm, const std::string& suffix) {
  const Tensor& s = g.t(src);
  Tensor t;
  t.name = g.unique_name(s.name + suffix);
  t.dtype = s.dtype;
  t.quant = s.quant;
  t.shape_known = true;
  for (auto p : perm) t.shape.push_back(s.shape[static_cast<size_t>(p)]);
  return t;
}

Node transpose_node(const std::string& name, TensorId in, TensorId out, const std::vector<int64_t>& perm,
                    const std::vector<int>& origin) {
  Node n;
  n.name = name;
  n.op = "Transpose";
  n.inputs = {in};
  n.outputs = {out};
  n.attrs["perm"] = perm;
  n.origin = origin;
  return n;
}

// [M, C/g, kH, kW] -> [M, kH, kW, C/g] (or [M, C/g, kW] -> [M, kW, C/g]).
Tensor weights_ohwi(const Tensor& w) {
  Tensor o = w;
  const size_t r = w.shape.size();
  std::vector<int64_t> perm = {0};
  for (size_t i = 2; i < r; ++i) perm.push_back(static_cast<int64_t>(i));
  perm.push_back(1);
  o.shape.clear();
  for (auto p : perm) o.shape.push_back(w.shape[static_cast<size_t>(p)]);
  const auto ws = ops::strides_of(w.shape), os = ops::strides_of(o.shape);
  const size_t es = dtype_size(w.dtype);
  for (int64_t i = 0; i < w.elements(); ++i) {
    int64_t src = 0;
    for (size_t d = 0; d < r; ++d) src += ((i / os[d]) % o.shape[d]) * ws[static_cast<size_t>(perm[d])];
    std::memcpy(&o.data[static_cast<size_t>(i) * es], &w.data[static_cast<size_t>(src) * es], es);
  }
  return o;
}

}  // namespace

void layout_nhwc(Graph& g, PassLog& log) {
  int count = 0;
  std::vector<Node> out;
  for (size_t k = 0; k < g.nodes.size(); ++k) {
    Node n = g.nodes[k];
    const ops::OpDef* def = ops::find_op(n.op);
    const size_t r = n.inputs.empty() || n.inputs[0] == kNoTensor ? 0 : g.t(n.inputs[0]).shape.size();
    const bool is_conv = n.op == "Conv";
    if (!def || !def->channels_last || (r != 3 && r != 4) || n.attr_string("layout", "NCHW") == "NHWC" ||
        (is_conv && !g.t(n.inputs[1]).is_const && g.t(n.inputs[0]).dtype != DType::F32)) {
      out.push_back(std::move(n));
      continue;
    }
    if (is_conv) {
      // explicit geometry, so the kernel needs no auto_pad logic
      const Tensor& x = g.t(n.inputs[0]);
      const Tensor& w = g.t(n.inputs[1]);
      std::vector<int64_t> spatial(x.shape.begin() + 2, x.shape.end()), kernel(w.shape.begin() + 2, w.shape.end());
      const ops::Window win = ops::window_geometry(g, n, spatial, kernel);
      n.attrs["strides"] = win.strides;
      n.attrs["dilations"] = win.dilations;
      n.attrs["pads"] = win.pad_begin;  // the kernel derives the end from the output size
      n.attrs.erase("auto_pad");
    }
    std::vector<int64_t> to_nhwc = r == 3 ? std::vector<int64_t>{0, 2, 1} : std::vector<int64_t>{0, 2, 3, 1};
    std::vector<int64_t> to_nchw = r == 3 ? std::vector<int64_t>{0, 2, 1} : std::vector<int64_t>{0, 3, 1, 2};
    const TensorId xin = n.inputs[0], yout = n.outputs[0];
    const TensorId xt = g.add_tensor(permuted_like(g, xin, to_nhwc, "_nhwc"));
    const TensorId yt = g.add_tensor(permuted_like(g, yout, to_nhwc, "_nhwc"));
    out.push_back(transpose_node(n.name + "_to_nhwc", xin, xt, to_nhwc, n.origin));
    n.inputs[0] = xt;
    if (is_conv && g.t(n.inputs[1]).is_const) {
      Tensor wt = weights_ohwi(g.t(n.inputs[1]));
      wt.name = g.unique_name(wt.name + "_ohwi");
      n.inputs[1] = g.add_tensor(wt);
    } else if (is_conv) {  // weights computed at run time: transposed to OHWI at run time
      const TensorId wt = g.add_tensor(permuted_like(g, n.inputs[1], to_nhwc, "_ohwi"));
      out.push_back(transpose_node(n.name + "_w_ohwi", n.inputs[1], wt, to_nhwc, n.origin));
      n.inputs[1] = wt;
    }
    n.outputs[0] = yt;
    n.attrs["layout"] = std::string("NHWC");
    out.push_back(n);
    out.push_back(transpose_node(n.name + "_to_nchw", yt, yout, to_nchw, n.origin));
    ++count;
  }
  g.nodes = std::move(out);
  if (count) log.add("layout: " + std::to_string(count) + " convolution/pooling layer(s) run channels-last");
}

}  // namespace eg::passes
