// Relu / Clip after a float Conv, Gemm or MatMul become the kernel's clamp.
#include "ops/common.h"
#include "passes/passes.h"

namespace eg::passes {

void fuse_activation(Graph& g, PassLog& log) {
  int fused = 0;
  for (size_t k = 0; k < g.nodes.size(); ++k) {
    Node& n = g.nodes[k];
    if (n.op != "Conv" && n.op != "Gemm" && n.op != "MatMul") continue;
    if (g.t(n.outputs[0]).dtype != DType::F32 || n.has_attr("act_min") || n.has_attr("act_max")) continue;
    int c = -1;
    if (!single_consumer(g, n.outputs[0], &c)) continue;
    Node& a = g.nodes[static_cast<size_t>(c)];
    float lo, hi;
    if (a.op == "Relu") {
      lo = 0.0f;
      hi = std::numeric_limits<float>::infinity();
    } else if (a.op == "Clip") {
      lo = a.attr_float("min", -std::numeric_limits<float>::infinity());
      hi = a.attr_float("max", std::numeric_limits<float>::infinity());
      if (ops::has_in(a, 1)) {
        if (!g.t(a.inputs[1]).is_const) continue;
        lo = g.t(a.inputs[1]).as_float()[0];
      }
      if (ops::has_in(a, 2)) {
        if (!g.t(a.inputs[2]).is_const) continue;
        hi = g.t(a.inputs[2]).as_float()[0];
      }
    } else {
      continue;
    }
    if (std::isfinite(lo)) n.attrs["act_min"] = lo;
    if (std::isfinite(hi)) n.attrs["act_max"] = hi;
    const TensorId out = a.outputs[0];
    a.outputs[0] = dead_tensor(g, a.name, DType::F32);
    g.nodes[k].outputs[0] = out;
    n.origin.insert(n.origin.end(), a.origin.begin(), a.origin.end());
    ++fused;
  }
  if (fused) log.add("fuse-activation: " + std::to_string(fused) + " Relu/Clip fused into their producer");
}

}  // namespace eg::passes
