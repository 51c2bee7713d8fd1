// --memory-pool FILE: the RAM regions the activations may use, read from ST's memory-pool
// descriptor (JSON: memory.mempools[], each with a name and a size; usable_size, when given,
// is what the activations may take). Regions are taken fastest first: by prop.throughput
// (high, mid, low) when the file gives it, otherwise in the file's order.
#pragma once
#include <string>
#include <vector>

#include "plan/memory_plan.h"

namespace eg::driver {

// Throws CompileError naming the file on anything it cannot read.
std::vector<plan::MemoryRegion> read_memory_pool(const std::string& path);

}  // namespace eg::driver
