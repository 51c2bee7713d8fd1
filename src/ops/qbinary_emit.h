// The one emitter of eg_qbinary_s8 / eg_qaddsub_s8_tab calls (elementwise.cpp), shared by ONNX's int8
// Add/Sub/Mul and TFLite's int8 ADD/SUB when their requantization folds into tables (qadd_fold.c).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "ir/graph.h"
#include "ops/emit_context.h"

extern "C" {
#include "eg_eltwise_bin.h"
}

namespace eg::ops {

// Declares node n's eg_qbinary_s8_params (p's numbers, the broadcast of n's inputs to its output, the
// tables when tab is not empty: p.tab_shift must then be their shift) and emits the call: the tables'
// entry point eg_qaddsub_s8_tab, else eg_qbinary_s8. pa, pb: the operands' C pointers.
void emit_qbinary_call(EmitContext& ctx, const Graph& g, const Node& n, const eg_qbinary_s8_params& p,
                       const std::vector<int32_t>& tab, const std::string& pa, const std::string& pb);

}  // namespace eg::ops
