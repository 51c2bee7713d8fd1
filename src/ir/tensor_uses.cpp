#include "ir/tensor_uses.h"

namespace eg {

TensorUses::TensorUses(const Graph& g) : producer_(g.tensors.size(), -1), consumers_(g.tensors.size()) {
  auto known = [&](TensorId id) { return id >= 0 && static_cast<size_t>(id) < g.tensors.size(); };
  for (size_t n = 0; n < g.nodes.size(); ++n) {
    const int node = static_cast<int>(n);
    for (TensorId o : g.nodes[n].outputs)
      if (known(o) && producer_[static_cast<size_t>(o)] < 0) producer_[static_cast<size_t>(o)] = node;
    for (TensorId i : g.nodes[n].inputs) {
      if (!known(i)) continue;
      auto& readers = consumers_[static_cast<size_t>(i)];
      if (readers.empty() || readers.back() != node) readers.push_back(node);  // a node reads a tensor once
    }
  }
}

int TensorUses::producer(TensorId id) const {
  return id >= 0 && static_cast<size_t>(id) < producer_.size() ? producer_[static_cast<size_t>(id)] : -1;
}

const std::vector<int>& TensorUses::consumers(TensorId id) const {
  static const std::vector<int> kNone;
  return id >= 0 && static_cast<size_t>(id) < consumers_.size() ? consumers_[static_cast<size_t>(id)] : kNone;
}

}  // namespace eg
