// The I/O formats the application asks for (ST's --input/output-data-type and
// --inputs/outputs-ch-position): conversions added at the graph's edges, so the generated network
// takes and gives exactly what was asked; the other passes then fuse what they can (a transpose
// in front of a channels-last convolution disappears).
#pragma once
#include <vector>

#include "passes/passes.h"

namespace eg::passes {

enum class IoType { Keep, Float32, Int8, UInt8 };
enum class ChannelPosition { Keep, First, Last };

struct IoFormats {
  // one entry for every input (or output), or a single entry for all of them; empty: keep
  std::vector<IoType> input_types, output_types;
  std::vector<ChannelPosition> input_layouts, output_layouts;
  bool any() const {
    return !input_types.empty() || !output_types.empty() || !input_layouts.empty() || !output_layouts.empty();
  }
};

// Before the passes: transposes between the requested layout and the model's (rank >= 3 I/O).
void io_layouts(Graph& g, const IoFormats& f, PassLog& log);
// After the passes: type conversions (float32 <-> int8 through the tensor's quantization,
// uint8 <-> int8 by the zero point's 128 shift). A type that needs quantization parameters the
// model does not have is an error.
void io_types(Graph& g, const IoFormats& f, PassLog& log);

}  // namespace eg::passes
