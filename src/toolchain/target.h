// The STM32 targets: every series name ST Edge AI Core accepts for --target, the
// Cortex-M core behind it and everything that follows from the core (compiler
// flags, DSP/Helium kernels, the clock used for millisecond figures, the
// largest part's memories). The one place where a series name means something.
#pragma once
#include <cstddef>
#include <span>
#include <string>
#include <string_view>

namespace eg::toolchain {

enum class Core { Host, CortexM0, CortexM0Plus, CortexM3, CortexM4, CortexM7, CortexM33, CortexM55 };

// Which optimized int8 kernel family the runtime compiles to on a core
// (decided by the compiler's feature macros: __ARM_FEATURE_DSP, __ARM_FEATURE_MVE).
enum class KernelPath { Portable, Dsp, Helium };

struct Target {
  std::string_view series;     // as on the command line: "stm32f4", "stm32", "host"
  std::string_view family;     // the series it stands for ("stm32h7" for "stm32")
  Core core = Core::Host;
  std::string_view mcpu;       // -mcpu=...; empty for the host
  std::string_view mfpu;       // -mfpu=...; empty: none (or the core's default with "auto")
  std::string_view float_abi;  // hard | soft; empty for the host
  bool dsp = false;            // the DSP extension (SMLAD, SXTB16, ...)
  bool mve = false;            // Helium (M-profile vector extension)
  double mhz = 0;              // clock for millisecond figures (the series' maximum)
  size_t flash_bytes = 0;      // the largest part of the series (0: external flash only)
  size_t ram_bytes = 0;

  bool is_host() const { return core == Core::Host; }
  // The int8 kernels the runtime compiles to (runtime/eg_common.h's EG_USE_MVE / EG_USE_DSP).
  KernelPath kernels() const { return mve ? KernelPath::Helium : dsp ? KernelPath::Dsp : KernelPath::Portable; }
  // "-mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16"; "" for the host.
  std::string cflags() const;
  bool operator==(const Target& o) const { return series == o.series; }
};

// Every known target, in the order `--help` lists them.
std::span<const Target> all_targets();

// The target named `series` (case-insensitive), or nullptr.
const Target* find_target(std::string_view series);

// As find_target; throws CompileError "<where>: unknown --target 'x' (known: ...)" otherwise.
const Target& parse_target(std::string_view series, const std::string& where);

// "stm32f0, stm32l0, ..., host"
std::string known_targets();

// The default --target (stm32f4).
const Target& default_target();

std::string_view core_name(Core c);          // "cortex-m4", "host"
std::string_view kernel_path_name(KernelPath k);  // "portable C", "DSP (SIMD MAC)", "Helium (MVE)"

}  // namespace eg::toolchain
