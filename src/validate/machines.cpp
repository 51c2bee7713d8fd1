#include "validate/machines.h"

#include <array>

namespace eg::validate {
namespace {

using toolchain::Core;
constexpr size_t K = 1024, M = 1024 * 1024;

// Memory maps of QEMU 7.2's boards: MPS2 ZBT SSRAM1 at 0 (or its secure alias at
// 0x10000000 on the TrustZone AN505), SSRAM2/3 or block RAM at 0x20000000 / 0x38000000;
// the AN547's ITCM (secure alias 0x10000000) and DTCM (0x30000000); the micro:bit's
// nRF51 (256 KiB flash, 16 KiB RAM); the netduinoplus2's STM32F405 (m4bench's layout).
constexpr std::array<Machine, 7> kMachines = {{
    {"microbit", Core::CortexM0, "cortex-m0", 0x0, 256 * K, 0x20000000, 16 * K, false, false},
    {"microbit", Core::CortexM0Plus, "cortex-m0", 0x0, 256 * K, 0x20000000, 16 * K, false, false},
    {"mps2-an385", Core::CortexM3, "", 0x0, 4 * M, 0x20000000, 4 * M, false, true},
    {"netduinoplus2", Core::CortexM4, "", 0x08000000, 1 * M, 0x20000000, 128 * K, true, true},
    {"mps2-an500", Core::CortexM7, "", 0x0, 4 * M, 0x20000000, 128 * K, false, true},
    {"mps2-an505", Core::CortexM33, "", 0x10000000, 4 * M, 0x38000000, 2 * M, false, true},
    {"mps3-an547", Core::CortexM55, "", 0x10000000, 512 * K, 0x30000000, 512 * K, false, true},
}};

}  // namespace

const Machine* machine_for(Core core) {
  for (const Machine& m : kMachines)
    if (m.core == core) return &m;
  return nullptr;
}

}  // namespace eg::validate
