#include "driver/commands.h"
#include "driver/sections.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <set>
#include <sstream>

#include <filesystem>
#include <fstream>
#include <iostream>

#include "ops/registry.h"
#include "report/report.h"
#include "toolchain/tools.h"
#include "util/error.h"
#include "validate/board_runner.h"
#include "util/text.h"
#include "validate/target_runner.h"
#include "validate/validation_firmware.h"
#include "validate/validate.h"
#include "validate/val_io.h"
#include "util/progress.h"

namespace eg::driver {
namespace fs = std::filesystem;

namespace {

// The folder for this run's temporary files: the one the supervisor made
// (run_dir), or, for in-process callers, a fresh one removed afterwards.
// A user's --workspace folder itself is never cleaned: only a subfolder of it.
class Workspace {
 public:
  explicit Workspace(const CliOptions& o) {
    if (!o.run_dir.empty()) {
      path_ = o.run_dir;
      return;
    }
    path_ = make_run_dir(o.compile.workspace, o.compile.model);
    owned_ = true;
  }
  ~Workspace() {
    std::error_code ec;
    if (owned_) fs::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  bool owned_ = false;
};

std::vector<std::string> generated_names(const Compiled& c, bool with_reports) {
  std::vector<std::string> names;
  for (const auto& [f, _] : c.code.files) names.push_back(f);
  if (with_reports) {
    names.push_back(c.options.name + "_generate_report.txt");
    names.push_back(c.options.name + "_c_info.json");
  }
  return names;
}

void check_name(const Options& o) {
  bool ok = !o.name.empty() && !std::isdigit(static_cast<unsigned char>(o.name[0]));
  for (char ch : o.name) ok = ok && (std::isalnum(static_cast<unsigned char>(ch)) || ch == '_');
  if (!ok) throw CompileError(o.model + ": --name " + text::quoted(o.name) + " is not a C identifier");
  // The runtime's own files and symbols (stai.h, eg_*.c, stai_*, EG_*) and the C library's
  // headers (a generated string.h would shadow <string.h>) are not names for a network.
  std::string lower = o.name;
  for (auto& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  static const char* kStdHeaders[] = {"assert", "complex", "ctype", "errno", "fenv", "float", "inttypes",
                                      "iso646", "limits", "locale", "math", "setjmp", "signal", "stdalign",
                                      "stdarg", "stdatomic", "stdbool", "stddef", "stdint", "stdio", "stdlib",
                                      "stdnoreturn", "string", "tgmath", "threads", "time", "uchar", "wchar",
                                      "wctype", "arm_acle", "arm_math", "arm_fp16"};
  bool reserved = lower == "eg" || lower == "stai" || lower.rfind("eg_", 0) == 0 || lower.rfind("stai_", 0) == 0;
  for (const char* h : kStdHeaders) reserved = reserved || lower == h;
  if (reserved)
    throw CompileError(o.model + ": --name " + text::quoted(o.name) +
                       " is reserved (the runtime's eg_*/stai* files and symbols, or a C library header)");
}

void measure_sections_if_asked(Compiled& c, const std::string& workdir) {
  if (c.options.size_report) measure_sections(c, workdir);
  else c.sections_toolchain = "skipped (--no-size-report)";
}

}  // namespace

std::string make_run_dir(const std::string& workspace, const std::string& model) {
  try {
    fs::path base = fs::temp_directory_path();
    if (!workspace.empty()) {
      base = workspace;
      std::error_code ec;
      if (fs::exists(base, ec) && !fs::is_directory(base, ec))
        throw CompileError(model + ": --workspace " + text::quoted(workspace) + " is not a folder");
      fs::create_directories(base);
    }
    std::string tmpl = (base / "edgegen-XXXXXX").string();
    if (!mkdtemp(tmpl.data()))
      throw CompileError(model + ": cannot create a temporary folder in " + text::quoted(base.string()) + ": " +
                         std::strerror(errno));
    return tmpl;
  } catch (const fs::filesystem_error& e) {
    throw CompileError(model + ": --workspace " + text::quoted(workspace) + ": " + e.code().message());
  }
}

namespace {

fs::path normal_output(const std::string& dir) {
  fs::path out = fs::absolute(fs::path(dir.empty() ? "." : dir)).lexically_normal();
  if (out.filename().empty()) out = out.parent_path();
  return out;
}

std::string manifest_name(const std::string& kind) { return ".edgegen-" + kind + ".manifest"; }

std::set<std::string> read_manifest(const fs::path& p) {
  std::set<std::string> names;
  std::ifstream in(p);
  std::string line;
  while (std::getline(in, line))
    // only plain file names: a hand-edited manifest cannot make edgegen delete elsewhere
    if (!line.empty() && line.find('/') == std::string::npos && line != "." && line != "..") names.insert(line);
  return names;
}

void write_file(const fs::path& p, const std::string& content) {
  std::ofstream f(p, std::ios::binary);
  f << content;
  f.close();
  if (!f) throw CompileError(p.parent_path().string() + ": cannot write " + p.filename().string() + ": " +
                             std::strerror(errno ? errno : EIO));
}

// Serializes the replace step of concurrent runs into one folder.
class FolderLock {
 public:
  explicit FolderLock(const fs::path& dir) {
    fd_ = ::open((dir / ".edgegen.lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ >= 0) flock(fd_, LOCK_EX);
  }
  ~FolderLock() {
    if (fd_ >= 0) ::close(fd_);
  }

 private:
  int fd_ = -1;
};

}  // namespace

std::string staging_path(const std::string& dir, long pid) {
  const fs::path out = normal_output(dir);
  return (out.parent_path() / ("." + out.filename().string() + ".edgegen-tmp-" + std::to_string(pid))).string();
}

void write_files_atomically(const std::string& dir, const std::map<std::string, std::string>& files,
                            const std::string& kind) {
  const fs::path out = normal_output(dir);
  const fs::path tmp = staging_path(dir, getpid());
  std::error_code ec;
  try {
    if (fs::exists(out, ec) && !fs::is_directory(out, ec))
      throw CompileError(dir + ": --output exists and is not a folder");
    fs::create_directories(out.parent_path());
    fs::remove_all(tmp, ec);
    fs::create_directories(tmp);
    std::string manifest;
    for (const auto& [name, content] : files) {
      write_file(tmp / name, content);
      manifest += name + "\n";
    }
    write_file(tmp / manifest_name(kind), manifest);
    // a new folder appears complete, in one rename
    if (!fs::exists(out, ec) && ::rename(tmp.c_str(), out.c_str()) == 0) return;
    // an existing folder: files replaced one by one (each rename atomic) under a lock, the
    // previous run's files that this one does not write removed, the user's own files kept
    FolderLock lock(out);
    const auto previous = read_manifest(out / manifest_name(kind));
    for (const auto& [name, _] : files) fs::rename(tmp / name, out / name);
    for (const auto& old : previous)
      if (!files.count(old)) fs::remove(out / old, ec);
    fs::rename(tmp / manifest_name(kind), out / manifest_name(kind));
    fs::remove_all(tmp, ec);
  } catch (const fs::filesystem_error& e) {
    fs::remove_all(tmp, ec);
    throw CompileError(dir + ": cannot write the output: " + e.code().message());
  } catch (...) {
    fs::remove_all(tmp, ec);
    throw;
  }
}

std::string version_text(bool tools) {
  std::string v = "edgegen 1.0 (command line of ST Edge AI Core, st-ai API)\n";
  if (tools) {
    v += "  C runtime: embedded in this binary, C99, no malloc\n";
    for (const char* t : {"arm-none-eabi-gcc", "cc", "qemu-system-arm"}) {
      std::string out;
      const bool found = !toolchain::find_tool(t).empty() &&
                         toolchain::run_command(std::string(t) + " --version", &out, 10) == 0 && !out.empty();
      v += "  " + std::string(t) + ": " + (found ? out.substr(0, out.find('\n')) : std::string("not found")) + "\n";
    }
  }
  return v;
}

namespace {

// generate's console at verbosity 1: what was written and what it costs.
std::string summary(const Compiled& c, const std::string& output, size_t n_files, bool with_report) {
  size_t flash = 0, ram = 0;
  for (const auto& s : c.sections) {
    flash += s.text + s.rodata + s.data;
    ram += s.data + s.bss;
  }
  std::ostringstream o;
  o << "edgegen " << c.options.command << ": " << c.options.model << " -> " << output << " (" << n_files
    << " files)\n"
    << "  target " << c.options.target.series << ", --optimization " << optimization_name(c.options.optimization) << ", "
    << c.code.layers.size() << " C layers, " << c.c_macc << " MACC\n"
    << "  weights " << c.code.weights_bytes + c.code.params_bytes << " B (flash), activations "
    << c.plan.activations_bytes << " B (ram, "
    << (c.plan.app_buffer.empty() ? "inputs and outputs included" : "the application's I/O buffers not included") << ")";
  if (!c.sections.empty()) o << ", code + data " << flash << " B flash / " << ram << " B ram";
  o << "\n";
  if (!c.sharing.tensors.empty())
    o << "  --compression " << compression_name(c.sharing.level) << ": " << c.sharing.shared() << " of "
      << c.sharing.tensors.size() << " float Dense/Conv weight tensors shared, " << c.sharing.float_bytes() << " -> "
      << c.sharing.bytes() << " B\n";
  if (with_report) o << "  report: " << (fs::path(output) / (c.options.name + "_" + c.options.command + "_report.txt")).string() << "\n";
  return o.str();
}

// --compression that shares nothing: one note saying why (verbosity >= 1).
void note_compression(const CliOptions& o, const Compiled& c) {
  const auto& s = c.sharing;
  if (o.st.verbosity < 1 || !compression_policy(s.level).enabled || s.shared()) return;
  std::cerr << "edgegen: note: --compression " << compression_name(s.level) << ": "
            << (s.tensors.empty() ? std::string("the model has no float Dense/Conv weights (int8 weights are not compressed)")
                                  : "none of its " + std::to_string(s.tensors.size()) +
                                        " float Dense/Conv weight tensors is shared (the report gives each one's reason)")
            << "\n";
}

// The console: nothing (0), the summary (1) or the full report (2, 3).
void print_result(const CliOptions& o, const Compiled& c, const std::string& report, size_t n_files) {
  if (o.st.verbosity >= 2) std::cout << report;
  else if (o.st.verbosity == 1) std::cout << summary(c, o.compile.output, n_files, !o.st.no_report);
}

}  // namespace

int cmd_analyze(const CliOptions& o) {
  check_name(o.compile);
  Workspace ws(o);
  Compiled c = pipeline::compile(o.compile);
  note_compression(o, c);
  measure_sections_if_asked(c, ws.path());
  // as ST's analyze: the report also lands in --output
  std::map<std::string, std::string> files;
  const std::string text = report::to_text(c, {});
  if (!o.st.no_report) {
    files[c.options.name + "_analyze_report.txt"] = text;
    files[c.options.name + "_analyze_report.json"] =
        report::to_json(c, {}).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    write_files_atomically(o.compile.output, files, "analyze");
  }
  // analyze's purpose is the report: on the console from verbosity 1
  if (o.st.verbosity >= 1) std::cout << text;
  return 0;
}

int cmd_generate(const CliOptions& o) {
  check_name(o.compile);
  Workspace ws(o);
  Compiled c = pipeline::compile(o.compile);
  note_compression(o, c);
  measure_sections_if_asked(c, ws.path());
  if (o.validation_firmware)
    for (auto& [name, content] : validate::validation_firmware_files(c)) c.code.files.emplace(name, content);
  const auto names = generated_names(c, !o.st.no_report);
  std::map<std::string, std::string> files = c.code.files;
  const std::string text = report::to_text(c, names);
  if (!o.st.no_report) {
    files[c.options.name + "_generate_report.txt"] = text;
    files[c.options.name + "_c_info.json"] =
        report::to_json(c, names).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  }
  write_files_atomically(o.compile.output, files, "generate");
  print_result(o, c, text, files.size());
  return 0;
}

int cmd_validate(const CliOptions& o) {
  check_name(o.compile);
  Workspace ws(o);
  Compiled c = pipeline::compile(o.compile);
  note_compression(o, c);
  validate::ValidateOptions vo;
  vo.valinput = o.valinput;
  vo.valoutput = o.valoutput;
  vo.batches = o.batches;
  vo.seed = o.seed;
  vo.mode = o.mode;
  vo.workdir = (fs::path(ws.path()) / "validate").string();
  if (o.range.size() == 2) vo.range = std::make_pair(o.range[0], o.range[1]);
  if (o.mode != "host" && o.mode != "target")
    throw CompileError(o.compile.model + ": --mode '" + o.mode + "' is not available (host, target)");
  const bool target = o.mode == "target";
  if (!target && !o.device.empty())
    throw CompileError(o.compile.model + ": --device needs --mode target");
  const validate::Device device = validate::parse_device(o.device, o.compile.model);
  using Kind = validate::Device::Kind;
  if (device.kind == Kind::M4bench && c.options.target.core != toolchain::Core::CortexM4)
    throw CompileError(o.compile.model + ": --device m4bench emulates a Cortex-M4; --target " +
                       std::string(c.options.target.series) + " is a " +
                       std::string(toolchain::core_name(c.options.target.core)) + " (use --device qemu)");
  const bool board = target && (device.kind == Kind::Serial || device.kind == Kind::Tcp);
  vo.classifier = o.st.classifier;
  // --full: the host harness writes every layer's outputs (with --mode target: a note, main.cpp)
  if (o.st.full && !target) vo.layers_dump = (fs::path(ws.path()) / "layers.bin").string();
  util::ProgressLine progress("edgegen: validate", o.st.verbosity > 0);
  if (progress.active())
    vo.progress = [&progress](const std::string& phase, size_t done, size_t total) { progress.show(phase, done, total); };
  if (vo.progress) vo.progress("building the generated C", 0, 1);
  validate::TargetReport tr;
  validate::BoardReport br;
  auto runner = board    ? validate::board_runner(c, device, &br)
                : target ? validate::target_runner(c, vo.workdir, &tr)
                         : validate::host_runner(c, vo.workdir, vo.layers_dump);
  const auto r = validate::run_validate(c, vo, runner);
  vo.progress = nullptr;
  std::string text = r.text();
  nlohmann::json j = r.json();
  if (board) {
    text += "\n" + br.text();
    j["board"] = br.json();
  } else if (target) {
    text += "\n" + tr.text();
    j["target"] = tr.json();
  }
  std::map<std::string, std::string> files = {
      {c.options.name + "_validate_report.txt", text},
      {c.options.name + "_validate_report.json", j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n"},
      {c.options.name + "_val_io.npz", validate::val_io_npz(c, r)}};
  progress.clear();  // before the report
  if (o.st.verbosity >= 1) std::cout << text;
  write_files_atomically(o.compile.output, files, "validate");
  // --max-lsb / --min-cos: one line per output that misses them, exit code 1
  int missed = 0;
  for (const auto& out : r.outputs) {
    const auto& m = out.metrics;
    char line[256];
    if (o.max_lsb && m.max_lsb && *m.max_lsb > *o.max_lsb) {
      std::snprintf(line, sizeof line, "output '%s': max error %.6g LSB > --max-lsb %.6g", out.name.c_str(), *m.max_lsb,
                    *o.max_lsb);
      std::cerr << "edgegen: validate: " << text::one_line(line) << "\n";
      ++missed;
    }
    if (o.min_cos && m.cos < *o.min_cos) {
      std::snprintf(line, sizeof line, "output '%s': cosine %.6f < --min-cos %.6f", out.name.c_str(), m.cos, *o.min_cos);
      std::cerr << "edgegen: validate: " << text::one_line(line) << "\n";
      ++missed;
    }
  }
  return missed ? 1 : 0;
}

int cmd_supported_ops(const CliOptions& o) {
  const auto& all = ops::all_ops();
  if (o.format == "json") {
    nlohmann::json j = nlohmann::json::array();
    for (const auto& [name, d] : all)
      j.push_back({{"op", name}, {"dtypes", d.dtypes}, {"constraints", d.constraints},
                   {"c_layer", d.c_layer_type}, {"compiles_to_c", static_cast<bool>(d.emit)}});
    std::cout << j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    return 0;
  }
  std::cout << "edgegen supported operators (" << all.size() << ")\n";
  for (const auto& [name, d] : all) {
    std::string dts;
    for (const auto& s : d.dtypes) dts += (dts.empty() ? "" : ", ") + s;
    std::cout << "  " << name << std::string(name.size() < 24 ? 24 - name.size() : 1, ' ') << "[" << dts << "]"
              << (d.emit ? "" : " (folded at compile time only)") << "\n      " << d.constraints << "\n";
  }
  return 0;
}

}  // namespace eg::driver
