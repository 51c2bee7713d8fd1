#include "ir/graph_check.h"

#include <queue>

#include "util/error.h"

namespace eg {
namespace {

std::string node_label(const Node& n) { return "node '" + n.name + "' (" + n.op + ")"; }

}  // namespace

void check_graph(Graph& g) {
  const std::string& model = g.model_path;
  const size_t n_tensors = g.tensors.size();
  auto valid_id = [&](TensorId id) { return id >= 0 && static_cast<size_t>(id) < n_tensors; };
  if (g.inputs.empty()) fail(model, "the graph has no inputs: its outputs are constants, nothing to compute at run time");
  if (g.outputs.empty()) fail(model, "the graph has no outputs");

  // What is available before any node runs: graph inputs and constants.
  std::vector<char> is_input(n_tensors, 0), is_output(n_tensors, 0);
  for (TensorId id : g.inputs) {
    if (!valid_id(id)) fail(model, "graph input refers to no tensor");
    if (is_input[static_cast<size_t>(id)]) fail(model, "graph input '" + g.t(id).name + "' is listed twice");
    is_input[static_cast<size_t>(id)] = 1;
  }
  for (TensorId id : g.outputs) {
    if (!valid_id(id)) fail(model, "graph output refers to no tensor");
    if (is_output[static_cast<size_t>(id)]) fail(model, "graph output '" + g.t(id).name + "' is listed twice");
    is_output[static_cast<size_t>(id)] = 1;
  }

  // One producer per tensor, and never a graph input or a constant.
  std::vector<int> producer(n_tensors, -1);
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    const Node& n = g.nodes[i];
    bool any_output = false;
    for (TensorId o : n.outputs) {
      if (o == kNoTensor) continue;
      if (!valid_id(o)) fail_node(model, n.name, n.op, "output refers to no tensor");
      any_output = true;
      const Tensor& t = g.t(o);
      if (is_input[static_cast<size_t>(o)]) fail_node(model, n.name, n.op, "writes graph input '" + t.name + "'");
      if (t.is_const) fail_node(model, n.name, n.op, "writes constant '" + t.name + "'");
      if (int p = producer[static_cast<size_t>(o)]; p >= 0)
        fail_node(model, n.name, n.op,
                  "tensor '" + t.name + "' is already produced by " + node_label(g.nodes[static_cast<size_t>(p)]));
      producer[static_cast<size_t>(o)] = static_cast<int>(i);
    }
    if (!any_output) fail_node(model, n.name, n.op, "the node has no outputs");
    for (TensorId in : n.inputs) {
      if (in == kNoTensor) continue;
      if (!valid_id(in)) fail_node(model, n.name, n.op, "input refers to no tensor");
    }
  }
  for (size_t i = 0; i < g.nodes.size(); ++i)
    for (TensorId in : g.nodes[i].inputs)
      if (in != kNoTensor && producer[static_cast<size_t>(in)] < 0 && !is_input[static_cast<size_t>(in)] &&
          !g.t(in).is_const)
        fail_node(model, g.nodes[i].name, g.nodes[i].op, "input '" + g.t(in).name + "' is produced by no node");
  for (TensorId id : g.outputs)
    if (producer[static_cast<size_t>(id)] < 0 && !is_input[static_cast<size_t>(id)] && !g.t(id).is_const)
      fail(model, "graph output '" + g.t(id).name + "' is produced by no node");

  // Topological order (Kahn), keeping the file order wherever it is already valid.
  const size_t n_nodes = g.nodes.size();
  std::vector<int> waiting(n_nodes, 0);                 // inputs not yet produced
  std::vector<std::vector<int>> readers(n_tensors);     // nodes reading each produced tensor
  for (size_t i = 0; i < n_nodes; ++i)
    for (TensorId in : g.nodes[i].inputs)
      if (in != kNoTensor && producer[static_cast<size_t>(in)] >= 0) {
        readers[static_cast<size_t>(in)].push_back(static_cast<int>(i));
        ++waiting[i];
      }
  std::priority_queue<int, std::vector<int>, std::greater<int>> ready;
  for (size_t i = 0; i < n_nodes; ++i)
    if (waiting[i] == 0) ready.push(static_cast<int>(i));
  std::vector<int> order;
  order.reserve(n_nodes);
  while (!ready.empty()) {
    const int i = ready.top();
    ready.pop();
    order.push_back(i);
    for (TensorId o : g.nodes[static_cast<size_t>(i)].outputs)
      if (o != kNoTensor)
        for (int r : readers[static_cast<size_t>(o)])
          if (--waiting[static_cast<size_t>(r)] == 0) ready.push(r);
  }
  if (order.size() != n_nodes) {
    for (size_t i = 0; i < n_nodes; ++i)
      if (waiting[i] > 0)
        fail_node(model, g.nodes[i].name, g.nodes[i].op, "the node is part of a cycle (its inputs depend on its outputs)");
  }
  bool sorted = true;
  for (size_t k = 0; k < n_nodes; ++k) sorted = sorted && order[k] == static_cast<int>(k);
  if (sorted) return;
  std::vector<Node> nodes;
  nodes.reserve(n_nodes);
  for (int i : order) nodes.push_back(std::move(g.nodes[static_cast<size_t>(i)]));
  g.nodes = std::move(nodes);
}

}  // namespace eg
