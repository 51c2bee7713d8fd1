// The byte stream to a board running the validation firmware: a serial port
// (termios, raw 8N1 at a baud rate) or a TCP socket (a networked UART bridge, or
// QEMU's -serial tcp:...). The protocol on top is the same (board_client.h).
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace eg::validate {

// Where validate --mode target runs: the emulator of the target's core (default),
// m4bench (the Cortex-M4 cycle estimate), or a board over serial/TCP.
struct Device {
  enum class Kind { Emulator, M4bench, Serial, Tcp };
  Kind kind = Kind::Emulator;
  std::string path;       // serial: the port; tcp: the host
  unsigned baud = 115200; // serial
  unsigned port = 0;      // tcp
  std::string text() const;  // as given: "serial:/dev/ttyACM0:115200"
};

// "" | "qemu" | "m4bench" | "serial:PORT[:BAUD]" | "tcp:HOST:PORT"; throws CompileError
// naming `where` for anything else.
Device parse_device(const std::string& spec, const std::string& where);

class ByteLink {
 public:
  virtual ~ByteLink() = default;
  virtual void write(const uint8_t* p, size_t n) = 0;  // throws CompileError when the line is gone
  // Up to `max` bytes; waits at most timeout_ms for the first; 0 on timeout.
  virtual size_t read(uint8_t* p, size_t max, int timeout_ms) = 0;
  virtual std::string name() const = 0;
};

// Opens the device's link (Serial or Tcp kinds); throws CompileError with the reason.
std::unique_ptr<ByteLink> open_link(const Device& d);

}  // namespace eg::validate
