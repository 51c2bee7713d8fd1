// Shared helpers of the tensor op files (tensor_*.cpp): the per-axis index
// gather plan that Slice/Pad/Tile/Expand/DepthToSpace/... lower to, inputs as
// tensor pointers for infer/ref/emit alike, and small emit helpers.
#pragma once
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "ops/emit_context.h"
#include "ops/common.h"
#include "ops/registry.h"
#include "util/checked.h"

namespace eg::ops {

// out[i_0..i_r-1] = in[sum_d tables[d][i_d]] (element offsets); a negative
// entry on any axis produces `fill` (zeros when absent).
struct GatherPlan {
  Shape out_shape;
  std::vector<std::vector<int64_t>> tables;
  std::optional<Tensor> fill;  // one element of the output dtype
};

// Inputs of n as pointers into g (nullptr for absent ones).
std::vector<const Tensor*> graph_inputs(const Graph& g, const Node& n);

// Throws (user error) unless input i is present and constant.
void need_const(const Graph& g, const Node& n, size_t i);

void apply_gather_plan(const GatherPlan& p, const Tensor& in, Tensor& out);
void emit_gather_plan(EmitContext& ctx, const Graph& g, const Node& n, const GatherPlan& p, TensorId in,
                      TensorId out);

// Runs the op's reference at compile time (input data is only read when the
// inputs are constant) and emits a copy of each output: shape-only ops whose
// result is a graph output.
void emit_precomputed(EmitContext& ctx, const Graph& g, const Node& n);

// "(const uint8_t*)... + off" byte address of tensor id.
std::string byte_ptr(EmitContext& ctx, TensorId id, int64_t offset, bool is_const);

// The output shape an op is about to build per-axis tables for: refused (naming the node) when
// it has a negative or huge dim or exceeds g.max_tensor_bytes, before anything is allocated.
void guard_out_shape(const Graph& g, const Node& n, DType dt, const Shape& s);

// EG_TENSOR_* type code of the runtime (eg_tensor.h); -1 when not supported.
int type_code(DType t);

inline std::string s64(int64_t v) { return std::to_string(v); }

void register_tensor_resize();
void register_tensor_index();
void register_tensor_conv();
void register_tensor_quant();

}  // namespace eg::ops
