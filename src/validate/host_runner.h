// Builds generated C with the host compiler together with a small harness,
// and runs it on raw input bytes (many samples per run).
#pragma once
#include <string>
#include <vector>

#include "pipeline/compile.h"

namespace eg::validate {

struct HostBuild {
  std::string exe;  // path of the built harness
};

// Writes c.code.files and harness.c into dir and builds them with `cc`
// (-std=c99 -Wall -Wextra -Werror -pedantic). Throws CompileError on failure.
// layer_dump: the harness writes every layer's outputs (validate --full; run_host's layers_dump).
HostBuild build_host(const pipeline::Compiled& c, const std::string& dir, const std::string& cc = "cc",
                     bool layer_dump = false);

// inputs[k]: samples * input k bytes. Returns outputs[k]: samples * output k bytes.
std::vector<std::vector<uint8_t>> run_host(const pipeline::Compiled& c, const HostBuild& b, const std::string& dir,
                                           const std::vector<std::vector<uint8_t>>& inputs, size_t samples,
                                           const std::string& layers_dump = "");

// A harness's activations buffers, one static array `<array>_<r>` per region (one unless
// --memory-pool), sized by the network's <S>_ACTIVATION_<r>_SIZE_BYTES ...
std::string activation_buffers(const pipeline::Compiled& c, const std::string& array, const std::string& S);
// ... and the statements pointing `ptrs[r - 1]` at them (for set_activations).
std::string point_activations(const pipeline::Compiled& c, const std::string& array, const std::string& ptrs);

// The harness program: argv = samples in_0.bin .. out_0.bin .. [layers.bin with layer_dump]
std::string harness_c(const pipeline::Compiled& c, bool layer_dump = false);

}  // namespace eg::validate
