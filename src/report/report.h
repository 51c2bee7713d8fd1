// The generate/analyze report: the sections of the ST Edge AI Core report
// (exec summary, model layer table, C-graph, C-arrays, C-layers, ops by type,
// complexity, memory by section, FLASH/RAM summary, notes, generated files) as
// text, and the same data as JSON. Both are deterministic: no dates, no
// temporary paths (paths are printed as given on the command line).
#pragma once
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "pipeline/compile.h"

namespace eg::report {

// Version printed in the report header.
const char* version();

// generated_files: file names (as written into the output folder); the report
// lists them under the output folder given on the command line.
nlohmann::json to_json(const pipeline::Compiled& c, const std::vector<std::string>& generated_files);
std::string to_text(const pipeline::Compiled& c, const std::vector<std::string>& generated_files);

}  // namespace eg::report
