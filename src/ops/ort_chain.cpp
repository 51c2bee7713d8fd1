#include "ops/ort_chain.h"

#include <vector>

#include "ops/common.h"

namespace eg::ops {

std::string ort_op(const Node& n) {
  if (n.op == "Conv") return "EG_ORT_CONV";
  if (n.op == "Gemm" && n.attr_int("transB", 0)) return "EG_ORT_GEMM_TB";
  return "EG_ORT_GEMM_NT";
}

std::string emit_ort_chain(EmitContext& ctx, const Graph& g, const Node& n, const std::string& id, int64_t out_c,
                           float y_scale, eg_conv_s8_path path) {
  if (!eg_conv_s8_reads_ort(path, g.dsp_kernels ? 1 : 0)) return "0";
  const Tensor& x = g.t(n.inputs[0]);
  const QuantParams& wq = *g.t(n.inputs[1]).quant;
  const Tensor* b = has_in(n, 2) ? &g.t(n.inputs[2]) : nullptr;
  std::vector<float> ws(static_cast<size_t>(out_c)), bs(static_cast<size_t>(out_c));
  for (int64_t c = 0; c < out_c; ++c) {
    const auto i = static_cast<size_t>(c);
    ws[i] = wq.scale.size() > 1 ? wq.scale[i] : wq.scale[0];
    // the bias's own DequantizeLinear scale when the model gives one, else input x weight scale
    bs[i] = b && b->quant ? (b->quant->scale.size() > 1 ? b->quant->scale[i] : b->quant->scale[0])
                          : x.quant->scale[0] * ws[i];
  }
  // the usual bias scale (input x weight scale in float) is computed at run time: no array
  bool usual = true;
  for (int64_t c = 0; c < out_c; ++c)
    usual = usual && bs[static_cast<size_t>(c)] == x.quant->scale[0] * ws[static_cast<size_t>(c)];
  const std::string w = ctx.add_array(id + "_ort_ws", make_const("ws", DType::F32, {out_c}, ws), n.name, true);
  const std::string bias =
      b && !usual ? ctx.add_array(id + "_ort_bs", make_const("bs", DType::F32, {out_c}, bs), n.name, true) : "0";
  ctx.decl("static const eg_ort_chain " + id + "_ort = {" + ort_op(n) + ", " + EmitContext::float_lit(x.quant->scale[0]) +
           ", " + EmitContext::float_lit(y_scale) + ", " + w + ", " + bias + "};");
  return "&" + id + "_ort";
}

}  // namespace eg::ops
