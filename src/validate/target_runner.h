// validate --mode target: builds the generated C into a bare-metal firmware for
// the core of --target and runs it on the QEMU machine that emulates that core
// (machines.h): the Cortex-M4 through m4bench's m4run (netduinoplus2, with its
// Cortex-M4 cycle estimate), the other cores with edgegen's own startup, linker
// script and semihosting console (firmware/) and m4bench's m4cycles plugin for
// exact instruction counts. Outputs come back over semihosting.
//
// Firmware layout (one firmware per chunk of samples, see TargetReport::chunk):
//   main.c embeds the chunk's input samples as const arrays (flash), calls
//   stai_<name>_init / set_activations once, then per sample copies the input
//   into the network's input buffer, runs, and prints the output bytes in hex.
// Regions (m4cycles markers; none on ARMv6-M, see TargetReport::layers_counted):
//   1          stai_<name>_run of the FIRST sample of the chunk (entries 1)
//   2          every stai_<name>_run of the chunk (entries = samples in chunk)
//   100 + i    C layer i (EG_LAYER_BEGIN/END of network.c), entries = samples
// Cycles per inference = region 1 of the first firmware; per-layer cycles are
// the layer regions summed over all firmwares divided by the number of samples
// (the average per inference; identical to the first sample's for kernels whose
// cost does not depend on the data).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "pipeline/compile.h"
#include "util/error.h"
#include "validate/validate.h"

namespace eg::validate {

// The network does not fit the emulated machine's memories.
struct NotFitting : CompileError {
  using CompileError::CompileError;
};

struct LayerCycles {
  int c_id = 0;
  std::string name, type;
  int64_t macc = 0;
  bool is_view = false;
  uint64_t cycles = 0;   // average per inference (total / entries)
  uint64_t insns = 0;    // average per inference
  uint64_t entries = 0;  // over all firmwares (= samples)
};

struct TargetReport {
  std::string name = "network";  // --name (C symbols)
  std::string target;         // --target
  std::string core = "cortex-m4";  // the core of --target
  bool cycle_model = true;    // m4bench's Cortex-M4 cycle estimate (else instruction counts only)
  bool layers_counted = true; // per-layer regions (not on ARMv6-M)
  std::string note;           // e.g. "stm32h7 is a Cortex-M7: emulated as a Cortex-M4"
  std::string opt_flag;       // policy(optimization).c_opt_flag
  std::string cflags;         // the compiler flags used for the firmware
  std::string machine = "netduinoplus2";  // QEMU machine
  size_t samples = 0;
  size_t firmwares = 0;       // builds (chunks of samples)
  size_t chunk = 0;           // samples per firmware
  uint64_t cycles = 0;        // per inference: region 1 (first sample)
  uint64_t insns = 0;         // per inference: region 1
  uint64_t cycles_avg = 0;    // region 2 / samples, all firmwares
  uint64_t layer_cycles_sum = 0;  // sum of the per-layer averages
  int64_t macc = 0;           // C layers
  std::vector<LayerCycles> layers;
  // Firmware sizes (arm-none-eabi-size of the first firmware, as m4run reports them).
  size_t fw_text = 0, fw_rodata = 0, fw_data = 0, fw_bss = 0;
  // The network's part: the firmware minus the same harness built without the
  // network (-DEGV_STUB): kernels, API, weights and the toolchain code they pull in.
  size_t net_text = 0, net_rodata = 0, net_data = 0, net_bss = 0;
  size_t net_flash() const { return net_text + net_rodata + net_data; }
  size_t net_ram() const { return net_data + net_bss; }  // activations + context + statics (no stack)
  size_t activations = 0;     // planned buffer
  size_t activations_lower_bound = 0;
  size_t weights = 0;         // model weights (const)
  size_t params = 0;          // kernel parameters (const)
  double mhz = 168.0;         // the target's clock (toolchain::Target::mhz)
  double ms() const { return static_cast<double>(cycles) / (mhz * 1000.0); }
  double cycles_per_macc() const { return macc > 0 ? static_cast<double>(cycles) / static_cast<double>(macc) : 0.0; }

  std::string text() const;     // the cycles table
  nlohmann::json json() const;
};

// The path of m4run: $EDGEGEN_M4RUN, else <source>/../shared/m4bench/m4run,
// else m4run on PATH. Empty when none is found.
std::string find_m4run();

// The generated main.c for samples [first, first + count) of `inputs`
// (raw bytes per network input, all samples concatenated).
std::string target_main_c(const pipeline::Compiled& c, const std::vector<std::vector<uint8_t>>& inputs,
                          size_t first, size_t count);

// Samples per firmware: as many as fit the 1 MiB flash beside the weights, at
// most 32; $EDGEGEN_TARGET_SAMPLES_PER_FW lowers the cap.
// A runner for run_validate. `out` (optional) is filled when the runner runs.
// Throws CompileError when the firmware does not build, run, or a cycle marker was
// lost; NotFitting (a CompileError) when the network does not fit the machine.
Runner target_runner(const pipeline::Compiled& c, const std::string& workdir, TargetReport* out);

}  // namespace eg::validate
