#pragma once
// Every tensor's producer and readers, found in one walk over the nodes.
#include <vector>

#include "ir/graph.h"

namespace eg {

// Graph::producer and Graph::consumers walk the nodes on every call: a pass asking them for each
// node is quadratic in the graph's size. Same answers as those; valid while no node, input or
// output of the graph changes (attributes may).
class TensorUses {
 public:
  explicit TensorUses(const Graph& g);
  int producer(TensorId id) const;                       // as Graph::producer
  const std::vector<int>& consumers(TensorId id) const;  // as Graph::consumers

 private:
  std::vector<int> producer_;
  std::vector<std::vector<int>> consumers_;
};

}  // namespace eg
