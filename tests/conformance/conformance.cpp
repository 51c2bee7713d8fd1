// Conformance runner: every test in the ONNX test-data layout (model.onnx +
// test_data_set_*) goes through generate -> compile (gcc, -std=c99 -Wall
// -Wextra -Werror -pedantic) -> run -> compare with the stored outputs.
// Prints pass/fail/rejected/skip counts per op and the total; exits 1 when any
// compiled test gives a wrong result (or, with --strict, when a test of a
// supported op is rejected).
//
//   conformance --root ../shared/onnx-tests --suite node [--filter REGEX] [--jobs 2]
//   conformance --dir path/to/model_dir [--dir ...]      (any folders in that layout)
//   --no-binding: never bind graph inputs as constants (a model that needs it is rejected)
//   --compile-only: generate only (a pass means "compiles"); results.tsv in --work lists every test
#include <atomic>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "pipeline/compile.h"
#include "toolchain/tools.h"
#include "emit/c_emitter.h"
#include "io/tensor_io.h"
#include "onnx/import.h"
#include "ops/common.h"
#include "ops/registry.h"
#include "util/error.h"
#include "validate/host_runner.h"
#include "validate/validate.h"

namespace fs = std::filesystem;
using namespace eg;

namespace {

struct Case {
  std::string name, dir;
  std::vector<std::string> ops;
  std::string skip;  // reason, when not attempted
};

enum class Verdict { Pass, Fail, Rejected, Skip };

// What a test needed bound as constants to compile, least first.
enum class Binding {
  None,       // every graph input stays a run-time input
  Structure,  // only inputs that shape inference needs as values (shapes, axes, pads, k...): the compiler
              // names each ("input 'X' must be a constant for static compilation")
  Weights,    // every input after the first (weights, biases, scales...)
};

struct Result {
  Verdict v = Verdict::Skip;
  std::string detail;
  Binding binding = Binding::None;
  std::string unbound_error;  // why the model did not compile with every input a run-time input
  std::string first_input;    // the model's first graph input (never bound)
};

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, sep))
    if (!item.empty()) out.push_back(item);
  return out;
}

const std::set<std::string> kDtypes = {"float32", "int8", "uint8", "int16", "uint16", "int32", "int64", "bool"};

std::vector<Case> read_index(const std::string& root, const std::string& suite, const std::string& filter) {
  std::ifstream in(fs::path(root) / "INDEX.tsv");
  if (!in) throw CompileError(root + "/INDEX.tsv: cannot open");
  std::string line;
  std::getline(in, line);
  std::vector<Case> cases;
  const std::regex re(filter.empty() ? ".*" : filter);
  while (std::getline(in, line)) {
    auto f = split(line, '\t');
    if (f.size() < 8 || f[0] != suite) continue;
    if (!std::regex_search(f[1], re)) continue;
    Case c;
    c.name = f[1];
    c.dir = (fs::path(root) / f[0] / f[1]).string();
    c.ops = split(f[2], ',');
    if (f[7] != "pass") c.skip = "ONNX Runtime does not pass it (" + f[7] + ")";
    for (const auto& d : split(f[4] + "," + f[5], ','))
      if (!kDtypes.count(d) && c.skip.empty()) c.skip = "dtype " + d + " is outside the Cortex-M set";
    if (c.skip.empty())
      for (const auto& op : c.ops)
        if (!ops::find_op(op)) {
          c.skip = "op " + op + " is not supported";
          break;
        }
    cases.push_back(std::move(c));
  }
  return cases;
}

bool close_enough(double got, double want, bool is_float, double int_tol) {
  if (is_float) {
    if (std::isnan(want)) return std::isnan(got);
    if (std::isinf(want)) return got == want;
    return std::fabs(got - want) <= 1e-5 + 1e-3 * std::fabs(want);
  }
  return std::fabs(got - want) <= int_tol;
}

// Builds the runtime once into a static library shared by every test.
std::string build_runtime(const std::string& work) {
  const fs::path dir = fs::path(work) / "runtime";
  fs::create_directories(dir);
  std::string objs;
  for (const auto& [name, content] : emit::runtime_sources()) {
    std::ofstream(dir / name, std::ios::binary) << content;
    if (name.size() > 2 && name.substr(name.size() - 2) == ".c") objs += " " + name;
  }
  std::string out;
  const std::string cmd = "cd '" + dir.string() + "' && cc -std=c99 -Wall -Wextra -Werror -pedantic -O1 -c" + objs +
                          " && ar rcs libegrt.a *.o";
  if (toolchain::run_command(cmd, &out) != 0) throw CompileError("runtime build failed:\n" + out);
  return dir.string();
}

// The tensor that shape inference named as needing a compile-time value, if the error says so.
std::string structure_input_named(const std::string& error) {
  static const std::regex re("input '([^']*)' must be a constant for static compilation");
  std::smatch m;
  return std::regex_search(error, m, re) ? m[1].str() : "";
}

// The graph inputs to bind for a tensor shape inference needs as a value: the tensor itself when it is
// a graph input, else the integer graph inputs it is computed from (a shape given as an input).
std::vector<std::string> structure_inputs_of(const Graph& g, const std::string& name) {
  const auto id = g.find_tensor(name);
  if (!id) return {};
  if (g.is_graph_input(*id)) return {name};
  std::vector<std::string> found;
  std::set<TensorId> seen;
  std::vector<TensorId> todo = {*id};
  while (!todo.empty()) {
    const TensorId t = todo.back();
    todo.pop_back();
    if (!seen.insert(t).second) continue;
    if (g.is_graph_input(t)) {
      if (g.t(t).dtype == DType::I64 || g.t(t).dtype == DType::I32) found.push_back(g.t(t).name);
      continue;
    }
    const int p = g.producer(t);
    if (p < 0) continue;
    for (TensorId in : g.nodes[static_cast<size_t>(p)].inputs)
      if (in != kNoTensor) todo.push_back(in);
  }
  return found;
}

Result run_case(const Case& tc, const std::string& work, const std::string& rt, bool compile_only, bool bind) {
  Result r;
  const fs::path dir = fs::path(work) / tc.name;
  fs::create_directories(dir);
  const std::string data = (fs::path(tc.dir) / "test_data_set_0").string();
  pipeline::Options opt;
  opt.model = (fs::path(tc.dir) / "model.onnx").string();
  opt.name = "network";
  opt.target = *eg::toolchain::find_target("host");
  // the test data, by graph input name; it fixes every input's shape (models may leave dims symbolic)
  std::map<std::string, Tensor> data_of;
  Graph probe;
  try {
    probe = onnx_import::load_model(opt.model);
    for (size_t k = 0; k < probe.inputs.size(); ++k) {
      const fs::path p = fs::path(data) / ("input_" + std::to_string(k) + ".pb");
      if (!fs::exists(p)) continue;
      Tensor t = io::load_tensors(p.string())[0];
      t.name = probe.t(probe.inputs[k]).name;
      opt.input_shapes[t.name] = t.shape;
      data_of[t.name] = std::move(t);
    }
    r.first_input = probe.inputs.empty() ? "" : probe.t(probe.inputs[0]).name;
  } catch (const CompileError& e) {  // a model the importer refuses (e.g. no graph inputs)
    r.v = Verdict::Rejected;
    r.detail = e.what();
    return r;
  }
  pipeline::Compiled c;
  try {
    try {
      c = pipeline::compile(opt);
    } catch (const CompileError& first) {
      r.unbound_error = first.what();
      if (!bind) throw;
      // Inputs the shapes depend on: bind the ones behind each tensor the compiler names, then retry.
      std::string why = first.what();
      bool compiled = false;
      for (;;) {
        size_t added = 0;
        for (const std::string& in : structure_inputs_of(probe, structure_input_named(why))) {
          bool again = !data_of.count(in);
          for (const Tensor& f : opt.frozen_inputs) again = again || f.name == in;
          if (again) continue;
          opt.frozen_inputs.push_back(data_of.at(in));
          ++added;
        }
        if (!added) break;
        r.binding = Binding::Structure;
        try {
          c = pipeline::compile(opt);
          compiled = true;
          break;
        } catch (const CompileError& e) {
          why = e.what();
        }
      }
      if (!compiled) {
        // Weights passed as graph inputs: bind every input after the first and retry.
        opt.frozen_inputs.clear();
        for (const auto& [name, t] : data_of)
          if (name != r.first_input) opt.frozen_inputs.push_back(t);
        if (opt.frozen_inputs.empty()) throw;
        try {
          c = pipeline::compile(opt);
          r.binding = Binding::Weights;
        } catch (const CompileError&) {
          throw first;
        }
      }
    }
  } catch (const CompileError& e) {
    r.v = Verdict::Rejected;
    r.detail = e.what();
    return r;
  } catch (const std::exception& e) {
    r.v = Verdict::Fail;
    r.detail = std::string("crash in compile: ") + e.what();
    return r;
  }
  if (compile_only) {
    r.v = Verdict::Pass;
    return r;
  }
  try {
    for (const auto& [name, content] : c.code.files)
      if (name.rfind(opt.name, 0) == 0) std::ofstream(dir / name, std::ios::binary) << content;
    std::ofstream(dir / "harness.c") << validate::harness_c(c);
    std::string out;
    const std::string cmd = "cd '" + dir.string() + "' && cc -std=c99 -Wall -Wextra -Werror -pedantic -O1 -I. -I'" + rt +
                            "' network.c network_data.c harness.c '" + rt + "/libegrt.a' -lm -o network_host";
    if (toolchain::run_command(cmd, &out) != 0) {
      r.v = Verdict::Fail;
      r.detail = "generated C does not build: " + out.substr(0, 600);
      return r;
    }
    // one sample: the data of each graph input that is still an input
    std::vector<std::vector<Tensor>> inputs(1);
    for (size_t k = 0; k < c.original.inputs.size(); ++k) {
      const Tensor& want = c.original.t(c.original.inputs[k]);
      if (!data_of.count(want.name)) throw CompileError("no test data for input '" + want.name + "'");
      const Tensor& t = data_of.at(want.name);
      if (t.dtype != want.dtype || t.bytes() != want.bytes())
        throw CompileError("input " + std::to_string(k) + " does not match the model's input");
      inputs[0].push_back(t);
    }
    validate::HostBuild hb{(dir / "network_host").string()};
    const auto raw = validate::run_host(c, hb, dir.string(), validate::network_input_bytes(c, inputs), inputs.size());
    auto got = validate::network_output_values(c, raw);
    // network_output_values gives real values; an output that the model itself gives quantized (e.g. a
    // QuantizeLinear at the end) is compared as the integers the reference holds
    for (size_t k = 0; k < got.size(); ++k) {
      const Tensor& net_out = c.lowered.t(c.lowered.outputs[k]);
      if (!net_out.quant || net_out.dtype == DType::F32 || dtype_is_float(c.original.t(c.original.outputs[k]).dtype))
        continue;
      for (auto& v : got[k]) v = std::nearbyint(v / net_out.quant->scale[0]) + net_out.quant->zero_point[0];
    }
    for (size_t k = 0; k < c.original.outputs.size(); ++k) {
      const fs::path p = fs::path(data) / ("output_" + std::to_string(k) + ".pb");
      const Tensor want = io::load_tensors(p.string())[0];
      if (static_cast<int64_t>(got[k].size()) != want.elements()) {
        r.v = Verdict::Fail;
        r.detail = "output " + std::to_string(k) + " has " + std::to_string(got[k].size()) + " values, expected " +
                   std::to_string(want.elements());
        return r;
      }
      const bool is_float = dtype_is_float(want.dtype);
      const Tensor& net_out = c.lowered.t(c.lowered.outputs[k]);
      // int8 kernels may differ from float-then-round references by one step
      const double int_tol = (net_out.quant && (want.dtype == DType::I8 || want.dtype == DType::U8)) ? 1.0 : 0.0;
      const double step = net_out.quant && is_float ? net_out.quant->scale[0] : 0.0;
      for (size_t i = 0; i < got[k].size(); ++i) {
        const double w = ops::get_as_double(want, i);
        bool ok = close_enough(got[k][i], w, is_float, int_tol);
        if (!ok && step > 0) ok = std::fabs(got[k][i] - w) <= step * 1.001;
        if (!ok) {
          std::ostringstream o;
          o << "output " << k << "[" << i << "] = " << got[k][i] << ", expected " << w;
          r.v = Verdict::Fail;
          r.detail = o.str();
          return r;
        }
      }
    }
    r.v = Verdict::Pass;
  } catch (const std::exception& e) {
    r.v = Verdict::Fail;
    r.detail = e.what();
  }
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  std::string root, suite = "node", filter, work = "conformance-work";
  std::vector<std::string> dirs;
  int jobs = 2;
  bool strict = false, verbose = false, compile_only = false, bind = true;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--root") root = next();
    else if (a == "--suite") suite = next();
    else if (a == "--filter") filter = next();
    else if (a == "--work") work = next();
    else if (a == "--jobs") jobs = std::max(1, std::atoi(next().c_str()));
    else if (a == "--dir") dirs.push_back(next());
    else if (a == "--strict") strict = true;
    else if (a == "--no-binding") bind = false;  // every graph input stays a run-time input
    else if (a == "--compile-only") compile_only = true;  // no C build nor run: what the compiler accepts
    else if (a == "-v" || a == "--verbose") verbose = true;
    else {
      std::cerr << "conformance: unknown argument " << a << "\n";
      return 2;
    }
  }
  std::vector<Case> cases;
  try {
    if (!root.empty()) cases = read_index(root, suite, filter);
    for (const auto& d : dirs) {
      Case c;
      c.name = fs::path(d).filename().string();
      c.dir = d;
      cases.push_back(c);
    }
  } catch (const std::exception& e) {
    std::cerr << "conformance: " << e.what() << "\n";
    return 2;
  }
  fs::create_directories(work);
  std::string rt;
  try {
    if (!compile_only) rt = build_runtime(work);
  } catch (const std::exception& e) {
    std::cerr << "conformance: " << e.what() << "\n";
    return 1;
  }
  std::vector<Result> results(cases.size());
  std::atomic<size_t> next{0};
  std::vector<std::thread> pool;
  for (int j = 0; j < jobs; ++j)
    pool.emplace_back([&] {
      for (size_t i; (i = next++) < cases.size();) {
        if (!cases[i].skip.empty()) {
          results[i].v = Verdict::Skip;
          results[i].detail = cases[i].skip;
          continue;
        }
        results[i] = run_case(cases[i], work, rt, compile_only, bind);
      }
    });
  for (auto& t : pool) t.join();

  struct Count {
    int pass = 0, fail = 0, rejected = 0, skip = 0;
  };
  std::map<std::string, Count> per_op;
  Count total;
  int bound_structure = 0, bound_weights = 0;
  std::map<std::string, int> skip_reasons;
  for (size_t i = 0; i < cases.size(); ++i) {
    const auto& r = results[i];
    std::set<std::string> ops_of(cases[i].ops.begin(), cases[i].ops.end());
    if (ops_of.empty()) ops_of.insert("(model)");
    for (const auto& op : ops_of) {
      auto& c = per_op[op];
      (r.v == Verdict::Pass ? c.pass : r.v == Verdict::Fail ? c.fail : r.v == Verdict::Rejected ? c.rejected : c.skip)++;
    }
    (r.v == Verdict::Pass ? total.pass : r.v == Verdict::Fail ? total.fail : r.v == Verdict::Rejected ? total.rejected : total.skip)++;
    bound_structure += r.v == Verdict::Pass && r.binding == Binding::Structure;
    bound_weights += r.v == Verdict::Pass && r.binding == Binding::Weights;
    if (r.v == Verdict::Fail) std::cout << "FAIL     " << cases[i].name << ": " << r.detail << "\n";
    if (r.v == Verdict::Rejected) std::cout << "REJECTED " << cases[i].name << ": " << r.detail << "\n";
    if (r.v == Verdict::Skip) {
      skip_reasons[r.detail.rfind("op ", 0) == 0 ? "op not supported" : r.detail.rfind("dtype", 0) == 0 ? "dtype outside the Cortex-M set" : r.detail]++;
      if (verbose) std::cout << "SKIP     " << cases[i].name << ": " << r.detail << "\n";
    }
  }
  {
    // every test not run, with its reason, for the record
    std::ofstream skipped(fs::path(work) / "skipped.txt");
    for (size_t i = 0; i < cases.size(); ++i)
      if (results[i].v == Verdict::Skip || results[i].v == Verdict::Rejected)
        skipped << cases[i].name << "\t" << results[i].detail << "\n";
    std::cout << "\nthe skipped and rejected tests with their reasons: " << (fs::path(work) / "skipped.txt").string()
              << "\n";
    // one row per test (tests/conformance/unbound_gaps.py groups them by op and reason)
    std::ofstream rows(fs::path(work) / "results.tsv");
    rows << "test\tops\tverdict\tbinding\tdetail\tunbound_error\n";
    const char* names[] = {"pass", "fail", "rejected", "skip"};
    const char* binding_names[] = {"none", "structure", "weights"};
    auto one_line = [](std::string s) {
      for (char& ch : s)
        if (ch == '\n' || ch == '\t') ch = ' ';
      return s;
    };
    for (size_t i = 0; i < cases.size(); ++i) {
      std::string ops;
      for (const auto& op : cases[i].ops) ops += (ops.empty() ? "" : ",") + op;
      rows << cases[i].name << "\t" << ops << "\t" << names[static_cast<int>(results[i].v)] << "\t"
           << binding_names[static_cast<int>(results[i].binding)] << "\t" << one_line(results[i].detail) << "\t"
           << one_line(results[i].unbound_error) << "\n";
    }
  }
  std::cout << "\nper op: pass / fail / rejected / skipped\n";
  for (const auto& [op, c] : per_op)
    if (c.pass + c.fail + c.rejected)
      std::cout << "  " << op << std::string(op.size() < 28 ? 28 - op.size() : 1, ' ') << c.pass << " / " << c.fail
                << " / " << c.rejected << " / " << c.skip << "\n";
  std::cout << "skipped by reason:\n";
  for (const auto& [why, n] : skip_reasons) std::cout << "  " << n << "  " << why << "\n";
  std::cout << "\ntotal: " << cases.size() << " tests: " << total.pass << " passed (" << bound_weights
            << " with every input after the first bound as constants, " << bound_structure
            << " with only shape/axes inputs bound), " << total.fail << " failed, " << total.rejected
            << " rejected by the compiler, " << total.skip << " skipped\n";
  std::cout << "conformance: " << total.pass << " passed, " << total.fail << " failed\n";
  std::cout << "conformance with every input at run time: " << total.pass - bound_weights - bound_structure
            << " passed\n";
  std::cout << "conformance without binding weight inputs as constants: " << total.pass - bound_weights
            << " passed\n";
  const bool bad = total.fail > 0 || (strict && total.rejected > 0);
  return bad ? 1 : 0;
}
