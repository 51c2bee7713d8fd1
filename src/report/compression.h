// The report's view of --compression (passes/weight_sharing's result): the summary value, the
// explanation lines (one per shared weight tensor) and the JSON object of network_c_info.json.
#pragma once
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "passes/weight_sharing.h"

namespace eg::report {

// "high: 8 of 10 float Dense/Conv weight tensors shared, 1063456 -> 139000 B (7.65x)"; "none".
std::string compression_summary(const passes::WeightSharing& s);
// What each candidate weight tensor became and why (empty for none).
std::vector<std::string> compression_lines(const passes::WeightSharing& s);
nlohmann::json compression_json(const passes::WeightSharing& s);

}  // namespace eg::report
