// generate --validation-firmware: a firmware project (Makefile, startup, linker
// script, UART board support, the validation loop of firmware/egv_loop.c and the
// network) that answers edgegen validate --mode target --device serial:PORT.
#pragma once
#include <array>
#include <cstdint>
#include <map>
#include <string>

#include "pipeline/compile.h"

namespace eg::validate {

// The network's identity in the handshake: a 128-bit digest of its generated files
// (a firmware for another model, options or edgegen version gives another one).
std::array<uint8_t, 16> network_hash(const pipeline::Compiled& c);

// File name -> content: egv_network.h, egv_hooks.h, Makefile and the firmware
// support files; the network's own files (c.code.files) are not included.
std::map<std::string, std::string> validation_firmware_files(const pipeline::Compiled& c);

}  // namespace eg::validate
