// SignFlip8: the I/O conversion between uint8 (zero point z + 128) and int8 (zero point z) at the
// same scale, inserted by passes/io_format.cpp for --input/output-data-type uint8 on an int8
// network. The same quantized values: the top bit flipped, in place when the input dies there.
#include "ops/common.h"
#include "ops/emit_context.h"
#include "ops/registry.h"

namespace eg::ops {
namespace {

void infer_sign_flip(Graph& g, const Node& n) {
  const Tensor& x = in_t(g, n, 0);
  if (x.dtype != DType::I8 && x.dtype != DType::U8) bad(g, n, "SignFlip8 converts int8 <-> uint8");
  const DType to = x.dtype == DType::I8 ? DType::U8 : DType::I8;
  std::optional<QuantParams> q = x.quant;
  set_out(g, n, 0, to, x.shape);
  if (q) {
    for (auto& z : q->zero_point) z += to == DType::U8 ? 128 : -128;
    g.t(n.outputs[0]).quant = q;
  }
}

void ref_sign_flip(const Node&, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  const auto& x = in[0]->data;
  auto& y = out[0]->data;
  for (size_t i = 0; i < x.size() && i < y.size(); ++i) y[i] = static_cast<uint8_t>(x[i] ^ 0x80u);
}

void emit_sign_flip(EmitContext& ctx, const Graph& g, const Node& n) {
  ctx.use("eg_io");
  ctx.emit("eg_sign_flip_8(" + ctx.ptr_as(n.inputs[0], "const uint8_t*") + ", " + ctx.ptr_as(n.outputs[0], "uint8_t*") +
           ", " + std::to_string(g.t(n.inputs[0]).elements()) + ");");
}

}  // namespace

void register_io_convert() {
  OpDef d = make_op("SignFlip8",
                    "internal: int8 <-> uint8 at the same scale (zero point +-128), for --input/output-data-type",
                    {"int8 -> uint8", "uint8 -> int8"},
                    {infer_sign_flip, ref_sign_flip, any_config, emit_sign_flip, macc_per_output}, "Conversion");
  d.inplace = true;
  register_op(d);
}

}  // namespace eg::ops
