// An int8 element-wise table (LookupTable: e.g. the Relu of a QDQ model between two
// different quantizations) right after an int8 Conv becomes the Conv's output
// table: the kernel looks each requantized output up before storing it, which
// saves a pass over the activations and its buffer. Exact: the table is applied
// to the same int8 values. The Conv keeps its own output quantization in the
// attributes "pre_table_scale" / "pre_table_zp" (its output tensor is now the
// table's, with the table's quantization).
#include "passes/passes.h"

namespace eg::passes {

void fuse_table(Graph& g, PassLog& log) {
  int fused = 0;
  for (size_t k = 0; k < g.nodes.size(); ++k) {
    Node& n = g.nodes[k];
    if (n.op != "Conv" || n.has_attr("out_table") || n.outputs.size() != 1) continue;
    const Tensor& x = g.t(n.inputs[0]);
    const Tensor& y = g.t(n.outputs[0]);
    // int8 Conv (emitted by the int8 kernels) on a computed input (a constant one is folded, by the
    // float reference of the unfused graph)
    if (x.dtype != DType::I8 || x.is_const || !x.quant) continue;
    if (y.dtype != DType::I8 || !y.quant || y.quant->scale.size() != 1 || y.quant->zero_point.size() != 1) continue;
    int c = -1;
    if (!single_consumer(g, n.outputs[0], &c)) continue;
    Node& a = g.nodes[static_cast<size_t>(c)];
    if (a.op != "LookupTable" || a.inputs.size() != 1 || a.outputs.size() != 1 || a.inputs[0] != n.outputs[0])
      continue;
    const Tensor* table = a.attr_tensor("table");
    if (!table || table->dtype != DType::I8 || table->elements() != 256) continue;
    if (g.t(a.outputs[0]).dtype != DType::I8 || g.t(a.outputs[0]).shape != y.shape) continue;
    n.attrs["pre_table_scale"] = y.quant->scale[0];
    n.attrs["pre_table_zp"] = static_cast<int64_t>(y.quant->zero_point[0]);
    n.attrs["out_table"] = *table;
    const TensorId out = a.outputs[0];
    a.outputs[0] = dead_tensor(g, a.name, DType::I8);  // `y` dangles from here on
    n.outputs[0] = out;
    n.origin.insert(n.origin.end(), a.origin.begin(), a.origin.end());
    ++fused;
  }
  if (fused) log.add("fuse-table: " + std::to_string(fused) + " int8 table(s) (e.g. Relu between two quantizations) applied by the Conv before it stores");
}

}  // namespace eg::passes
