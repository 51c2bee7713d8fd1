// --optimization as a value: the three modes and one table of what each changes. Every stage that
// behaves differently per mode (memory plan, int8 Add/Sub and FC emission, compiler flags of the
// report's section sizes and of validation builds) reads its row here, so a mode is defined once.
#pragma once
#include <optional>
#include <span>
#include <string_view>

namespace eg {

enum class Optimization { Time, Balanced, Ram };

struct OptimizationPolicy {
  Optimization mode;
  const char* name;  // as on the command line and in the report
  // Memory plan: every kernel gets its optional scratch (OpDef::scratch_optional: im2col, the
  // depthwise line buffer). false: plan without it, then grant each one that fits without growing
  // the activations buffer (a kernel without its scratch runs a slower scratch-free path).
  bool always_grant_optional_scratch;
  // int8 Add/Sub: requantization folded into two 256-entry int32 tables (2 KB of flash per layer,
  // ~3x faster on the Cortex-M4) where they reproduce the computed kernel exactly.
  bool add_sub_tables;
  // int8 FC on the DSP path: weights interleaved 4 rows per 4 inputs (EG_FC_W_I4; same size, one
  // more kernel in flash).
  bool fc_i4_weights;
  // Optimization level of the C compiler for the report's section sizes and validation builds.
  const char* c_opt_flag;
};

// "balanced": the RAM of time (every kernel keeps its scratch, so the fast paths run) with the
// flash of ram (no Add/Sub tables, no second FC kernel, code compiled for size).
const OptimizationPolicy& policy(Optimization mode);
std::span<const OptimizationPolicy> all_optimizations();
inline const char* optimization_name(Optimization mode) { return policy(mode).name; }
std::optional<Optimization> parse_optimization(std::string_view name);

}  // namespace eg
