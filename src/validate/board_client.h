// The host end of the validation protocol (firmware/egv_proto.h): handshake,
// inputs, run, outputs and per-layer cycles, with a clear message for every way
// a line to a board goes wrong (no answer, garbage or a wrong baud rate, a board
// that restarted, a firmware for another network).
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "util/error.h"
#include "validate/board_link.h"

namespace eg::validate {

// The board sent its BOOT frame where an answer was expected.
struct BoardRestarted : CompileError {
  using CompileError::CompileError;
};

struct BoardInfo {
  unsigned version = 0;
  unsigned counter = 0;  // enum egv_counter
  unsigned layers = 0;
  uint32_t cpu_hz = 0;
  std::array<uint8_t, 16> hash{};
  std::vector<uint32_t> in_bytes, out_bytes;
};

struct BoardRun {
  uint64_t cycles = 0;
  uint32_t stack_bytes = 0;
  std::vector<uint32_t> layer_cycles;  // when asked for
};

class BoardClient {
 public:
  // reply_ms: the longest wait for an answer to a transfer; run_ms: for an inference.
  BoardClient(ByteLink& link, int reply_ms, int run_ms) : link_(link), reply_ms_(reply_ms), run_ms_(run_ms) {}

  // Clears a half-received frame on the board, then HELLO -> INFO.
  BoardInfo hello();
  void send_input(unsigned k, const uint8_t* p, size_t n);
  BoardRun run(bool with_layers, unsigned layers);
  std::vector<uint8_t> get_output(unsigned k, size_t n);

 private:
  struct Frame {
    uint8_t type = 0;
    std::vector<uint8_t> payload;
  };
  void send(uint8_t type, const std::vector<uint8_t>& payload);
  // The next frame of type `want` (NAK and BOOT throw); `what` names the request.
  Frame receive(uint8_t want, int timeout_ms, const std::string& what);

  ByteLink& link_;
  int reply_ms_, run_ms_;
  std::vector<uint8_t> pending_;  // bytes read but not yet parsed
};

// The 16-byte identity of a generated network, as the firmware reports it.
std::string hash_hex(const std::array<uint8_t, 16>& h);

}  // namespace eg::validate
