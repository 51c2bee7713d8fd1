#include "toolchain/target.h"

#include <array>
#include <cctype>

#include "util/error.h"

namespace eg::toolchain {
namespace {

constexpr size_t K = 1024, M = 1024 * 1024;

// Clock: the series' maximum (F4: 168 MHz, the STM32F405/407 that QEMU emulates).
// Memories: the largest part of the series, for the report's "does not fit" warning.
// The FPU: single precision on M4/M33 and the F7 (the double-precision F76x/F77x run
// single-precision code too), double precision on the H7; the STM32WL's M4 has none.
constexpr std::array<Target, 23> kTargets = {{
    {"stm32f0", "stm32f0", Core::CortexM0, "cortex-m0", "", "soft", false, false, 48, 256 * K, 32 * K},
    {"stm32l0", "stm32l0", Core::CortexM0Plus, "cortex-m0plus", "", "soft", false, false, 32, 192 * K, 20 * K},
    {"stm32g0", "stm32g0", Core::CortexM0Plus, "cortex-m0plus", "", "soft", false, false, 64, 512 * K, 144 * K},
    {"stm32c0", "stm32c0", Core::CortexM0Plus, "cortex-m0plus", "", "soft", false, false, 48, 256 * K, 36 * K},
    {"stm32f1", "stm32f1", Core::CortexM3, "cortex-m3", "", "soft", false, false, 72, 1 * M, 96 * K},
    {"stm32f2", "stm32f2", Core::CortexM3, "cortex-m3", "", "soft", false, false, 120, 1 * M, 128 * K},
    {"stm32l1", "stm32l1", Core::CortexM3, "cortex-m3", "", "soft", false, false, 32, 512 * K, 80 * K},
    {"stm32f3", "stm32f3", Core::CortexM4, "cortex-m4", "fpv4-sp-d16", "hard", true, false, 72, 512 * K, 80 * K},
    {"stm32f4", "stm32f4", Core::CortexM4, "cortex-m4", "fpv4-sp-d16", "hard", true, false, 168, 2 * M, 384 * K},
    {"stm32g4", "stm32g4", Core::CortexM4, "cortex-m4", "fpv4-sp-d16", "hard", true, false, 170, 512 * K, 128 * K},
    {"stm32l4", "stm32l4", Core::CortexM4, "cortex-m4", "fpv4-sp-d16", "hard", true, false, 80, 1 * M, 320 * K},
    {"stm32l4p", "stm32l4p", Core::CortexM4, "cortex-m4", "fpv4-sp-d16", "hard", true, false, 120, 2 * M, 640 * K},
    {"stm32wb", "stm32wb", Core::CortexM4, "cortex-m4", "fpv4-sp-d16", "hard", true, false, 64, 1 * M, 256 * K},
    {"stm32wl", "stm32wl", Core::CortexM4, "cortex-m4", "", "soft", true, false, 48, 256 * K, 64 * K},
    {"stm32f7", "stm32f7", Core::CortexM7, "cortex-m7", "fpv5-sp-d16", "hard", true, false, 216, 2 * M, 512 * K},
    {"stm32h7", "stm32h7", Core::CortexM7, "cortex-m7", "fpv5-d16", "hard", true, false, 480, 2 * M, 1 * M},
    {"stm32", "stm32h7", Core::CortexM7, "cortex-m7", "fpv5-d16", "hard", true, false, 480, 2 * M, 1 * M},
    {"stm32l5", "stm32l5", Core::CortexM33, "cortex-m33", "fpv5-sp-d16", "hard", true, false, 110, 512 * K, 256 * K},
    {"stm32u5", "stm32u5", Core::CortexM33, "cortex-m33", "fpv5-sp-d16", "hard", true, false, 160, 4 * M, 2514 * K},
    {"stm32u3", "stm32u3", Core::CortexM33, "cortex-m33", "fpv5-sp-d16", "hard", true, false, 96, 1 * M, 256 * K},
    {"stm32h5", "stm32h5", Core::CortexM33, "cortex-m33", "fpv5-sp-d16", "hard", true, false, 250, 2 * M, 640 * K},
    {"stm32n6", "stm32n6", Core::CortexM55, "cortex-m55", "", "hard", true, true, 800, 0, 4200 * K},
    {"host", "host", Core::Host, "", "", "", false, false, 0, 0, 0},
}};

bool same_name(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  return true;
}

}  // namespace

std::string Target::cflags() const {
  if (is_host()) return "";
  std::string f = "-mcpu=" + std::string(mcpu) + " -mthumb -mfloat-abi=" + std::string(float_abi);
  if (!mfpu.empty()) f += " -mfpu=" + std::string(mfpu);
  return f;
}

std::span<const Target> all_targets() { return kTargets; }

const Target* find_target(std::string_view series) {
  for (const Target& t : kTargets)
    if (same_name(t.series, series)) return &t;
  return nullptr;
}

std::string known_targets() {
  std::string s;
  for (const Target& t : kTargets) s += (s.empty() ? "" : ", ") + std::string(t.series);
  return s;
}

const Target& parse_target(std::string_view series, const std::string& where) {
  if (const Target* t = find_target(series)) return *t;
  throw CompileError(where + ": unknown --target '" + std::string(series) + "' (known: " + known_targets() + ")");
}

const Target& default_target() { return *find_target("stm32f4"); }

std::string_view core_name(Core c) {
  switch (c) {
    case Core::Host: return "host";
    case Core::CortexM0: return "cortex-m0";
    case Core::CortexM0Plus: return "cortex-m0plus";
    case Core::CortexM3: return "cortex-m3";
    case Core::CortexM4: return "cortex-m4";
    case Core::CortexM7: return "cortex-m7";
    case Core::CortexM33: return "cortex-m33";
    case Core::CortexM55: return "cortex-m55";
  }
  return "?";
}

std::string_view kernel_path_name(KernelPath k) {
  switch (k) {
    case KernelPath::Portable: return "portable C";
    case KernelPath::Dsp: return "DSP extension (SIMD MAC)";
    case KernelPath::Helium: return "Helium (MVE)";
  }
  return "?";
}

}  // namespace eg::toolchain
