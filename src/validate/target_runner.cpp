#include "validate/target_runner.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <regex>
#include <sstream>

#include "toolchain/tools.h"
#include "util/error.h"
#include "validate/firmware_files.h"
#include "validate/machines.h"
#include "validate/host_runner.h"

namespace eg::validate {
namespace fs = std::filesystem;
using toolchain::quote;
using toolchain::run_command;

namespace {

constexpr size_t kStackBytes = 8 * 1024;     // reserved at link time
constexpr size_t kCodeMargin = 160 * 1024;   // runtime + harness + toolchain code, generous
constexpr size_t kMaxChunk = 32;             // samples per firmware
constexpr int kLayerRegionBase = 100;
constexpr int kMaxRegionId = 4095;

std::string upper(std::string s) {
  for (auto& ch : s) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  return s;
}

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The last `n` lines of a text (for error messages).
std::string tail(const std::string& s, size_t n = 15) {
  size_t pos = s.size();
  for (size_t k = 0; k <= n && pos > 0; ++k) {
    const size_t p = s.rfind('\n', pos - 1);
    if (p == std::string::npos) return s;
    if (k < n) pos = p;
  }
  return s.substr(pos == s.size() ? 0 : pos + 1);
}

// "1 MiB" / "128 KiB"
std::string kib(size_t b) {
  return b % (1024 * 1024) == 0 ? std::to_string(b >> 20) + " MiB" : std::to_string(b >> 10) + " KiB";
}

// Bytes of input k / output k for one sample.
std::vector<size_t> io_bytes(const Graph& g, const std::vector<TensorId>& ids) {
  std::vector<size_t> v;
  for (TensorId id : ids) v.push_back(g.t(id).bytes());
  return v;
}

// The forced include of every firmware source: the console and the region markers of the
// machine's support files (m4bench's or edgegen's own), EG_LAYER_BEGIN/END -> markers.
std::string prof_h(const Machine& m) {
  const std::string base = std::to_string(kLayerRegionBase);
  std::string h = "/* edgegen validate --mode target: console and per-layer regions. */\n"
                  "#ifndef EGV_PROF_H\n#define EGV_PROF_H\n";
  if (m.m4bench)
    h += "#include \"m4bench.h\"\n#define EGV_BEGIN(id) M4_BEGIN(id)\n#define EGV_END(id) M4_END(id)\n"
         "#define egv_putc m4_putc\n";
  else
    h += "#include \"egfw.h\"\n#define EGV_BEGIN(id) EGFW_BEGIN(id)\n#define EGV_END(id) EGFW_END(id)\n"
         "#define egv_putc egfw_putc\n";
  return h + "#define EG_LAYER_BEGIN(id) EGV_BEGIN(" + base + " + (id))\n#define EG_LAYER_END(id) EGV_END(" + base +
         " + (id))\n#endif\n";
}

struct Sizes {
  size_t text = 0, rodata = 0, data = 0, bss = 0;
};

// m4run's size lines: "  .text        1234".
Sizes parse_sizes(const std::string& out) {
  Sizes s;
  static const std::regex re(R"(^\s*\.(text|rodata|data|bss|isr_vector)\s+(\d+)(\s+\d+)?\s*$)");
  std::istringstream in(out);
  std::string line;
  while (std::getline(in, line)) {
    std::smatch m;
    if (!std::regex_match(line, m, re)) continue;
    const size_t v = std::stoull(m[2]);
    if (m[1] == "text" || m[1] == "isr_vector") s.text += v;
    else if (m[1] == "rodata") s.rodata = v;
    else if (m[1] == "data") s.data = v;
    else s.bss = v;
  }
  return s;
}

// Addresses of the instruction words of every m4bench marker (0xF3AF80B1/B2 and its two id
// words) in the executable sections of an ELF32 little-endian file.
std::vector<uint32_t> marker_words(const std::string& path) {
  const std::string f = read_text(path);
  auto u16 = [&](size_t o) -> uint32_t {
    return o + 2 <= f.size() ? static_cast<uint32_t>(static_cast<uint8_t>(f[o]) | static_cast<uint8_t>(f[o + 1]) << 8)
                             : 0u;
  };
  auto u32 = [&](size_t o) -> uint32_t { return u16(o) | u16(o + 2) << 16; };
  std::vector<uint32_t> words;
  if (f.size() < 52 || f.compare(0, 4, "\x7f" "ELF") != 0 || f[4] != 1 || f[5] != 1) return words;
  const size_t shoff = u32(0x20), shentsize = u16(0x2E), shnum = u16(0x30);
  for (size_t k = 0; k < shnum; ++k) {
    const size_t h = shoff + k * shentsize;
    if (h + 40 > f.size()) break;
    const uint32_t type = u32(h + 4), flags = u32(h + 8), addr = u32(h + 12), off = u32(h + 16), size = u32(h + 20);
    if (type != 1 || !(flags & 0x4u) || static_cast<size_t>(off) + size > f.size()) continue;  // PROGBITS, EXECINSTR
    for (uint32_t i = 0; i + 12 <= size; i += 2)
      if (u16(off + i) == 0xF3AFu && (u16(off + i + 2) == 0x80B1u || u16(off + i + 2) == 0x80B2u))
        for (uint32_t w = 0; w < 3; ++w) words.push_back(addr + i + 4 * w);
  }
  return words;
}

// A marker word that starts in the last 8 bytes of a 1 KiB page is at risk.
bool risky_word(uint32_t addr) { return (addr & 0x3FFu) >= 0x3F8u; }

// The smallest shift (a multiple of 4) that moves every marker word out of the risky zone.
int safe_shift(const std::vector<uint32_t>& words) {
  for (int shift = 0; shift < 1024; shift += 4) {
    bool ok = true;
    for (uint32_t a : words) ok = ok && !risky_word(a + static_cast<uint32_t>(shift));
    if (ok) return shift;
  }
  return 0;
}

enum class BuildStatus { Ok, FlashOverflow, RamOverflow, Failed };

struct Build {
  BuildStatus status = BuildStatus::Failed;
  Sizes sizes;
  std::string log;
};

struct Region {
  uint64_t entries = 0, cycles = 0, insns = 0, unmatched_end = 0;
  bool open = false;
};

struct Run {
  std::map<int, Region> regions;
  uint64_t total_insns = 0;
  std::string stdout_text;
};

// m4bench's m4cycles QEMU plugin (exact instruction counts per marked region), built
// from its sources next to m4run into a per-user cache folder on first use.
std::string m4cycles_plugin(const std::string& m4run, const std::string& workdir) {
  const fs::path src = fs::path(m4run).parent_path() / "plugin";
  const char* tmp = std::getenv("TMPDIR");
  const fs::path dir = fs::path(tmp && *tmp ? tmp : "/tmp") / ("edgegen-m4cycles-" + std::to_string(::getuid()));
  const fs::path lib = dir / "libm4cycles.so";
  std::string log;
  if (toolchain::run_command("make -s -C " + quote(src.string()) + " BUILD=" + quote(dir.string()), &log) != 0 ||
      !fs::exists(lib))
    throw CompileError("validate --mode target: building m4bench's m4cycles plugin from " + src.string() +
                       " failed (work folder " + workdir + "):\n" + tail(log));
  return lib.string();
}

class TargetSession {
 public:
  TargetSession(const pipeline::Compiled& c, std::string workdir) : c_(c), dir_(std::move(workdir)) {
    const toolchain::Target& t = c.options.target;
    machine_ = machine_for(t.core);
    if (!machine_)
      fail(c.options.model, "validate --mode target needs an STM32 --target (" + std::string(t.series) +
                                " runs on the host: use --mode host)");
    m4run_ = find_m4run();
    if (m4run_.empty())
      fail(c.options.model, "validate --mode target needs m4bench's m4run (set EDGEGEN_M4RUN, or put m4run on PATH)");
    cflags_ = t.cflags();
    if (!machine_->mcpu.empty())  // the emulated core's own -mcpu (same instruction set)
      cflags_.replace(cflags_.find(t.mcpu), t.mcpu.size(), machine_->mcpu);
    fs::create_directories(dir_);
    for (const auto& [f, content] : c.code.files) {
      std::ofstream(fs::path(dir_) / f, std::ios::binary) << content;
      if (f.size() > 2 && f.substr(f.size() - 2) == ".c") sources_.push_back(f);
    }
    if (!machine_->m4bench) {
      for (const auto& [f, content] : firmware_sources()) std::ofstream(fs::path(dir_) / f, std::ios::binary) << content;
      for (const char* tool : {"arm-none-eabi-gcc", "arm-none-eabi-size", "qemu-system-arm"})
        if (toolchain::find_tool(tool).empty())
          fail(c.options.model, std::string("validate --mode target on ") + std::string(machine_->qemu) + " needs " + tool);
      plugin_ = m4cycles_plugin(m4run_, dir_);
    }
    std::ofstream(fs::path(dir_) / "egv_prof.h") << prof_h(*machine_);
    opt_ = policy(c.options.optimization).c_opt_flag;
    in_bytes_ = io_bytes(c.lowered, c.lowered.inputs);
    out_bytes_ = io_bytes(c.lowered, c.lowered.outputs);
    if (c.code.layers.size() + kLayerRegionBase > static_cast<size_t>(kMaxRegionId))
      profile_layers_ = false;
  }

  std::vector<std::vector<uint8_t>> operator()(const std::vector<std::vector<uint8_t>>& inputs, size_t samples,
                                               TargetReport* rep) {
    TargetReport r;
    r.name = c_.options.name;
    r.target = std::string(c_.options.target.series);
    r.core = std::string(toolchain::core_name(c_.options.target.core));
    r.machine = std::string(machine_->qemu);
    r.cycle_model = machine_->m4bench;
    r.layers_counted = machine_->markers && profile_layers_;
    r.mhz = c_.options.target.mhz;
    if (c_.options.target.core != machine_->core)
      r.note = r.core + " code on QEMU's " + std::string(toolchain::core_name(machine_->core)) + " (" + r.machine +
               "): the same instruction set";
    r.opt_flag = opt_;
    r.samples = samples;
    r.macc = c_.c_macc;
    r.activations = c_.plan.activations_bytes;
    r.activations_lower_bound = c_.plan.lower_bound;
    r.weights = c_.code.weights_bytes;
    r.params = c_.code.params_bytes;
    r.cflags = "arm-none-eabi-gcc " + cflags_ + " " + opt_ + " -ffunction-sections -fdata-sections" +
               (machine_->m4bench ? " (m4run)" : "");
    const std::string where = "the emulated " + r.core + " (" + r.machine + ")";
    if (r.activations + kStackBytes > machine_->ram_bytes)
      throw NotFitting(c_.options.model + ": validate --mode target: the activations buffer (" +
                       std::to_string(r.activations) + " B) does not fit the " + kib(machine_->ram_bytes) +
                       " RAM of " + where + " (with " + kib(kStackBytes) + " of stack)");
    const size_t flash = machine_->flash_bytes;

    size_t per_sample = 0;
    for (size_t b : in_bytes_) per_sample += b;
    const size_t fixed = r.weights + r.params + kCodeMargin;
    size_t chunk = fixed < flash ? (flash - fixed) / std::max<size_t>(per_sample, 1) : 1;
    size_t max_chunk = kMaxChunk;
    if (const char* e = std::getenv("EDGEGEN_TARGET_SAMPLES_PER_FW"); e && std::atoi(e) > 0)
      max_chunk = static_cast<size_t>(std::atoi(e));
    chunk = std::clamp<size_t>(chunk, 1, std::min(samples, max_chunk));

    std::vector<std::vector<uint8_t>> outs(out_bytes_.size());
    for (size_t k = 0; k < outs.size(); ++k) outs[k].reserve(samples * out_bytes_[k]);
    std::map<int, Region> layer_sum;
    uint64_t all_runs = 0;
    size_t first = 0, fw = 0;
    while (first < samples) {
      size_t count = std::min(chunk, samples - first);
      // Build; halve the chunk while the samples overflow the flash.
      Build b;
      std::string elf;
      int pad = 0;
      for (;;) {
        elf = build(inputs, first, count, fw, pad, false, &b);
        if (b.status == BuildStatus::Ok) break;
        if (b.status == BuildStatus::FlashOverflow && count > 1) {
          chunk = count = std::max<size_t>(1, count / 2);
          continue;
        }
        if (b.status == BuildStatus::FlashOverflow)
          throw NotFitting(c_.options.model + ": validate --mode target: the firmware does not fit the " +
                           kib(flash) + " flash of " + where + " even with one sample:\n" + tail(b.log));
        if (b.status == BuildStatus::RamOverflow)
          throw NotFitting(c_.options.model + ": validate --mode target: the firmware does not fit the " +
                           kib(machine_->ram_bytes) + " RAM of " + where + " (activations " +
                           std::to_string(r.activations) + " B):\n" + tail(b.log));
        fail(c_.options.model, "validate --mode target: the firmware failed to build:\n" + tail(b.log, 30));
      }
      if (fw == 0) {
        r.fw_text = b.sizes.text, r.fw_rodata = b.sizes.rodata, r.fw_data = b.sizes.data, r.fw_bss = b.sizes.bss;
        Build stub;
        build(inputs, first, count, fw, pad, true, &stub);
        if (stub.status != BuildStatus::Ok)
          fail(c_.options.model, "validate --mode target: the harness without the network failed to build:\n" +
                                     tail(stub.log, 30));
        auto diff = [](size_t a, size_t b) { return a > b ? a - b : 0; };
        r.net_text = diff(b.sizes.text, stub.sizes.text);
        r.net_rodata = diff(b.sizes.rodata, stub.sizes.rodata);
        r.net_data = diff(b.sizes.data, stub.sizes.data);
        r.net_bss = diff(b.sizes.bss, stub.sizes.bss);
      }
      // Run; a lost marker (m4bench's page-boundary limitation) -> shift the code and retry.
      // m4bench can lose a marker whose instruction ends at offset 0x3FE of a 1 KiB page: shift
      // the code (padding at the top of main, before every marker) until none sits there.
      for (int attempt = 0; attempt < 4; ++attempt) {
        const std::vector<uint32_t> words = marker_words(elf);
        const int shift = safe_shift(words);
        if (shift == 0) break;
        pad += shift;
        elf = build(inputs, first, count, fw, pad, false, &b);
        if (b.status != BuildStatus::Ok)
          fail(c_.options.model, "validate --mode target: rebuild with code padding failed:\n" + tail(b.log));
      }
      Run run = execute(elf, fw, count);
      const std::string lost = machine_->markers ? check_regions(run, count) : "";
      if (!lost.empty())
        fail(c_.options.model, "validate --mode target: a cycle marker was lost (" + lost +
                                   "); see m4bench README, 'last instruction of a 1 KiB page'");
      parse_outputs(run.stdout_text, first, count, &outs);
      if (fw == 0 && machine_->markers) {
        r.cycles = run.regions[1].cycles;
        r.insns = run.regions[1].insns;
      } else if (fw == 0) {
        // No markers (ARMv6-M): the same firmware running every sample twice; the
        // difference of the whole runs is `count` inferences (and their input copies).
        Build twice;
        const std::string elf2 = build(inputs, first, count, fw, pad, false, &twice, true);
        if (twice.status != BuildStatus::Ok)
          fail(c_.options.model, "validate --mode target: the firmware failed to build:\n" + tail(twice.log, 30));
        const Run run2 = execute(elf2, fw, count);
        r.insns = run2.total_insns > run.total_insns ? (run2.total_insns - run.total_insns) / count : 0;
      }
      all_runs += run.regions[2].cycles;
      for (const auto& [id, reg] : run.regions) {
        if (id < kLayerRegionBase) continue;
        auto& s = layer_sum[id - kLayerRegionBase];
        s.entries += reg.entries, s.cycles += reg.cycles, s.insns += reg.insns;
      }
      first += count;
      ++fw;
    }
    r.firmwares = fw;
    r.chunk = chunk;
    r.cycles_avg = all_runs / samples;
    for (const auto& l : c_.code.layers) {
      LayerCycles lc;
      lc.c_id = l.index;
      lc.name = l.name;
      lc.type = l.type;
      lc.macc = l.macc;
      lc.is_view = l.is_view;
      if (auto it = layer_sum.find(l.index); it != layer_sum.end() && it->second.entries > 0) {
        lc.entries = it->second.entries;
        lc.cycles = (it->second.cycles + lc.entries / 2) / lc.entries;
        lc.insns = (it->second.insns + lc.entries / 2) / lc.entries;
      }
      r.layer_cycles_sum += lc.cycles;
      r.layers.push_back(lc);
    }
    if (rep) *rep = r;
    return outs;
  }

 private:
  // Writes main_<fw>.c and builds fw_<fw>.elf (or the stub). Returns the ELF path.
  std::string build(const std::vector<std::vector<uint8_t>>& inputs, size_t first, size_t count, size_t fw, int pad,
                    bool stub, Build* b, bool twice = false) {
    const std::string tag = stub ? "stub" : std::to_string(fw) + (twice ? "_twice" : "");
    const fs::path main_c = fs::path(dir_) / ("main_" + tag + ".c");
    std::ofstream(main_c) << target_main_c(c_, inputs, first, count);
    const fs::path elf = fs::path(dir_) / ("fw_" + tag + ".elf");
    // -std=c99: no FMA contraction, as on the host
    std::string defs = " " + opt_ + " -std=c99 -I. -include egv_prof.h -DEGV_PAD=" + std::to_string(pad);
    if (stub) defs += " -DEGV_STUB";
    if (twice) defs += " -DEGV_TWICE";
    if (!compile_objects(b)) return elf.string();
    // main first: the padding in main shifts the network's code
    const std::string files = " " + quote(main_c.filename().string()) + objects_;
    std::string cmd = "cd " + quote(dir_) + " && ";
    if (machine_->m4bench) {
      cmd += quote(m4run_) + " build -o " + quote(elf.string()) + " --no-run " + cflags_ + defs + files;
    } else {
      char mem[256];
      std::snprintf(mem, sizeof mem,
                    " -Wl,--defsym=__egfw_flash_origin=0x%x,--defsym=__egfw_flash_size=0x%zx"
                    ",--defsym=__egfw_ram_origin=0x%x,--defsym=__egfw_ram_size=0x%zx,--defsym=__egfw_min_stack=0x%zx",
                    machine_->flash_origin, machine_->flash_bytes, machine_->ram_origin, machine_->ram_bytes,
                    kStackBytes);
      cmd += "arm-none-eabi-gcc " + cflags_ + defs +
             " -ffunction-sections -fdata-sections -nostartfiles --specs=nano.specs -T link.ld -Wl,--gc-sections" + mem +
             " -o " + quote(elf.string()) + files + " startup.c semihost.c -Wl,--start-group -lc -lm -lgcc "
             "-Wl,--end-group && arm-none-eabi-size -A " + quote(elf.string());
    }
    const int rc = run_command(cmd, &b->log);
    if (rc == 0) {
      b->status = BuildStatus::Ok;
      b->sizes = parse_sizes(b->log);
    } else if (b->log.find("region `FLASH' overflowed") != std::string::npos) {
      b->status = BuildStatus::FlashOverflow;
    } else if (b->log.find("region `RAM' overflowed") != std::string::npos ||
               b->log.find("RAM overflow") != std::string::npos || b->log.find("egfw: RAM overflow") != std::string::npos) {
      b->status = BuildStatus::RamOverflow;
    } else {
      b->status = BuildStatus::Failed;
    }
    return elf.string();
  }

  // The network's and the runtime's units are the same in every firmware of the session (only
  // main_<tag>.c differs: its samples, the code padding, the stub): they are compiled once, with the
  // flags the firmware build gives them (m4run build's own for m4bench: its core, -O2 -g, sections,
  // -Wall, its folder; then ours, so the code is the same), and every firmware links the objects.
  bool compile_objects(Build* b) {
    if (!objects_.empty()) return true;
    const std::string defs = " " + opt_ + " -std=c99 -I. -include egv_prof.h";
    std::string cmd = "cd " + quote(dir_) + " && arm-none-eabi-gcc ";
    if (machine_->m4bench)
      cmd += "-mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16 -O2 -g -ffunction-sections -fdata-sections -Wall -I" +
             quote(fs::weakly_canonical(m4run_).parent_path().string()) + " " + cflags_ + defs;
    else
      cmd += cflags_ + defs + " -ffunction-sections -fdata-sections --specs=nano.specs";
    std::string objects;
    for (const auto& s : sources_) {
      cmd += " " + quote(s);
      objects += " " + quote(s.substr(0, s.size() - 2) + ".o");
    }
    if (run_command(cmd + " -c", &b->log) != 0) {
      b->status = BuildStatus::Failed;
      return false;
    }
    objects_ = objects;
    return true;
  }

  Run execute(const std::string& elf, size_t fw, size_t count) {
    const fs::path json = fs::path(dir_) / ("fw_" + std::to_string(fw) + ".json");
    const fs::path out = fs::path(dir_) / ("fw_" + std::to_string(fw) + ".out");
    const fs::path err = fs::path(dir_) / ("fw_" + std::to_string(fw) + ".err");
    std::error_code ec;
    fs::remove(json, ec);
    // generous: ~40 cycles/MACC at >= 50 M guest instructions/s, at least 10 minutes
    const double est = 40.0 * static_cast<double>(std::max<int64_t>(c_.c_macc, 1)) * static_cast<double>(count) / 50e6;
    const int timeout = static_cast<int>(std::max(600.0, est));
    std::string cmd;
    if (machine_->m4bench)
      cmd = quote(m4run_) + " --quiet --timeout " + std::to_string(timeout) + " --json " + quote(json.string()) +
            " -- " + quote(elf);
    else
      cmd = "qemu-system-arm -M " + std::string(machine_->qemu) +
            " -nodefaults -display none -chardev stdio,id=egv -semihosting-config enable=on,target=native,chardev=egv"
            " -kernel " + quote(elf) + " -plugin " + quote(plugin_ + ",json=" + json.string() + ",table=" + err.string() + ".table") +
            " < /dev/null";
    cmd += " > " + quote(out.string()) + " 2> " + quote(err.string());
    const int rc = run_command(cmd, nullptr, machine_->m4bench ? 0 : timeout);
    Run r;
    r.stdout_text = read_text(out);
    const std::string errs = read_text(err);
    if (rc != 0) {
      std::string why = rc == 100 ? "an unhandled fault" : rc == 124 ? "a timeout" : rc == 125 ? "a harness error" : "";
      fail(c_.options.model, "validate --mode target: the firmware exited with status " + std::to_string(rc) +
                                 (why.empty() ? "" : " (" + why + ")") + ":\n" + tail(r.stdout_text + errs));
    }
    nlohmann::json j;
    try {
      j = nlohmann::json::parse(read_text(json));
    } catch (const std::exception& e) {
      fail(c_.options.model, "validate --mode target: cannot read m4run's JSON report " + json.string() + ": " + e.what());
    }
    r.total_insns = j.at("total").at("insns").get<uint64_t>();
    for (const auto& reg : j.at("regions")) {
      Region g;
      g.entries = reg.at("entries").get<uint64_t>();
      g.cycles = reg.at("cycles").get<uint64_t>();
      g.insns = reg.at("insns").get<uint64_t>();
      g.open = reg.at("open").get<bool>();
      g.unmatched_end = reg.value("unmatched_end", uint64_t{0});
      r.regions[reg.at("id").get<int>()] = g;
    }
    return r;
  }

  // "" when every region was entered as often as expected and closed.
  std::string check_regions(const Run& run, size_t count) const {
    auto check = [&](int id, uint64_t want) -> std::string {
      auto it = run.regions.find(id);
      if (it == run.regions.end()) return "region " + std::to_string(id) + " missing";
      const Region& g = it->second;
      if (g.entries != want || g.open || g.unmatched_end != 0)
        return "region " + std::to_string(id) + ": entries " + std::to_string(g.entries) + " (expected " +
               std::to_string(want) + "), open " + (g.open ? "true" : "false") + ", unmatched ends " +
               std::to_string(g.unmatched_end);
      return "";
    };
    if (auto e = check(1, 1); !e.empty()) return e;
    if (auto e = check(2, count); !e.empty()) return e;
    if (profile_layers_)
      for (const auto& l : c_.code.layers)
        if (auto e = check(kLayerRegionBase + l.index, count); !e.empty()) return e;
    for (const auto& [id, g] : run.regions)
      if (g.open || g.unmatched_end != 0) return "region " + std::to_string(id) + " left open or unmatched";
    return "";
  }

  // "EGV sample <s> output <k>" then hex lines, "EGV end" at the end.
  void parse_outputs(const std::string& text, size_t first, size_t count,
                     std::vector<std::vector<uint8_t>>* outs) const {
    std::map<std::pair<size_t, size_t>, std::vector<uint8_t>> got;
    std::istringstream in(text);
    std::string line;
    std::vector<uint8_t>* cur = nullptr;
    bool ended = false;
    auto hexval = [](char ch) -> int {
      if (ch >= '0' && ch <= '9') return ch - '0';
      if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
      return -1;
    };
    while (std::getline(in, line)) {
      if (line.rfind("EGV ", 0) == 0) {
        unsigned long s = 0, k = 0;
        if (std::sscanf(line.c_str(), "EGV sample %lu output %lu", &s, &k) == 2) {
          cur = &got[{s, k}];
        } else if (line == "EGV end") {
          ended = true;
          cur = nullptr;
        } else {
          fail(c_.options.model, "validate --mode target: the firmware reported: " + line.substr(4));
        }
        continue;
      }
      if (!cur) continue;
      for (size_t i = 0; i + 1 < line.size(); i += 2) {
        const int hi = hexval(line[i]), lo = hexval(line[i + 1]);
        if (hi < 0 || lo < 0) fail(c_.options.model, "validate --mode target: bad output line '" + line + "'");
        cur->push_back(static_cast<uint8_t>(hi * 16 + lo));
      }
    }
    if (!ended) fail(c_.options.model, "validate --mode target: the firmware's output is incomplete:\n" + tail(text));
    for (size_t s = first; s < first + count; ++s)
      for (size_t k = 0; k < out_bytes_.size(); ++k) {
        auto it = got.find({s, k});
        if (it == got.end() || it->second.size() != out_bytes_[k])
          fail(c_.options.model, "validate --mode target: sample " + std::to_string(s) + " output " +
                                     std::to_string(k) + ": expected " + std::to_string(out_bytes_[k]) +
                                     " bytes, got " + std::to_string(it == got.end() ? 0 : it->second.size()));
        (*outs)[k].insert((*outs)[k].end(), it->second.begin(), it->second.end());
      }
  }

  const pipeline::Compiled& c_;
  const Machine* machine_ = nullptr;
  std::string dir_, m4run_, opt_, cflags_, plugin_;
  std::vector<std::string> sources_;
  std::string objects_;  // " a.o b.o ..." once compile_objects ran
  std::vector<size_t> in_bytes_, out_bytes_;
  bool profile_layers_ = true;
};

std::string pad_to(std::string s, size_t w, bool right = false) {
  if (s.size() >= w) return s + " ";
  return right ? std::string(w - s.size(), ' ') + s : s + std::string(w - s.size(), ' ');
}

std::string thousands(uint64_t v) {
  std::string s = std::to_string(v), o;
  for (size_t i = 0; i < s.size(); ++i) {
    if (i && (s.size() - i) % 3 == 0) o += ',';
    o += s[i];
  }
  return o;
}

std::string fixed(double v, int prec) {
  char b[64];
  std::snprintf(b, sizeof b, "%.*f", prec, v);
  return b;
}

}  // namespace

std::string find_m4run() {
  if (const char* e = std::getenv("EDGEGEN_M4RUN"); e && *e) return e;
#ifdef EDGEGEN_SOURCE_DIR
  const fs::path p = fs::path(EDGEGEN_SOURCE_DIR) / ".." / "shared" / "m4bench" / "m4run";
  if (fs::exists(p)) return fs::weakly_canonical(p).string();
#endif
  return toolchain::find_tool("m4run");
}

std::string target_main_c(const pipeline::Compiled& c, const std::vector<std::vector<uint8_t>>& inputs, size_t first,
                          size_t count) {
  const std::string& n = c.options.name;
  const std::string P = "STAI_" + upper(n);
  const auto in_b = io_bytes(c.lowered, c.lowered.inputs);
  const auto out_b = io_bytes(c.lowered, c.lowered.outputs);
  std::ostringstream o;
  o << "/* edgegen validate --mode target: firmware main for samples " << first << ".." << first + count - 1
    << ".\n * Regions: 1 = run of the first sample here, 2 = every run, " << kLayerRegionBase
    << " + i = C layer i.\n * Output: 'EGV sample <s> output <k>' then the bytes in hex, 'EGV end'.\n"
    << " * -DEGV_STUB builds the same harness without the network (for its size). */\n"
    << "#include <string.h>\n#include \"" << n << ".h\"\n\n"
    << "#define EGV_FIRST " << first << "u\n#define EGV_COUNT " << count << "u\n"
    << "/* read at run time, so main's code (and the placement of all code after it) does not\n"
    << " * depend on which samples this firmware holds */\n"
    << "static volatile const uint32_t egv_first = EGV_FIRST, egv_count = EGV_COUNT;\n\n";
  for (size_t k = 0; k < in_b.size(); ++k) {
    o << "static const uint8_t egv_in_" << k << "[EGV_COUNT][" << std::max<size_t>(in_b[k], 1)
      << "] __attribute__((aligned(8))) = {\n";
    for (size_t s = first; s < first + count; ++s) {
      o << "  {";
      const uint8_t* p = inputs[k].data() + s * in_b[k];
      for (size_t i = 0; i < in_b[k]; ++i) {
        if (i % 24 == 0) o << "\n   ";
        char buf[8];
        std::snprintf(buf, sizeof buf, "0x%02x,", p[i]);
        o << buf;
      }
      if (in_b[k] == 0) o << "0";
      o << "},\n";
    }
    o << "};\n";
  }
  o << "static const uint8_t *const egv_in[" << in_b.size() << "] = {";
  for (size_t k = 0; k < in_b.size(); ++k) o << "&egv_in_" << k << "[0][0], ";
  o << "};\nstatic const uint32_t egv_in_bytes[" << in_b.size() << "] = {";
  for (size_t b : in_b) o << b << "u, ";
  o << "};\nstatic const uint32_t egv_out_bytes[" << out_b.size() << "] = {";
  for (size_t b : out_b) o << b << "u, ";
  o << "};\n\n"
    << "#ifndef EGV_STUB\n"
    << activation_buffers(c, "egv_act", P)
    << "static STAI_ALIGNED(8) stai_network egv_ctx[" << P << "_CONTEXT_SIZE];\n"
    << "#endif\n\n"
    << "static void egv_hex(const uint8_t *p, uint32_t len) {\n"
    << "  static const char d[] = \"0123456789abcdef\";\n"
    << "  uint32_t i;\n"
    << "  for (i = 0; i < len; ++i) {\n"
    << "    egv_putc(d[p[i] >> 4]);\n    egv_putc(d[p[i] & 15u]);\n"
    << "    if ((i & 31u) == 31u || i + 1 == len) egv_putc('\\n');\n"
    << "  }\n}\n\n"
    << "static void egv_str(const char *s) {\n  while (*s) egv_putc(*s++);\n}\n\n"
    << "static void egv_u32(uint32_t v) {\n  char d[11];\n  int n = 0;\n"
    << "  do { d[n++] = (char)('0' + v % 10u); v /= 10u; } while (v);\n"
    << "  while (n) egv_putc(d[--n]);\n}\n\n"
    << "static void egv_header(uint32_t s, uint32_t k) {\n"
    << "  egv_str(\"EGV sample \");\n  egv_u32(s);\n  egv_str(\" output \");\n  egv_u32(k);\n  egv_putc('\\n');\n}\n\n"
    << "static int egv_error(const char *what, uint32_t rc, int status) {\n"
    << "  egv_str(\"EGV error \");\n  egv_str(what);\n  egv_putc(' ');\n  egv_u32(rc);\n  egv_putc('\\n');\n"
    << "  return status;\n}\n\n"
    << "int main(void) {\n"
    << "  uint32_t s, k;\n"
    << "#ifdef EGV_PAD /* shifts all code after it (the network) by EGV_PAD bytes */\n"
    << "#define EGV_STR2(x) #x\n#define EGV_STR(x) EGV_STR2(x)\n"
    << "  __asm__ volatile(\"b 1f\\n\\t.space \" EGV_STR(EGV_PAD) \"\\n\\t.balign 2\\n1:\\n\");\n"
    << "#endif\n"
    << "#ifndef EGV_STUB\n"
    << "  stai_ptr act[" << P << "_ACTIVATIONS_NUM], ins[" << P << "_IN_NUM], outs[" << P << "_OUT_NUM];\n"
    << "  stai_size num = 0;\n"
    << "  stai_return_code rc;\n"
    << "  if ((rc = stai_" << n << "_init(egv_ctx)) != STAI_SUCCESS) return egv_error(\"init\", (uint32_t)rc, 21);\n"
    << point_activations(c, "egv_act", "act")
    << "  if ((rc = stai_" << n << "_set_activations(egv_ctx, act, " << P << "_ACTIVATIONS_NUM)) != STAI_SUCCESS) return egv_error(\"set_activations\", (uint32_t)rc, 22);\n"
    << "  if (stai_" << n << "_get_inputs(egv_ctx, ins, &num) != STAI_SUCCESS || num != " << P << "_IN_NUM) return egv_error(\"get_inputs\", 0, 23);\n"
    << "  if (stai_" << n << "_get_outputs(egv_ctx, outs, &num) != STAI_SUCCESS || num != " << P << "_OUT_NUM) return egv_error(\"get_outputs\", 0, 24);\n"
    << "  for (s = 0; s < egv_count; ++s) {\n"
    << "    for (k = 0; k < " << P << "_IN_NUM; ++k) memcpy(ins[k], egv_in[k] + s * egv_in_bytes[k], egv_in_bytes[k]);\n"
    << "    if (s == 0) {\n"
    << "      EGV_BEGIN(1);\n      EGV_BEGIN(2);\n"
    << "      rc = stai_" << n << "_run(egv_ctx, STAI_MODE_SYNC);\n"
    << "      EGV_END(2);\n      EGV_END(1);\n"
    << "    } else {\n"
    << "      EGV_BEGIN(2);\n"
    << "      rc = stai_" << n << "_run(egv_ctx, STAI_MODE_SYNC);\n"
    << "      EGV_END(2);\n"
    << "    }\n"
    << "#ifdef EGV_TWICE /* the same inference again: whole-run instruction counts differ by one per sample */\n"
    << "    for (k = 0; k < " << P << "_IN_NUM; ++k) memcpy(ins[k], egv_in[k] + s * egv_in_bytes[k], egv_in_bytes[k]);\n"
    << "    if (rc == STAI_SUCCESS) rc = stai_" << n << "_run(egv_ctx, STAI_MODE_SYNC);\n"
    << "#endif\n"
    << "    if (rc != STAI_SUCCESS) return egv_error(\"run\", (uint32_t)rc, 25);\n"
    << "    for (k = 0; k < " << P << "_OUT_NUM; ++k) {\n"
    << "      egv_header(egv_first + s, k);\n"
    << "      egv_hex((const uint8_t *)outs[k], egv_out_bytes[k]);\n"
    << "    }\n"
    << "  }\n"
    << "#else\n"
    << "  for (s = 0; s < egv_count; ++s)\n"
    << "    for (k = 0; k < " << in_b.size() << "u; ++k) {\n"
    << "      egv_header(egv_first + s, k);\n"
    << "      egv_hex(egv_in[k] + s * egv_in_bytes[k], egv_out_bytes[0] < egv_in_bytes[k] ? egv_out_bytes[0] : egv_in_bytes[k]);\n"
    << "    }\n"
    << "#endif\n"
    << "  egv_str(\"EGV end\\n\");\n"
    << "  return 0;\n}\n";
  return o.str();
}

Runner target_runner(const pipeline::Compiled& c, const std::string& workdir, TargetReport* out) {
  auto session = std::make_shared<TargetSession>(c, workdir);
  return [session, out](const std::vector<std::vector<uint8_t>>& in, size_t samples) {
    return (*session)(in, samples, out);
  };
}

std::string TargetReport::text() const {
  // The m4bench machine has a Cortex-M4 cycle model; elsewhere the table counts executed
  // instructions (exact, QEMU), which is what the core's cycles are bounded below by.
  const std::string unit = cycle_model ? "cycles" : "insns";
  const uint64_t run_total = cycle_model ? cycles : insns;
  std::ostringstream o;
  if (cycle_model)
    o << "Cycles on the target (m4bench " << core << " estimate, QEMU " << machine << "), --target " << target << ", "
      << opt_flag << ", 0 flash wait states\n";
  else
    o << "Executed instructions on the target (QEMU " << machine << ", " << core << ", exact count), --target "
      << target << ", " << opt_flag << "\n";
  if (!note.empty()) o << " note: " << note << "\n";
  const std::string line(118, '-');
  o << line << "\n"
    << pad_to("c_id", 6) << pad_to("name", 40) << pad_to("type", 14) << pad_to("macc", 12, true)
    << pad_to(unit, 14, true) << pad_to(unit + "/MACC", 13, true) << pad_to("share", 9, true) << "\n"
    << line << "\n";
  const double total = static_cast<double>(std::max<uint64_t>(run_total, 1));
  uint64_t layer_sum = 0;
  for (const auto& l : layers) {
    if (!layers_counted) break;
    const uint64_t v = cycle_model ? l.cycles : l.insns;
    layer_sum += v;
    std::string nm = l.name;
    if (nm.size() > 38) nm = nm.substr(0, 17) + ".." + nm.substr(nm.size() - 19);
    o << pad_to(std::to_string(l.c_id), 6) << pad_to(nm, 40) << pad_to(l.type + (l.is_view ? " (view)" : ""), 14)
      << pad_to(thousands(static_cast<uint64_t>(l.macc)), 12, true) << pad_to(thousands(v), 14, true)
      << pad_to(l.macc > 0 ? fixed(static_cast<double>(v) / static_cast<double>(l.macc), 2) : "-", 13, true)
      << pad_to(fixed(100.0 * static_cast<double>(v) / total, 1) + "%", 9, true) << "\n";
  }
  const uint64_t other = run_total > layer_sum ? run_total - layer_sum : 0;
  const std::string other_label = layers_counted ? "(API, input checks, outside layers)" : "(layers not counted)";
  const double per_macc = macc > 0 ? static_cast<double>(run_total) / static_cast<double>(macc) : 0.0;
  o << pad_to("", 6) << pad_to(other_label, 40) << pad_to("", 14) << pad_to("", 12, true)
    << pad_to(thousands(other), 14, true) << pad_to("-", 13, true)
    << pad_to(fixed(100.0 * static_cast<double>(other) / total, 1) + "%", 9, true) << "\n"
    << line << "\n"
    << pad_to("total", 6) << pad_to("stai_" + name + "_run (one inference)", 40) << pad_to("", 14)
    << pad_to(thousands(static_cast<uint64_t>(macc)), 12, true) << pad_to(thousands(run_total), 14, true)
    << pad_to(fixed(per_macc, 2), 13, true) << pad_to("100.0%", 9, true) << "\n"
    << line << "\n";
  if (cycle_model)
    o << " total: " << thousands(cycles) << " cycles per inference = " << fixed(ms(), 3) << " ms at "
      << fixed(mhz, 0) << " MHz (0 flash wait states), " << fixed(cycles_per_macc(), 2) << " cycles/MACC, "
      << thousands(insns) << " instructions\n"
      << " cycles: the first sample's stai_run (region 1); per layer: average over all " << samples
      << " sample(s) (mean of all runs: " << thousands(cycles_avg) << " cycles)\n";
  else
    o << " total: " << thousands(insns) << " instructions per inference, " << fixed(per_macc, 2)
      << " instructions/MACC (" << fixed(static_cast<double>(insns) / (mhz * 1000.0), 3) << " ms at " << fixed(mhz, 0)
      << " MHz if every instruction took one cycle)\n"
      << (layers_counted ? " per layer: average over all " + std::to_string(samples) + " sample(s)\n"
                         : " per layer: not counted on ARMv6-M (no marker instructions); the total is the difference "
                           "of whole runs with one and two inferences per sample\n");
  o << " firmware: " << firmwares << " build(s) of up to " << chunk << " sample(s); " << cflags << "\n"
    << " network FLASH " << thousands(net_flash()) << " B (code " << thousands(net_text) << ", rodata "
    << thousands(net_rodata) << ", data " << thousands(net_data) << "; weights " << thousands(weights)
    << " + kernel parameters " << thousands(params) << "), RAM " << thousands(net_ram()) << " B (activations "
    << thousands(activations) << ", lower bound " << thousands(activations_lower_bound) << "; stack not counted)\n"
    << " network = firmware minus the same harness without it; whole firmware: text " << thousands(fw_text)
    << ", rodata " << thousands(fw_rodata) << ", data " << thousands(fw_data) << ", bss " << thousands(fw_bss)
    << " (rodata holds the embedded input samples)\n";
  if (cycle_model) o << " estimate: m4bench's per-instruction Cortex-M4 timing model, not a board measurement\n";
  return o.str();
}

nlohmann::json TargetReport::json() const {
  nlohmann::json j;
  j["target"] = target;
  j["core"] = core;
  j["machine"] = machine;
  if (!note.empty()) j["note"] = note;
  j["optimization_flag"] = opt_flag;
  j["cflags"] = cflags;
  j["flash_wait_states"] = 0;
  j["cycle_model"] = cycle_model;
  j["mhz"] = mhz;
  j["samples"] = samples;
  j["firmwares"] = firmwares;
  j["samples_per_firmware"] = chunk;
  j["cycles"] = cycles;
  j["cycles_source"] = "region 1: stai_run of the first sample";
  j["instructions"] = insns;
  j["cycles_mean_all_samples"] = cycles_avg;
  j["ms"] = ms();
  j["macc"] = macc;
  j["cycles_per_macc"] = cycles_per_macc();
  j["layers"] = nlohmann::json::array();
  for (const auto& l : layers)
    j["layers"].push_back({{"c_id", l.c_id}, {"name", l.name}, {"type", l.type}, {"macc", l.macc},
                           {"is_view", l.is_view}, {"cycles", l.cycles}, {"instructions", l.insns},
                           {"entries", l.entries},
                           {"cycles_per_macc", l.macc > 0 ? static_cast<double>(l.cycles) / static_cast<double>(l.macc)
                                                          : 0.0},
                           {"share", cycles > 0 ? static_cast<double>(l.cycles) / static_cast<double>(cycles) : 0.0}});
  j["layers_cycles_sum"] = layer_cycles_sum;
  j["firmware"] = {{"text", fw_text}, {"rodata", fw_rodata}, {"data", fw_data}, {"bss", fw_bss}};
  j["network"] = {{"text", net_text}, {"rodata", net_rodata}, {"data", net_data}, {"bss", net_bss},
                  {"flash", net_flash()}, {"ram", net_ram()}};
  j["activations"] = activations;
  j["activations_lower_bound"] = activations_lower_bound;
  j["weights"] = weights;
  j["kernel_params"] = params;
  return j;
}

}  // namespace eg::validate
