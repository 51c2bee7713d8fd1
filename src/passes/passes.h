// Graph-to-graph passes, one per file. Each takes the graph after shape
// inference and keeps it valid (shapes, dtypes, topological order). Each
// returns a short note for the report when it changed something.
#pragma once
#include <string>
#include <vector>

#include "ir/graph.h"

namespace eg::passes {

struct PassLog {
  std::vector<std::string> notes;
  void add(std::string s) { notes.push_back(std::move(s)); }
};

// QDQ: int8 kernels from DequantizeLinear -> op -> QuantizeLinear, int8 graph
// I/O, float islands with fused or explicit conversions.
void fold_qdq(Graph& g, PassLog& log);
// Inference BatchNormalization after a float Conv into the Conv weights.
void fold_batchnorm(Graph& g, PassLog& log);
// Relu/Clip into the producing Conv/Gemm/MatMul (float graphs).
void fuse_activation(Graph& g, PassLog& log);
// A Gather of an RNN's last time step becomes the RNN's final state output.
void rnn_last_step(Graph& g, PassLog& log);
// Conv to NHWC with transposes at the edges.
void layout_nhwc(Graph& g, PassLog& log);
// Compose, sink, drop and de-materialize transposes.
void transpose_cleanup(Graph& g, PassLog& log);
// An int8 LookupTable (e.g. a Relu between two quantizations) after an int8 Conv into the
// Conv's out table (applied by its kernel before the store).
void fuse_table(Graph& g, PassLog& log);
// Evaluate nodes whose inputs are all constant.
void constant_fold(Graph& g, PassLog& log);
// Drop nodes and optional outputs nobody reads.
void dead_code(Graph& g, PassLog& log);
// Nodes added around a run-time If branch's nodes run under the branch's guard (ops/control_flow.h).
void branch_guards(Graph& g, PassLog& log);

// The whole pipeline in its order.
void run_pipeline(Graph& g, PassLog& log);

// Helpers shared by passes.
void replace_uses(Graph& g, TensorId from, TensorId to);  // in node inputs and graph outputs
bool single_consumer(const Graph& g, TensorId id, int* consumer = nullptr);
// A fresh tensor for an output nobody will read (dead-code removes its node).
TensorId dead_tensor(Graph& g, const std::string& base, DType dt);

}  // namespace eg::passes
