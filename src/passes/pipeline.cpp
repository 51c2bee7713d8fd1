#include "passes/passes.h"

namespace eg::passes {

void replace_uses(Graph& g, TensorId from, TensorId to) {
  for (auto& n : g.nodes)
    for (auto& i : n.inputs)
      if (i == from) i = to;
  for (auto& o : g.outputs)
    if (o == from) o = to;
}

bool single_consumer(const Graph& g, TensorId id, int* consumer) {
  auto c = g.consumers(id);
  if (c.size() != 1 || g.is_graph_output(id)) return false;
  if (consumer) *consumer = c[0];
  return true;
}

TensorId dead_tensor(Graph& g, const std::string& base, DType dt) {
  Tensor t;
  t.name = g.unique_name(base + "_dead");
  t.dtype = dt;
  t.shape_known = true;
  return g.add_tensor(std::move(t));
}

void run_pipeline(Graph& g, PassLog& log) {
  fold_batchnorm(g, log);
  fold_qdq(g, log);
  fuse_activation(g, log);
  dead_code(g, log);
  rnn_last_step(g, log);
  dead_code(g, log);
  layout_nhwc(g, log);
  transpose_cleanup(g, log);
  fuse_table(g, log);
  constant_fold(g, log);
  dead_code(g, log);
  branch_guards(g, log);
  g.compact();
}

}  // namespace eg::passes
