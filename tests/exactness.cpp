// Random-input exactness against ONNX Runtime (graph optimizations disabled: the QDQ graph's own
// semantics) for every int8 model in a folder: per model and mode, the share of output values that
// are identical to ORT's and the largest difference in output steps (LSB).
//
//   exactness [--models DIR] [--only NAME]... [--skip NAME]... [--samples N] [--seeds 1,2,...] [--budget MACS]
//             [--mode host|target|both] [--target SERIES] [--min-exact PCT] [--max-lsb L] [--work DIR]
//
// Inputs: N uniform random samples over the range of each input's quantization (split over the
// seeds), plus 4 edge samples (all at the low end, all at the high end, zeros, alternating).
// --budget caps samples x model MACs (bigger models get fewer samples). Models whose outputs are
// not int8 are skipped. Host mode runs the C generated for the host (portable kernels), target mode
// the C generated for --target on its emulated core (default stm32f4: the Cortex-M4). Exit status 1 when a row misses --min-exact or
// --max-lsb, 77 when node or onnxruntime-node is missing.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "pipeline/compile.h"
#include "ops/common.h"
#include "ort_oracle.h"
#include "toolchain/target.h"
#include "util/error.h"
#include "validate/target_runner.h"
#include "validate/validate.h"

namespace fs = std::filesystem;
using namespace eg;

namespace {

struct Args {
  std::string models = std::string(EDGEGEN_SOURCE_DIR) + "/../shared/models";
  std::vector<std::string> only, skip;
  size_t samples = 1000;
  std::vector<uint32_t> seeds = {1, 2, 3, 4};
  double budget = 0;  // samples x MACs; 0 = no cap
  std::vector<std::string> modes = {"host"};
  std::string target = "stm32f4";
  double min_exact = 99.9, max_lsb = 1.0;
  std::string work = (fs::temp_directory_path() / "edgegen-exactness").string();
};

// Edge samples: every element at the low end, at the high end, zero, alternating low/high.
std::vector<std::vector<Tensor>> edge_inputs(const pipeline::Compiled& c, const std::vector<Tensor>& like) {
  std::vector<std::vector<Tensor>> out(4, like);
  for (size_t k = 0; k < like.size(); ++k) {
    double lo = -1, hi = 1;
    const Tensor& net = c.lowered.t(c.lowered.inputs[k]);
    if (net.quant && net.dtype == DType::I8) {
      lo = (-128 - net.quant->zero_point[0]) * static_cast<double>(net.quant->scale[0]);
      hi = (127 - net.quant->zero_point[0]) * static_cast<double>(net.quant->scale[0]);
    }
    for (size_t i = 0; i < static_cast<size_t>(like[k].elements()); ++i) {
      ops::set_from_double(out[0][k], i, lo);
      ops::set_from_double(out[1][k], i, hi);
      ops::set_from_double(out[2][k], i, 0.0);
      ops::set_from_double(out[3][k], i, i % 2 ? hi : lo);
    }
  }
  return out;
}

bool int8_outputs(const pipeline::Compiled& c) {
  for (TensorId id : c.lowered.outputs)
    if (c.lowered.t(id).dtype != DType::I8 || !c.lowered.t(id).quant) return false;
  return !c.lowered.outputs.empty();
}

int run_model(const Args& a, const fs::path& dir, bool& failed) {
  const std::string name = dir.filename().string();
  const fs::path work = fs::path(a.work) / name;
  fs::remove_all(work);
  fs::create_directories(work);
  // each mode runs the C generated for where it runs: host mode the portable C (--target host),
  // target mode the C for --target on its emulated core (the DSP paths' own rounding)
  auto compile_for = [&](const std::string& mode) {
    pipeline::Options opt;
    opt.model = (dir / "model.onnx").string();
    opt.workspace = (work / ("ws-" + mode)).string();
    opt.target = toolchain::parse_target(mode == "target" ? a.target : "host", "exactness");
    return pipeline::compile(opt);
  };
  const pipeline::Compiled c = compile_for(a.modes.at(0));
  if (!int8_outputs(c)) return 0;
  size_t n = a.samples;
  if (a.budget > 0 && c.model_macc > 0)
    n = std::max<size_t>(8, std::min(n, static_cast<size_t>(a.budget / static_cast<double>(c.model_macc))));
  // random samples, split over the seeds, then the edge samples
  std::vector<std::vector<Tensor>> samples;
  for (size_t i = 0; i < a.seeds.size(); ++i) {
    validate::ValidateOptions vo;
    vo.seed = a.seeds[i];
    vo.batches = n / a.seeds.size() + (i < n % a.seeds.size() ? 1 : 0);
    if (vo.batches == 0) continue;
    auto s = validate::make_inputs(c, vo);
    samples.insert(samples.end(), s.begin(), s.end());
  }
  const auto edges = edge_inputs(c, samples.at(0));
  samples.insert(samples.end(), edges.begin(), edges.end());
  for (const std::string& mode : a.modes) {
    validate::TargetReport tr;
    const std::string wd = (work / mode).string();
    const pipeline::Compiled cm = mode == a.modes.at(0) ? c : compile_for(mode);
    auto runner = mode == "target" ? validate::target_runner(cm, wd, &tr) : validate::host_runner(cm, wd);
    const auto r = test::compare_with_ort(cm, samples, (work / mode).string(), runner, mode);
    for (const auto& o : r.outputs) {
      const double exact = o.metrics.bitexact ? *o.metrics.bitexact * 100 : 0;
      const double lsb = o.metrics.max_lsb ? *o.metrics.max_lsb : 1e9;
      const bool ok = exact >= a.min_exact && lsb <= a.max_lsb;
      failed = failed || !ok;
      std::printf("%-22s %-6s %6zu %9zu %9.3f%% %7.0f  %s\n", name.c_str(), mode.c_str(), r.samples,
                  o.metrics.count, exact, lsb, ok ? "ok" : "FAIL");
      std::fflush(stdout);
    }
  }
  return 0;
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> v;
  std::stringstream in(s);
  std::string x;
  while (std::getline(in, x, sep))
    if (!x.empty()) v.push_back(x);
  return v;
}

}  // namespace

int main(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    const std::string k = argv[i];
    auto val = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::cerr << "exactness: " << k << " needs a value\n";
        std::exit(2);
      }
      return argv[++i];
    };
    if (k == "--models") a.models = val();
    else if (k == "--only") a.only.push_back(val());
    else if (k == "--skip") a.skip.push_back(val());
    else if (k == "--samples") a.samples = std::stoul(val());
    else if (k == "--budget") a.budget = std::stod(val());
    else if (k == "--min-exact") a.min_exact = std::stod(val());
    else if (k == "--max-lsb") a.max_lsb = std::stod(val());
    else if (k == "--work") a.work = val();
    else if (k == "--target") a.target = val();
    else if (k == "--mode") {
      const std::string m = val();
      a.modes = m == "both" ? std::vector<std::string>{"host", "target"} : std::vector<std::string>{m};
    } else if (k == "--seeds") {
      a.seeds.clear();
      for (const auto& s : split(val(), ',')) a.seeds.push_back(static_cast<uint32_t>(std::stoul(s)));
    } else {
      std::cerr << "exactness: unknown option " << k << "\n";
      return 2;
    }
  }
  if (test::ort_node_path().empty()) {
    std::cout << "exactness: skipped (node or onnxruntime-node missing: scripts/install-deps.sh)\n";
    return 77;
  }
  if (std::find(a.modes.begin(), a.modes.end(), "target") != a.modes.end() && validate::find_m4run().empty()) {
    std::cout << "exactness: skipped (no m4run for --mode target)\n";
    return 77;
  }
  std::vector<fs::path> dirs;
  for (const auto& e : fs::directory_iterator(a.models))
    if (const std::string n = e.path().filename().string();
        fs::exists(e.path() / "model.onnx") && (a.only.empty() || std::count(a.only.begin(), a.only.end(), n)) &&
        !std::count(a.skip.begin(), a.skip.end(), n))
      dirs.push_back(e.path());
  std::sort(dirs.begin(), dirs.end());
  std::printf("exactness vs ONNX Runtime (optimizations disabled): random inputs + 4 edge inputs; goal >= %.1f%% "
              "exact, max %.0f LSB; target mode: C for --target %s\n%-22s %-6s %6s %9s %10s %7s\n",
              a.min_exact, a.max_lsb, a.target.c_str(), "model", "mode", "inputs", "values", "exact", "max LSB");
  bool failed = false;
  for (const auto& d : dirs) {
    try {
      run_model(a, d, failed);
    } catch (const std::exception& e) {
      std::printf("%-22s error: %s\n", d.filename().string().c_str(), e.what());
      failed = true;
    }
  }
  return failed ? 1 : 0;
}
