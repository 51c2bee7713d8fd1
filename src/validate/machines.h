// The emulated machines validate --mode target runs a core on (QEMU 7.2), with
// the memories a firmware is linked into. One machine per Cortex-M core.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "toolchain/target.h"

namespace eg::validate {

struct Machine {
  std::string_view qemu;       // -M name
  toolchain::Core core;        // the core QEMU emulates
  std::string_view mcpu;       // what the firmware is built for when it differs from the target's
                               // (the micro:bit is a Cortex-M0: M0+ code runs on it unchanged)
  uint32_t flash_origin = 0;   // code + const data
  size_t flash_bytes = 0;
  uint32_t ram_origin = 0;     // data, bss, stack
  size_t ram_bytes = 0;
  bool m4bench = false;        // built and run by m4bench's m4run (Cortex-M4 cycle estimate)
  bool markers = true;         // the m4cycles region markers execute (not on ARMv6-M)
};

// The machine that emulates `core`; nullptr for the host.
const Machine* machine_for(toolchain::Core core);

}  // namespace eg::validate
