// The four commands behind the CLI; each returns the process exit code and
// throws CompileError for user errors.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "driver/st_options.h"
#include "pipeline/compile.h"

namespace eg::driver {

using pipeline::Compiled;
using pipeline::Options;

struct CliOptions {
  Options compile;
  std::vector<std::string> valinput, valoutput;  // validate -vi/-vo: one file, or one per input/output
  std::string mode = "host", format = "text";
  std::string device;                // validate --mode target: qemu | m4bench | serial:PORT[:BAUD] | tcp:HOST:PORT
  bool validation_firmware = false;  // generate: also the validation firmware project
  size_t batches = 10;
  uint32_t seed = 1;
  std::vector<float> range;
  // validate: thresholds that make the exit code 1 (any output worse than them)
  std::optional<double> max_lsb, min_cos;
  StOptions st;          // ST Edge AI Core's options (driver/st_options.h)
  std::string run_dir;  // this run's temporary folder, made by the supervisor (empty: make one)
};

// `--version` / `--tools-version` text.
std::string version_text(bool tools);

int cmd_analyze(const CliOptions& o);
int cmd_generate(const CliOptions& o);
int cmd_validate(const CliOptions& o);
int cmd_supported_ops(const CliOptions& o);

// Writes files into the output folder dir: staged in a sibling folder, then a new folder
// appears complete in one rename, or an existing one has its files replaced under a lock.
// A manifest per kind ("generate", "validate") lists what edgegen wrote: files of the
// previous run of that kind that this one does not write are removed, other files kept.
void write_files_atomically(const std::string& dir, const std::map<std::string, std::string>& files,
                            const std::string& kind);
// The staging folder write_files_atomically uses in process `pid` (the supervisor removes it).
std::string staging_path(const std::string& dir, long pid);
// A fresh temporary folder for one run: under --workspace (never cleaning the folder
// itself) or under the system's temporary folder.
std::string make_run_dir(const std::string& workspace, const std::string& model);

}  // namespace eg::driver
