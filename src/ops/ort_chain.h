// ONNX Runtime's float chain of an int8 QDQ Conv / Gemm as the runtime reads it (eg_ort_chain,
// runtime/eg_ort_exact.h): the float32 scales of its DequantizeLinear / QuantizeLinear nodes, so the
// reference kernels recompute the rare outputs whose exact value lies near a rounding tie the way
// ONNX Runtime (graph optimizations disabled) computes them.
#pragma once
#include <string>

#include "eg_conv_path.h"  // runtime/: which kernel reads the chain
#include "ir/graph.h"
#include "ops/emit_context.h"

namespace eg::ops {

// What ONNX Runtime runs for node n (runtime/eg_ort_exact.h EG_ORT_*): "EG_ORT_CONV" for Conv,
// "EG_ORT_GEMM_TB" for Gemm with transB = 1, "EG_ORT_GEMM_NT" for other Gemm / MatMul.
std::string ort_op(const Node& n);

// Declares the layer's eg_ort_chain (weights n.inputs[1], bias n.inputs[2] if any, input n.inputs[0])
// with output scale y_scale and returns its address for the params' `ort` field; "0" (no chain, no
// float scales in flash) when the kernel `path` does not read it on the target's cores
// (eg_conv_s8_reads_ort: not yet the DSP paths).
std::string emit_ort_chain(EmitContext& ctx, const Graph& g, const Node& n, const std::string& id, int64_t out_c,
                           float y_scale, eg_conv_s8_path path);

}  // namespace eg::ops
