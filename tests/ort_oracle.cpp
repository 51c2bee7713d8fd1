#include "ort_oracle.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "io/tensor_io.h"
#include "toolchain/tools.h"
#include "validate/host_runner.h"

namespace eg::test {
namespace fs = std::filesystem;

namespace {

// ort_run.js type names <-> IR types (the dtypes a Cortex-M model exchanges).
const std::pair<DType, const char*> kTypes[] = {{DType::F32, "float32"}, {DType::I8, "int8"},
                                                {DType::U8, "uint8"},    {DType::I16, "int16"},
                                                {DType::U16, "uint16"},  {DType::I32, "int32"},
                                                {DType::I64, "int64"},   {DType::F64, "float64"}};

std::string ort_type(DType t) {
  for (const auto& [d, n] : kTypes)
    if (d == t) return n;
  throw std::runtime_error("ort_run: no ONNX Runtime type for " + std::string(dtype_name(t)));
}

DType ir_type(const std::string& s) {
  for (const auto& [d, n] : kTypes)
    if (s == n) return d;
  throw std::runtime_error("ort_run: unexpected output type " + s);
}

std::string quote(const std::string& s) { return "'" + s + "'"; }

// All samples of input/output k as one array with a leading sample dimension (for validate).
void save_batch(const std::vector<std::vector<Tensor>>& samples, size_t k, const std::string& path) {
  Tensor t = samples.at(0).at(k);
  t.shape.insert(t.shape.begin(), static_cast<int64_t>(samples.size()));
  t.data.clear();
  for (const auto& s : samples) t.data.insert(t.data.end(), s[k].data.begin(), s[k].data.end());
  io::save_npy(t, path);
}

}  // namespace

std::string ort_node_path() {
  if (const char* e = std::getenv("EDGEGEN_ORT_NODE_PATH")) return e;
  const fs::path p = fs::path(EDGEGEN_SOURCE_DIR) / ".ort" / "node_modules";
  std::string out;
  if (!fs::exists(p / "onnxruntime-node") || toolchain::run_command("node --version", &out) != 0) return "";
  return p.string();
}

std::vector<std::vector<Tensor>> ort_run(const std::string& model, const std::vector<std::vector<Tensor>>& samples,
                                         const std::string& work, const std::string& opt) {
  fs::create_directories(work);
  nlohmann::json jobs = nlohmann::json::array();
  for (size_t s = 0; s < samples.size(); ++s) {
    nlohmann::json inputs = nlohmann::json::array();
    for (size_t k = 0; k < samples[s].size(); ++k) {
      const Tensor& t = samples[s][k];
      const fs::path f = fs::path(work) / ("in_" + std::to_string(s) + "_" + std::to_string(k) + ".bin");
      std::ofstream(f, std::ios::binary).write(reinterpret_cast<const char*>(t.data.data()),
                                               static_cast<std::streamsize>(t.data.size()));
      inputs.push_back({{"name", t.name}, {"type", ort_type(t.dtype)}, {"dims", t.shape}, {"file", f.string()}});
    }
    jobs.push_back({{"model", model},
                    {"opt", opt},
                    {"inputs", inputs},
                    {"outdir", (fs::path(work) / ("out_" + std::to_string(s))).string()}});
  }
  const fs::path job = fs::path(work) / "job.json";
  std::ofstream(job) << jobs.dump();
  const fs::path result = fs::path(work) / "result.json";
  const std::string script = (fs::path(EDGEGEN_SOURCE_DIR) / ".." / "shared" / "models" / "gen" / "ort_run.js").string();
  std::string log;
  const std::string cmd = "NODE_PATH=" + quote(ort_node_path()) + " node " + quote(script) + " " + quote(job.string()) +
                          " > " + quote(result.string());
  if (toolchain::run_command(cmd, &log) != 0) throw std::runtime_error("ONNX Runtime failed on " + model + ": " + log);
  std::ifstream in(result);
  const nlohmann::json res = nlohmann::json::parse(in);
  std::vector<std::vector<Tensor>> out;
  for (const auto& r : res) {
    std::vector<Tensor> outs;
    for (const auto& o : r.at("outputs")) {
      Tensor t;
      t.name = o.at("name").get<std::string>();
      t.dtype = ir_type(o.at("type").get<std::string>());
      t.shape = o.at("dims").get<Shape>();
      t.shape_known = true;
      std::ifstream f(o.at("file").get<std::string>(), std::ios::binary);
      t.data.assign(std::istreambuf_iterator<char>(f), {});
      if (t.data.size() != t.bytes()) throw std::runtime_error("ort_run: short output file for " + t.name);
      outs.push_back(std::move(t));
    }
    out.push_back(std::move(outs));
  }
  return out;
}

validate::ValidateResult compare_with_ort(const pipeline::Compiled& c, const std::vector<std::vector<Tensor>>& samples,
                                          const std::string& work, const validate::Runner& runner,
                                          const std::string& mode) {
  if (samples.empty() || samples[0].size() != 1 || c.original.outputs.size() != 1)
    throw std::runtime_error("compare_with_ort: one graph input and one graph output");
  const auto ref = ort_run(c.options.model, samples, (fs::path(work) / "ort").string());
  validate::ValidateOptions vo;
  vo.mode = mode;
  vo.valinput = {(fs::path(work) / "input_0.npy").string()};
  vo.valoutput = {(fs::path(work) / "output_0.npy").string()};
  save_batch(samples, 0, vo.valinput[0]);
  save_batch(ref, 0, vo.valoutput[0]);
  return validate::run_validate(c, vo, runner);
}

}  // namespace eg::test
