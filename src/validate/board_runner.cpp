#include "validate/board_runner.h"

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <sstream>

#include "egv_proto.h"
#include "util/error.h"
#include "validate/board_client.h"
#include "validate/validation_firmware.h"

namespace eg::validate {
namespace {

std::string fixed(double v, int prec) {
  char b[64];
  std::snprintf(b, sizeof b, "%.*f", prec, v);
  return b;
}

std::string pad(std::string s, size_t w, bool right = false) {
  if (s.size() >= w) return s + " ";
  return right ? std::string(w - s.size(), ' ') + s : s + std::string(w - s.size(), ' ');
}

std::string counter_name(unsigned k) {
  return k == EGV_COUNTER_DWT ? "DWT CYCCNT" : k == EGV_COUNTER_SYSTICK ? "SysTick" : "none";
}

// Waits: a transfer answer, and an inference (generous: 200 cycles per MACC at 16 MHz,
// at least 10 s); $EDGEGEN_DEVICE_TIMEOUT (seconds) replaces both.
std::pair<int, int> timeouts(const pipeline::Compiled& c) {
  if (const char* e = std::getenv("EDGEGEN_DEVICE_TIMEOUT"); e && std::atof(e) > 0) {
    const int ms = static_cast<int>(std::atof(e) * 1000);
    return {ms, ms};
  }
  const double run_s = std::max(10.0, 200.0 * static_cast<double>(c.c_macc) / 16e6);
  return {3000, static_cast<int>(run_s * 1000)};
}

}  // namespace

Runner board_runner(const pipeline::Compiled& c, const Device& device, BoardReport* out) {
  return [&c, device, out](const std::vector<std::vector<uint8_t>>& inputs, size_t samples) {
    const std::string where = c.options.model + ": validate --device " + device.text();
    std::unique_ptr<ByteLink> link;
    try {
      link = open_link(device);
    } catch (const CompileError& e) {
      throw CompileError(where + ": " + e.what());
    }
    const auto [reply_ms, run_ms] = timeouts(c);
    BoardClient board(*link, reply_ms, run_ms);
    BoardInfo info;
    try {
      info = board.hello();
    } catch (const CompileError& e) {
      throw CompileError(c.options.model + ": " + e.what());
    }
    const auto want = network_hash(c);
    if (info.hash != want)
      throw CompileError(c.options.model + ": " + link->name() + " runs a validation firmware for another network (" +
                         hash_hex(info.hash) + ", this one is " + hash_hex(want) +
                         "): flash the firmware of edgegen generate --validation-firmware with the same model and "
                         "options");
    std::vector<size_t> in_b, out_b;
    for (TensorId id : c.lowered.inputs) in_b.push_back(c.lowered.t(id).bytes());
    for (TensorId id : c.lowered.outputs) out_b.push_back(c.lowered.t(id).bytes());
    if (info.in_bytes.size() != in_b.size() || info.out_bytes.size() != out_b.size() ||
        info.layers != c.code.layers.size())
      throw CompileError(c.options.model + ": " + link->name() + ": the firmware's network has other inputs/outputs");

    BoardReport r;
    r.device = link->name();
    r.core = std::string(toolchain::core_name(c.options.target.core));
    r.target = std::string(c.options.target.series);
    r.counter = counter_name(info.counter);
    r.firmware_hash = hash_hex(info.hash);
    r.cpu_mhz = info.cpu_hz / 1e6;
    r.target_mhz = c.options.target.mhz;
    r.samples = samples;
    r.macc = c.c_macc;
    std::vector<uint64_t> layer_sum(c.code.layers.size(), 0);
    uint64_t all = 0;
    std::vector<std::vector<uint8_t>> outs(out_b.size());
    for (size_t s = 0; s < samples; ++s) {
      try {
        for (size_t k = 0; k < in_b.size(); ++k)
          board.send_input(static_cast<unsigned>(k), inputs[k].data() + s * in_b[k], in_b[k]);
        const BoardRun run = board.run(true, info.layers);
        if (s == 0) r.cycles = run.cycles;
        all += run.cycles;
        r.stack_bytes = std::max(r.stack_bytes, run.stack_bytes);
        for (size_t i = 0; i < layer_sum.size() && i < run.layer_cycles.size(); ++i) layer_sum[i] += run.layer_cycles[i];
        for (size_t k = 0; k < out_b.size(); ++k) {
          const auto o = board.get_output(static_cast<unsigned>(k), out_b[k]);
          outs[k].insert(outs[k].end(), o.begin(), o.end());
        }
      } catch (const CompileError& e) {
        throw CompileError(c.options.model + ": sample " + std::to_string(s) + ": " + e.what());
      }
    }
    r.cycles_avg = all / std::max<size_t>(samples, 1);
    for (const auto& l : c.code.layers)
      r.layers.push_back({l.index, l.name, l.type, l.macc,
                          static_cast<size_t>(l.index) < layer_sum.size() ? layer_sum[static_cast<size_t>(l.index)] / samples : 0});
    if (out) *out = r;
    return outs;
  };
}

std::string BoardReport::text() const {
  std::ostringstream o;
  o << "Cycles measured on the board (" << device << ", " << core << ", --target " << target << ", " << counter
    << ", firmware " << firmware_hash << ")\n";
  const std::string line(100, '-');
  o << line << "\n"
    << pad("c_id", 6) << pad("name", 40) << pad("type", 14) << pad("macc", 12, true) << pad("cycles", 14, true)
    << pad("cycles/MACC", 13, true) << "\n"
    << line << "\n";
  for (const auto& l : layers) {
    std::string nm = l.name.size() > 38 ? l.name.substr(0, 17) + ".." + l.name.substr(l.name.size() - 19) : l.name;
    o << pad(std::to_string(l.c_id), 6) << pad(nm, 40) << pad(l.type, 14) << pad(std::to_string(l.macc), 12, true)
      << pad(std::to_string(l.cycles), 14, true)
      << pad(l.macc > 0 ? fixed(static_cast<double>(l.cycles) / static_cast<double>(l.macc), 2) : "-", 13, true)
      << "\n";
  }
  const double per_macc = macc > 0 ? static_cast<double>(cycles) / static_cast<double>(macc) : 0;
  o << line << "\n"
    << pad("total", 6) << pad("one inference (first sample)", 40) << pad("", 14) << pad(std::to_string(macc), 12, true)
    << pad(std::to_string(cycles), 14, true) << pad(fixed(per_macc, 2), 13, true) << "\n"
    << line << "\n"
    << " total: " << cycles << " cycles per inference (mean of " << samples << ": " << cycles_avg << ") = "
    << fixed(cpu_mhz > 0 ? cycles / (cpu_mhz * 1000.0) : 0, 3) << " ms at the board's " << fixed(cpu_mhz, 0)
    << " MHz, " << fixed(cycles / (target_mhz * 1000.0), 3) << " ms at " << fixed(target_mhz, 0) << " MHz ("
    << target << "'s maximum)\n"
    << " stack high-water mark: " << stack_bytes << " B (network, runtime and the validation loop)\n";
  if (cycles == 0)
    o << " note: the cycle counter did not advance (an emulator such as QEMU does not model it)\n";
  return o.str();
}

nlohmann::json BoardReport::json() const {
  nlohmann::json j = {{"device", device},       {"core", core},           {"target", target},
                      {"counter", counter},     {"firmware", firmware_hash}, {"cpu_mhz", cpu_mhz},
                      {"target_mhz", target_mhz}, {"samples", samples},   {"cycles", cycles},
                      {"cycles_mean_all_samples", cycles_avg}, {"stack_bytes", stack_bytes}, {"macc", macc}};
  j["layers"] = nlohmann::json::array();
  for (const auto& l : layers)
    j["layers"].push_back({{"c_id", l.c_id}, {"name", l.name}, {"type", l.type}, {"macc", l.macc}, {"cycles", l.cycles}});
  return j;
}

}  // namespace eg::validate
