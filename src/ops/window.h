// Sliding-window geometry shared by Conv, ConvTranspose and the pools:
// kernel, strides, dilations and pads (explicit or auto_pad) per spatial axis.
#pragma once
#include <vector>

#include "ir/graph.h"

namespace eg::ops {

struct Window {
  std::vector<int64_t> kernel, strides, dilations, pad_begin, pad_end, out;
};

// in_spatial: spatial input dims; kernel: kernel dims (from weights or kernel_shape).
Window window_geometry(const Graph& g, const Node& n, const std::vector<int64_t>& in_spatial,
                       const std::vector<int64_t>& kernel, bool ceil_mode = false);

}  // namespace eg::ops
