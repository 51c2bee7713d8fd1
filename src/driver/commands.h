// The four commands behind the CLI; each returns the process exit code and
// throws CompileError for user errors.
#pragma once
#include <string>
#include <vector>

#include "pipeline/compile.h"

namespace eg::driver {

using pipeline::Compiled;
using pipeline::Options;

struct CliOptions {
  Options compile;
  std::string valinput, valoutput, mode = "host", format = "text";
  std::string device;                // validate --mode target: qemu | m4bench | serial:PORT[:BAUD] | tcp:HOST:PORT
  bool validation_firmware = false;  // generate: also the validation firmware project
  size_t batches = 10;
  uint32_t seed = 1;
  std::vector<float> range;
};

int cmd_analyze(const CliOptions& o);
int cmd_generate(const CliOptions& o);
int cmd_validate(const CliOptions& o);
int cmd_supported_ops(const CliOptions& o);

// Writes files atomically into dir: all or nothing (a new dir appears only complete).
void write_files_atomically(const std::string& dir, const std::map<std::string, std::string>& files);

}  // namespace eg::driver
