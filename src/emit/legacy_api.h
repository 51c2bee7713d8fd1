// --c-api legacy: ST's older embedded client API (ai_<name>_create_and_init, ai_<name>_run,
// ai_buffer, AI_<NAME>_* macros) for the same network, as a thin layer over its st-ai functions.
// <name>_legacy.h holds the macros and prototypes (included by <name>.h and <name>_data.h, where
// ST's applications look for them), <name>_legacy.c the functions; the types are the runtime's
// ai_platform.h. Everything is computed from ApiModel.
#pragma once
#include <map>
#include <string>

#include "emit/stai_api.h"

namespace eg::emit {

// "<name>_legacy.h" and "<name>_legacy.c".
std::map<std::string, std::string> legacy_api_files(const ApiModel& m);

// The runtime unit the legacy layer needs (ai_platform.c/.h).
inline const char* kLegacyRuntimeUnit = "ai_platform";

}  // namespace eg::emit
