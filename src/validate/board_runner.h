// validate --mode target --device serial:PORT[:BAUD] | tcp:HOST:PORT: runs the
// validation inputs on a board (or an emulated one) that runs the firmware of
// generate --validation-firmware for the same network, and measures it there.
#pragma once
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "pipeline/compile.h"
#include "validate/board_link.h"
#include "validate/validate.h"

namespace eg::validate {

struct BoardReport {
  std::string device, core, target, counter, firmware_hash;
  double cpu_mhz = 0;     // the clock the firmware says it runs at
  double target_mhz = 0;  // the series' maximum (toolchain::Target::mhz)
  size_t samples = 0;
  uint64_t cycles = 0;      // the first sample's inference
  uint64_t cycles_avg = 0;  // mean over all samples
  uint32_t stack_bytes = 0; // high-water mark over all samples
  int64_t macc = 0;
  struct Layer {
    int c_id = 0;
    std::string name, type;
    int64_t macc = 0;
    uint64_t cycles = 0;  // average per inference
  };
  std::vector<Layer> layers;
  std::string text() const;
  nlohmann::json json() const;
};

// A runner for run_validate; `out` is filled when it runs. Throws CompileError with
// a clear message when the board does not answer, answers garbage, restarts, or runs
// a firmware for another network.
Runner board_runner(const pipeline::Compiled& c, const Device& device, BoardReport* out);

}  // namespace eg::validate
