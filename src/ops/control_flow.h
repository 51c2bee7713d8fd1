// Control flow known at compile time (If, Loop, Scan), expanded in place while shapes are inferred.
#pragma once
#include <cstddef>

#include "ir/graph.h"

namespace eg::ops {

// When g.nodes[i] is an If/Loop/Scan whose control is known now (constant condition, trip count,
// static sequence), replaces it by the inlined body copies (a Loop keeps a node for the remaining
// iterations) and returns true; otherwise returns false and leaves the graph unchanged.
bool expand_control_flow(Graph& g, size_t i);

}  // namespace eg::ops
