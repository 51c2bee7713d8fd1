// LookupTable: the lowered form of an int8 element-wise function (made by
// passes/fold_qdq.cpp from DequantizeLinear -> op -> QuantizeLinear). The
// attribute "table" holds the 256 outputs for inputs -128..127.
#include "ops/emit_context.h"
#include "ops/common.h"
#include "ops/registry.h"

namespace eg::ops {
namespace {

void infer_lut(Graph& g, const Node& n) {
  const Tensor& x = in_t(g, n, 0);
  set_out(g, n, 0, DType::I8, x.shape);
}

void ref_lut(const Node& n, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  const Tensor* table = n.attr_tensor("table");
  const auto t = table->values<int8_t>();
  const auto x = in[0]->values<int8_t>();
  auto y = out[0]->mutable_values<int8_t>();
  for (size_t i = 0; i < x.size(); ++i) y[i] = t[static_cast<size_t>(x[i] + 128)];
}

void emit_lut(EmitContext& ctx, const Graph& g, const Node& n) {
  const Tensor* table = n.attr_tensor("table");
  const std::string sym = ctx.add_array(ctx.layer_ident() + "_table", *table, n.name, true);
  ctx.use("eg_lut");
  ctx.emit("eg_lut_s8(" + ctx.ptr(n.inputs[0]) + ", " + ctx.ptr(n.outputs[0]) + ", " +
           std::to_string(g.t(n.inputs[0]).elements()) + ", " + sym + ");");
}

}  // namespace

void register_lut() {
  OpDef d = make_op("LookupTable", "internal: int8 element-wise function of a QDQ model as a 256-entry table",
                    {"int8 (QDQ)"}, {infer_lut, ref_lut, any_config, emit_lut, macc_per_output}, "Nonlinearity");
  d.inplace = true;
  register_op(d);
}

}  // namespace eg::ops
