// Which graph outputs feed which graph inputs at the next call (generate --stateful).
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "ir/graph.h"

namespace eg {

// Explicit "OUT=IN" pairs when given; otherwise declaration order: each output after the first is
// paired with the first still unpaired input after the first of the same dtype and shape (outputs
// with no such input stay ordinary outputs). Throws CompileError naming the model when a name is
// unknown, used twice, the two sides differ in type or shape, or no pair is found.
std::vector<Graph::StatePair> pair_states(const Graph& g, const std::vector<std::pair<std::string, std::string>>& given);

// The lowered network must keep each pair's two sides byte-compatible (same dtype and quantization):
// throws CompileError otherwise.
void check_state_pairs(const Graph& lowered);

}  // namespace eg
