// Structural validity of an imported graph, checked once before anything else
// runs on it, in time linear in its size.
#pragma once
#include "ir/graph.h"

namespace eg {

// Rejects (CompileError naming the model, node and reason) a graph with no inputs or no
// outputs, a graph input or output listed twice, a node with no outputs, a tensor with two
// producers, a node writing a graph input or a constant, an input nothing produces, and
// cycles; then puts the nodes in topological order (file order kept where it is valid).
void check_graph(Graph& g);

}  // namespace eg
