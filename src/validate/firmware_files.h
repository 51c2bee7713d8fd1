// The firmware support files (firmware/*: startup, semihosting console, linker
// script, the UART validation loop) embedded in the edgegen binary.
#pragma once
#include <map>
#include <string>

namespace eg::validate {

// File name -> content.
const std::map<std::string, std::string>& firmware_sources();

}  // namespace eg::validate
