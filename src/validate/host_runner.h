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
HostBuild build_host(const pipeline::Compiled& c, const std::string& dir, const std::string& cc = "cc");

// inputs[k]: samples * input k bytes. Returns outputs[k]: samples * output k bytes.
std::vector<std::vector<uint8_t>> run_host(const pipeline::Compiled& c, const HostBuild& b, const std::string& dir,
                                           const std::vector<std::vector<uint8_t>>& inputs, size_t samples);

// The harness program: argv = samples in_0.bin .. out_0.bin ..
std::string harness_c(const pipeline::Compiled& c);

}  // namespace eg::validate
