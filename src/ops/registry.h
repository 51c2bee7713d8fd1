// The op registry: for each ONNX op, its shape/type inference, its reference
// semantics (ONNX meaning, used by the reference interpreter and constant
// folding) and the C kernels it can lower to. supported-ops, the importer's
// checks, the interpreter and the emitter all read this one table.
//
// Where to add an op: a file src/ops/<family>.cpp that calls register_op()
// from its register_<family>() function, listed in registry.cpp.
#pragma once
#include <functional>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "ir/graph.h"

namespace eg {
struct EmitContext;  // ops/emit_context.h
}

namespace eg::ops {

// Sets dtype and shape of every output of `n` from its inputs (and constant
// input values). Throws CompileError (via fail_node) when the node is invalid
// or uses a feature we do not support.
using InferFn = std::function<void(Graph& g, const Node& n)>;

// Computes the outputs of `n` following ONNX semantics. Inputs carry data
// (absent optional inputs are nullptr); outputs arrive with dtype and shape
// set and data sized to bytes().
using RefFn = std::function<void(const Node& n, std::span<const Tensor* const> in,
                                 std::span<Tensor* const> out)>;

// Writes the C statement(s) for one lowered node into ctx (see EmitContext).
using EmitFn = std::function<void(EmitContext& ctx, const Graph& g, const Node& n)>;

// Multiply-accumulate count of one node, with the rules of the seed report:
// MACs plus one per output channel for bias, 2 per element for conversions,
// half an element for transposes.
using MaccFn = std::function<int64_t(const Graph& g, const Node& n)>;

// "" when this node's configuration can be compiled to C; otherwise why not.
using CheckFn = std::function<std::string(const Graph& g, const Node& n)>;

// Bytes of scratch memory the node's kernel needs while it runs (planned in
// the activations buffer).
using ScratchFn = std::function<size_t(const Graph& g, const Node& n)>;

// How the QDQ folding pass treats the op when it sits between DequantizeLinear
// and QuantizeLinear (see passes/fold_qdq.cpp).
enum class QdqRole {
  FloatIsland,  // stays float; explicit conversion layers around it
  Compute,      // int8 kernel with int8 weights (input 1) and int32 bias (input 2): Conv, Gemm, MatMul
  Movement,     // int8 kernel when input and output quantization are equal: Transpose, MaxPool...
  Requantize,   // int8 kernel reading the input/output quantization from the tensors: Add, AveragePool...
  RnnIsland,    // float math, but reads int8 input and writes int8 outputs itself: GRU, LSTM
};

struct OpDef {
  std::string op;
  std::string constraints;          // shown by supported-ops
  std::vector<std::string> dtypes;  // shown by supported-ops: "float32", "int8 (QDQ)", ...
  InferFn infer;
  RefFn ref;
  EmitFn emit;
  MaccFn macc;
  CheckFn check;
  ScratchFn scratch;
  // The kernel has a scratch-free path too (slower): under --optimization ram the
  // planner grants this scratch only where it does not grow the buffer.
  bool scratch_optional = false;
  std::string c_layer_type;  // report name of the C layer: "Conv2D", "Dense", "GRU"...
  QdqRole qdq = QdqRole::FloatIsland;
  // The kernel runs channels-last: the layout pass gives the node NHWC (or
  // NWC) input/output with attribute layout="NHWC" (see passes/layout_nhwc.cpp).
  bool channels_last = false;
  // The node's float kernel can read its constant weights (input 1) as codebook indices
  // (ops/codebook.h), which it does when passes/weight_sharing gives it attribute codebook_bits.
  std::function<bool(const Graph& g, const Node& n)> codebook_weights;
  // Element-wise: output i depends only on input 0's element i (same size), so
  // the kernel may write over input 0 when nothing reads it later.
  bool inplace = false;
};

// The functions of an op, in the order make_op takes them (If/Loop/Scan have only infer).
struct OpFns {
  InferFn infer;
  RefFn ref;
  CheckFn check;
  EmitFn emit;
  MaccFn macc;
};

// An op's definition from its name, supported-ops text and functions; the report's layer
// type and the QDQ role are optional, the other traits are set on the result.
OpDef make_op(std::string op, std::string constraints, std::vector<std::string> dtypes, OpFns fns,
              std::string c_layer_type = {}, QdqRole qdq = QdqRole::FloatIsland);

// CheckFn of ops whose every configuration the kernel handles.
std::string any_config(const Graph& g, const Node& n);
// MaccFn of movement ops (no arithmetic) and of ops that do one operation per output element.
int64_t macc_none(const Graph& g, const Node& n);
int64_t macc_per_output(const Graph& g, const Node& n);

void register_op(OpDef def);
const OpDef* find_op(const std::string& op);
const std::map<std::string, OpDef>& all_ops();

// Fill dtype/shape of every tensor in g in node order, folding nodes whose
// inputs are all constant (except those listed in keep_ops). Throws CompileError
// on unsupported ops.
void infer_shapes(Graph& g, bool fold_constants = true,
                  const std::vector<std::string>& keep_ops = {});

// Sets the node's output dtypes/shapes (OpDef::infer) and checks that every output is a
// tensor edgegen can hold (tensor_size_problem with g.max_tensor_bytes); errors name the node.
void infer_node(Graph& g, const Node& n);

// Run one node's reference on tensors of g (which must be constant), producing
// constant output tensors in g.
void evaluate_node_into(Graph& g, const Node& n);

}  // namespace eg::ops
