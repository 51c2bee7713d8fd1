// The generate/analyze report: the sections of the ST Edge AI Core report
// (exec summary, model layer table, C-graph, C-arrays, C-layers, ops by type,
// complexity, memory by section, FLASH/RAM summary, generated files) as text,
// and the same data as JSON.
#pragma once
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "driver/compile.h"

namespace eg::report {

nlohmann::json to_json(const driver::Compiled& c, const std::vector<std::string>& generated_files);
std::string to_text(const driver::Compiled& c, const std::vector<std::string>& generated_files);

}  // namespace eg::report
