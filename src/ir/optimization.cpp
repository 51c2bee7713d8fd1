#include "ir/optimization.h"

#include <array>

namespace eg {
namespace {

constexpr std::array<OptimizationPolicy, 3> kPolicies{{
    {.mode = Optimization::Time, .name = "time", .always_grant_optional_scratch = true,
     .add_sub_tables = true, .fc_i4_weights = true, .c_opt_flag = "-O2"},
    {.mode = Optimization::Balanced, .name = "balanced", .always_grant_optional_scratch = true,
     .add_sub_tables = false, .fc_i4_weights = false, .c_opt_flag = "-Os"},
    {.mode = Optimization::Ram, .name = "ram", .always_grant_optional_scratch = false,
     .add_sub_tables = false, .fc_i4_weights = false, .c_opt_flag = "-Os"},
}};
static_assert(kPolicies[0].mode == Optimization::Time && kPolicies[1].mode == Optimization::Balanced &&
              kPolicies[2].mode == Optimization::Ram, "policy(mode) indexes the table by the enum");

}  // namespace

const OptimizationPolicy& policy(Optimization mode) { return kPolicies[static_cast<size_t>(mode)]; }

std::span<const OptimizationPolicy> all_optimizations() { return kPolicies; }

std::optional<Optimization> parse_optimization(std::string_view name) {
  for (const auto& p : kPolicies)
    if (name == p.name) return p.mode;
  return std::nullopt;
}

}  // namespace eg
