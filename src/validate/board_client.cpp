#include "validate/board_client.h"

#include <chrono>
#include <cstdio>

#include "egv_proto.h"
#include "util/error.h"

namespace eg::validate {
namespace {

std::string status_text(unsigned s) {
  switch (s) {
    case EGV_ERR_CRC: return "a frame arrived damaged (CRC)";
    case EGV_ERR_TYPE: return "unknown request";
    case EGV_ERR_ARG: return "index, offset or length out of range (a firmware for another network?)";
    case EGV_ERR_VERSION: return "the firmware speaks another protocol version (rebuild it with this edgegen)";
    case EGV_ERR_RUN: return "the network's run failed";
    default: return "status " + std::to_string(s);
  }
}

}  // namespace

std::string hash_hex(const std::array<uint8_t, 16>& h) {
  std::string s;
  char b[3];
  for (uint8_t v : h) {
    std::snprintf(b, sizeof b, "%02x", v);
    s += b;
  }
  return s;
}

void BoardClient::send(uint8_t type, const std::vector<uint8_t>& payload) {
  std::vector<uint8_t> f(EGV_HEADER_BYTES + payload.size() + 4);
  f.resize(egv_frame(f.data(), type, payload.data(), static_cast<uint16_t>(payload.size())));
  link_.write(f.data(), f.size());
}

BoardClient::Frame BoardClient::receive(uint8_t want, int timeout_ms, const std::string& what) {
  using clock = std::chrono::steady_clock;
  const auto deadline = clock::now() + std::chrono::milliseconds(timeout_ms);
  egv_rx rx;
  egv_rx_reset(&rx);
  size_t bytes = 0, bad = 0;
  for (;;) {
    for (size_t i = 0; i < pending_.size(); ++i) {
      ++bytes;
      const int ev = egv_rx_byte(&rx, pending_[i]);
      if (ev == EGV_RX_BAD) ++bad;
      if (ev != EGV_RX_FRAME) continue;
      Frame f{rx.type, std::vector<uint8_t>(rx.payload, rx.payload + rx.len)};
      pending_.erase(pending_.begin(), pending_.begin() + static_cast<long>(i) + 1);
      if (f.type == want) return f;
      if (f.type == EGV_BOOT)
        throw BoardRestarted(link_.name() + ": the board restarted during " + what +
                           " (reset, power loss, or a fault in the network: it restarts on a fault)");
      if (f.type == EGV_NAK && f.payload.size() >= 1 && f.payload[0] == EGV_ERR_CRC) {
        ++bad;  // the board saw a damaged frame (noise): not ours necessarily; keep waiting
        i = static_cast<size_t>(-1);
        continue;
      }
      if (f.type == EGV_NAK)
        throw CompileError(link_.name() + ": the board rejected " + what + ": " +
                           status_text(f.payload.empty() ? 0 : f.payload[0]));
      i = static_cast<size_t>(-1);  // an unexpected frame: skip it
    }
    pending_.clear();
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now()).count();
    if (left <= 0) {
      const std::string secs = std::to_string((timeout_ms + 999) / 1000) + " s";
      if (bytes == 0)
        throw CompileError(link_.name() + ": no answer to " + what + " within " + secs +
                           " (is the validation firmware flashed and running, on this port?)");
      throw CompileError(link_.name() + ": " + std::to_string(bytes) + " bytes but no valid answer to " + what +
                         " within " + secs + (bad ? " (" + std::to_string(bad) + " damaged frames)" : "") +
                         ": wrong baud rate, or another program on the line?");
    }
    uint8_t buf[4096];
    const size_t n = link_.read(buf, sizeof buf, static_cast<int>(std::min<long long>(left, 200)));
    pending_.assign(buf, buf + n);
  }
}

BoardInfo BoardClient::hello() {
  // Zeros (never a sync byte) longer than any frame finish a frame the board may be
  // half-way through; its answers to them are dropped with everything else pending.
  const std::vector<uint8_t> zeros(EGV_MAX_PAYLOAD + 16, 0);
  link_.write(zeros.data(), zeros.size());
  uint8_t buf[4096];
  const auto quiet_until = std::chrono::steady_clock::now() + std::chrono::milliseconds(500);
  while (link_.read(buf, sizeof buf, 150) > 0 && std::chrono::steady_clock::now() < quiet_until) {
  }
  pending_.clear();
  Frame f;
  for (int attempt = 0;; ++attempt) {
    send(EGV_HELLO, {static_cast<uint8_t>(EGV_PROTO_VERSION)});
    try {
      f = receive(EGV_INFO, reply_ms_, "the handshake (HELLO)");
      break;
    } catch (const BoardRestarted&) {  // it just booted: ask again
      if (attempt == 1) throw;
    }
  }
  const auto& p = f.payload;
  BoardInfo info;
  if (p.size() < 10 + EGV_HASH_BYTES) throw CompileError(link_.name() + ": short INFO frame from the board");
  info.version = p[0];
  info.counter = p[1];
  const unsigned n_in = p[2], n_out = p[3];
  info.layers = egv_get_u16(p.data() + 4);
  info.cpu_hz = egv_get_u32(p.data() + 6);
  std::copy(p.begin() + 10, p.begin() + 10 + EGV_HASH_BYTES, info.hash.begin());
  if (p.size() < 10 + EGV_HASH_BYTES + 4 * (n_in + n_out)) throw CompileError(link_.name() + ": short INFO frame");
  const uint8_t* q = p.data() + 10 + EGV_HASH_BYTES;
  for (unsigned k = 0; k < n_in; ++k, q += 4) info.in_bytes.push_back(egv_get_u32(q));
  for (unsigned k = 0; k < n_out; ++k, q += 4) info.out_bytes.push_back(egv_get_u32(q));
  return info;
}

void BoardClient::send_input(unsigned k, const uint8_t* p, size_t n) {
  const size_t chunk = EGV_MAX_PAYLOAD - 5;
  for (size_t off = 0; off < n || off == 0; off += chunk) {
    const size_t len = std::min(chunk, n - off);
    std::vector<uint8_t> pl(5 + len);
    pl[0] = static_cast<uint8_t>(k);
    egv_put_u32(pl.data() + 1, static_cast<uint32_t>(off));
    std::copy(p + off, p + off + len, pl.begin() + 5);
    send(EGV_INPUT, pl);
    receive(EGV_ACK, reply_ms_, "input " + std::to_string(k) + " (bytes " + std::to_string(off) + "..)");
    if (n == 0) break;
  }
}

BoardRun BoardClient::run(bool with_layers, unsigned layers) {
  send(EGV_RUN, {});
  const Frame f = receive(EGV_RESULT, run_ms_, "the inference (RUN)");
  if (f.payload.size() < 17) throw CompileError(link_.name() + ": short RESULT frame");
  if (f.payload[0] != EGV_OK)
    throw CompileError(link_.name() + ": the network's run failed on the board (stai return code " +
                       std::to_string(egv_get_u32(f.payload.data() + 1)) + ")");
  BoardRun r;
  r.cycles = egv_get_u32(f.payload.data() + 5) | static_cast<uint64_t>(egv_get_u32(f.payload.data() + 9)) << 32;
  r.stack_bytes = egv_get_u32(f.payload.data() + 13);
  while (with_layers && r.layer_cycles.size() < layers) {
    std::vector<uint8_t> pl(2);
    egv_put_u16(pl.data(), static_cast<uint16_t>(r.layer_cycles.size()));
    send(EGV_GET_LAYERS, pl);
    const Frame l = receive(EGV_LAYERS, reply_ms_, "the layer cycles");
    if (l.payload.size() < 4) throw CompileError(link_.name() + ": short LAYERS frame");
    const unsigned count = egv_get_u16(l.payload.data() + 2);
    if (count == 0 || l.payload.size() < 4 + 4 * count) throw CompileError(link_.name() + ": bad LAYERS frame");
    for (unsigned i = 0; i < count; ++i) r.layer_cycles.push_back(egv_get_u32(l.payload.data() + 4 + 4 * i));
  }
  return r;
}

std::vector<uint8_t> BoardClient::get_output(unsigned k, size_t n) {
  std::vector<uint8_t> out;
  const size_t chunk = EGV_MAX_PAYLOAD - 5;
  while (out.size() < n) {
    const size_t len = std::min(chunk, n - out.size());
    std::vector<uint8_t> pl(7);
    pl[0] = static_cast<uint8_t>(k);
    egv_put_u32(pl.data() + 1, static_cast<uint32_t>(out.size()));
    egv_put_u16(pl.data() + 5, static_cast<uint16_t>(len));
    send(EGV_GET_OUTPUT, pl);
    const Frame f = receive(EGV_OUTPUT, reply_ms_, "output " + std::to_string(k));
    if (f.payload.size() != 5 + len || f.payload[0] != k || egv_get_u32(f.payload.data() + 1) != out.size())
      throw CompileError(link_.name() + ": unexpected OUTPUT frame");
    out.insert(out.end(), f.payload.begin() + 5, f.payload.end());
  }
  return out;
}

}  // namespace eg::validate
