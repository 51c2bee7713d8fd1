#include "ref/interpreter.h"

#include "ops/control_flow.h"
#include "ops/registry.h"
#include "util/error.h"

namespace eg::ref {

std::vector<Tensor> run(const Graph& model, const std::vector<Tensor>& inputs) {
  const Graph g = run_graph(model, inputs);
  std::vector<Tensor> out;
  for (TensorId o : g.outputs) out.push_back(g.t(o));
  return out;
}

Graph run_graph(const Graph& model, const std::vector<Tensor>& inputs) {
  Graph g = model;
  if (inputs.size() != g.inputs.size())
    fail(g.model_path, "reference run needs " + std::to_string(g.inputs.size()) + " input(s), got " +
                           std::to_string(inputs.size()));
  for (size_t i = 0; i < inputs.size(); ++i) {
    Tensor& t = g.t(g.inputs[i]);
    if (inputs[i].bytes() != t.bytes() || inputs[i].dtype != t.dtype)
      fail(g.model_path, "reference input '" + t.name + "' expects " + std::string(dtype_name(t.dtype)) + "[" +
                             shape_str(t.shape) + "]");
    t.data = inputs[i].data;
    t.is_const = true;
  }
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    // every input is known here, so every If condition and Loop count is too: expand them
    while (i < g.nodes.size() && ops::expand_control_flow(g, i)) {
    }
    if (i >= g.nodes.size()) break;
    const Node n = g.nodes[i];
    // shapes were inferred at compile time; recompute for safety on this copy
    ops::infer_node(g, n);
    ops::evaluate_node_into(g, n);
  }
  return g;
}

}  // namespace eg::ref
