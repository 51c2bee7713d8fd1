// Memory planner: every non-constant tensor gets an offset in one activations
// buffer, from tensor lifetimes over the execution order. Views (Reshape and
// friends) share their source's bytes; kernel scratch lives only during its node.
#pragma once
#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "ir/graph.h"

namespace eg::plan {

struct Block {
  TensorId tensor = kNoTensor;  // kNoTensor for a scratch block
  int node = -1;                // owning node for scratch
  size_t offset = 0;
  size_t size = 0;
  int first = 0, last = 0;      // live from node `first` to node `last` (inclusive)
  int uses = 0;                 // nodes that read or write it: how hot its bytes are
  int region = 0;               // --memory-pool: index of its RAM region
};

// --memory-pool: one RAM region the activations may use, fastest first.
struct MemoryRegion {
  std::string name;
  size_t size = 0;  // bytes available to the activations
};

// What the plan put in one region: its bytes and the bound of what is live in it at once.
struct RegionUse {
  std::string name;
  size_t capacity = 0, bytes = 0, lower_bound = 0;
};

struct MemoryPlan {
  size_t activations_bytes = 0;  // size of the one buffer (several regions: their sum)
  size_t lower_bound = 0;        // largest sum of simultaneously live bytes
  size_t alignment = 4;
  std::map<TensorId, size_t> offset;  // byte offset of each planned tensor (in its region)
  std::map<int, size_t> scratch_offset;  // node index -> scratch offset
  std::map<int, size_t> scratch_size;
  // --memory-pool: the regions in speed order (empty: one buffer) and where each tensor (and
  // view) and each node's scratch went; absent means region 0.
  std::vector<RegionUse> regions;
  std::map<TensorId, int> region;
  std::map<int, int> scratch_region;
  std::vector<Block> blocks;
  // Stateful networks (Graph::states): the paired inputs/outputs (and their views) live in a
  // separate persistent states buffer. A pair shares one slot when the output is written only
  // after the input's last read; otherwise the output has its own slot and is copied over the
  // input at the end of each run.
  size_t states_bytes = 0;
  std::map<TensorId, size_t> state_offset;
  struct StateCopy {
    size_t from = 0, to = 0, bytes = 0;
  };
  std::vector<StateCopy> state_copies;
  // --no-inputs/outputs-allocation: graph inputs/outputs (and their views) the application's own
  // buffers hold, not the activations: tensor -> (is an output, index among the application's I/O)
  std::map<TensorId, std::pair<bool, size_t>> app_buffer;
  bool placed(TensorId id) const { return offset.count(id) != 0 || state_offset.count(id) != 0 || app_buffer.count(id) != 0; }
};

// Which graph I/O live in the application's buffers instead of the activations.
struct AppBuffers {
  bool inputs = false, outputs = false;
};

// Tensors that are views of another (same bytes): Reshape, Squeeze, Unsqueeze,
// Flatten, Identity outputs map to their source.
std::map<TensorId, TensorId> view_sources(const Graph& g);
// Views plus in-place outputs (OpDef::inplace: an element-wise op whose input
// dies at that node writes over it), each mapped to the tensor owning the bytes.
std::map<TensorId, TensorId> shared_sources(const Graph& g);

// Unless policy(g.optimization).always_grant_optional_scratch (--optimization ram), optional kernel scratch (OpDef::scratch_optional)
// only where it does not grow the buffer; otherwise every scratch.
// With `regions` (--memory-pool), whole buffers go to regions, the most used first into the
// fastest region that still holds them; each region is planned like the one buffer. A buffer
// no region can hold is an error naming it.
MemoryPlan plan_memory(const Graph& g, size_t alignment = 4, AppBuffers app = {},
                       const std::vector<MemoryRegion>& regions = {});

}  // namespace eg::plan
