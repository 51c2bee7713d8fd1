#include "driver/commands.h"
#include "driver/sections.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>

#include "ops/registry.h"
#include "report/report.h"
#include "util/error.h"
#include "validate/board_runner.h"
#include "validate/target_runner.h"
#include "validate/validation_firmware.h"
#include "validate/validate.h"

namespace eg::driver {
namespace fs = std::filesystem;

namespace {

// A workspace folder: the user's, or a fresh temporary one removed at the end.
class Workspace {
 public:
  explicit Workspace(const std::string& user) {
    if (!user.empty()) {
      path_ = user;
      fs::create_directories(path_);
      return;
    }
    std::string tmpl = (fs::temp_directory_path() / "edgegen-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) throw CompileError("cannot create a temporary workspace");
    path_ = tmpl;
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
  if (!ok) throw CompileError(o.model + ": --name '" + o.name + "' is not a C identifier");
}

void measure_sections_if_asked(Compiled& c, const std::string& workdir) {
  if (c.options.size_report) measure_sections(c, workdir);
  else c.sections_toolchain = "skipped (--no-size-report)";
}

}  // namespace

void write_files_atomically(const std::string& dir, const std::map<std::string, std::string>& files) {
  const fs::path out(dir);
  const fs::path parent = out.has_parent_path() ? out.parent_path() : fs::path(".");
  fs::create_directories(parent);
  const fs::path tmp = parent / (out.filename().string() + ".edgegen-tmp-" + std::to_string(getpid()));
  std::error_code ec;
  fs::remove_all(tmp, ec);
  try {
    fs::create_directories(tmp);
    for (const auto& [name, content] : files) {
      std::ofstream f(tmp / name, std::ios::binary);
      f << content;
      if (!f) throw CompileError(dir + ": cannot write " + name);
    }
    if (!fs::exists(out)) {
      fs::rename(tmp, out);
      return;
    }
    for (const auto& [name, _] : files) fs::rename(tmp / name, out / name);
    fs::remove_all(tmp);
  } catch (...) {
    fs::remove_all(tmp, ec);
    throw;
  }
}

int cmd_analyze(const CliOptions& o) {
  check_name(o.compile);
  Workspace ws(o.compile.workspace);
  Compiled c = pipeline::compile(o.compile);
  measure_sections_if_asked(c, ws.path());
  std::cout << report::to_text(c, {});
  return 0;
}

int cmd_generate(const CliOptions& o) {
  check_name(o.compile);
  Workspace ws(o.compile.workspace);
  Compiled c = pipeline::compile(o.compile);
  measure_sections_if_asked(c, ws.path());
  std::map<std::string, std::string> files = c.code.files;
  if (o.validation_firmware)
    for (auto& [name, content] : validate::validation_firmware_files(c)) c.code.files.emplace(name, content);
  const auto names = generated_names(c, true);
  files = c.code.files;
  files[c.options.name + "_generate_report.txt"] = report::to_text(c, names);
  files[c.options.name + "_c_info.json"] = report::to_json(c, names).dump(2) + "\n";
  write_files_atomically(o.compile.output.empty() ? "." : o.compile.output, files);
  std::cout << files[c.options.name + "_generate_report.txt"];
  return 0;
}

int cmd_validate(const CliOptions& o) {
  check_name(o.compile);
  Workspace ws(o.compile.workspace);
  Compiled c = pipeline::compile(o.compile);
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
  validate::TargetReport tr;
  validate::BoardReport br;
  auto runner = board    ? validate::board_runner(c, device, &br)
                : target ? validate::target_runner(c, vo.workdir, &tr)
                         : validate::host_runner(c, vo.workdir);
  const auto r = validate::run_validate(c, vo, runner);
  std::string text = r.text();
  nlohmann::json j = r.json();
  if (board) {
    text += "\n" + br.text();
    j["board"] = br.json();
  } else if (target) {
    text += "\n" + tr.text();
    j["target"] = tr.json();
  }
  std::cout << text;
  std::map<std::string, std::string> files = {
      {c.options.name + "_validate_report.txt", text},
      {c.options.name + "_validate_report.json", j.dump(2) + "\n"}};
  write_files_atomically(o.compile.output.empty() ? "." : o.compile.output, files);
  return 0;
}

int cmd_supported_ops(const CliOptions& o) {
  const auto& all = ops::all_ops();
  if (o.format == "json") {
    nlohmann::json j = nlohmann::json::array();
    for (const auto& [name, d] : all)
      j.push_back({{"op", name}, {"dtypes", d.dtypes}, {"constraints", d.constraints},
                   {"c_layer", d.c_layer_type}, {"compiles_to_c", static_cast<bool>(d.emit)}});
    std::cout << j.dump(2) << "\n";
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
