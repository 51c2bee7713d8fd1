#include "validate/validate.h"

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "io/tensor_io.h"
#include "ops/common.h"
#include "ref/interpreter.h"
#include "util/error.h"
#include "validate/host_runner.h"

namespace eg::validate {
namespace fs = std::filesystem;

namespace {

int32_t quantize_value(double x, float scale, int32_t zp, int32_t lo, int32_t hi) {
  const float v = static_cast<float>(x) / scale;
  double q = std::nearbyint(v) + zp;
  if (std::isnan(q)) q = zp;
  return static_cast<int32_t>(std::min<double>(hi, std::max<double>(lo, q)));
}

// A raw .bin file: little-endian values in the type of the model's tensor `like` (TFLite's test data).
Tensor load_raw(const std::string& path, const Tensor& like) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(path, "cannot open file");
  Tensor t = like;
  t.data.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  const size_t es = dtype_size(t.dtype);
  if (es == 0 || t.data.size() % es != 0)
    fail(path, std::to_string(t.data.size()) + " bytes is not a whole number of " + std::string(dtype_name(t.dtype)));
  t.shape = {static_cast<int64_t>(t.data.size() / es)};
  t.is_const = false;
  return t;
}

bool is_raw(const std::string& path) { return path.size() > 4 && path.compare(path.size() - 4, 4, ".bin") == 0; }

// Tensors for one sample, from a test_data_set folder (input_N.pb, else input_N.bin).
std::vector<Tensor> load_dataset(const std::string& dir, const std::string& prefix, const Graph& g,
                                 const std::vector<TensorId>& ids) {
  std::vector<Tensor> out;
  for (size_t k = 0;; ++k) {
    const fs::path p = fs::path(dir) / (prefix + "_" + std::to_string(k) + ".pb");
    const fs::path b = fs::path(dir) / (prefix + "_" + std::to_string(k) + ".bin");
    if (fs::exists(p)) out.push_back(io::load_tensors(p.string())[0]);
    else if (fs::exists(b) && k < ids.size()) out.push_back(load_raw(b.string(), g.t(ids[k])));
    else break;
  }
  return out;
}

// Split file tensors into samples: a leading dim that is a multiple of the
// model's batch gives several samples.
std::vector<std::vector<Tensor>> split_samples(const std::vector<Tensor>& files, const Graph& g,
                                               const std::vector<TensorId>& ids, const std::string& where) {
  if (files.size() != ids.size())
    fail(where, "holds " + std::to_string(files.size()) + " array(s), the model has " + std::to_string(ids.size()));
  size_t samples = SIZE_MAX;
  for (size_t k = 0; k < ids.size(); ++k) {
    const size_t per = g.t(ids[k]).bytes();
    if (per == 0 || files[k].data.size() % per != 0)
      fail(where, "array " + std::to_string(k) + " has " + std::to_string(files[k].elements()) +
                      " elements, not a multiple of the model's " + std::to_string(g.t(ids[k]).elements()));
    samples = std::min(samples, files[k].data.size() / per);
  }
  std::vector<std::vector<Tensor>> out(samples);
  for (size_t s = 0; s < samples; ++s)
    for (size_t k = 0; k < ids.size(); ++k) {
      Tensor t = g.t(ids[k]);
      const size_t per = t.bytes();
      if (files[k].dtype != t.dtype) fail(where, "array " + std::to_string(k) + " has type " +
                                                     std::string(dtype_name(files[k].dtype)) + ", the model wants " +
                                                     std::string(dtype_name(t.dtype)));
      t.data.assign(files[k].data.begin() + static_cast<long>(s * per), files[k].data.begin() + static_cast<long>((s + 1) * per));
      t.is_const = false;
      out[s].push_back(std::move(t));
    }
  return out;
}

std::vector<std::vector<Tensor>> load_samples(const std::string& path, const Graph& g, const std::vector<TensorId>& ids,
                                              const std::string& prefix) {
  if (fs::is_directory(path)) {
    // a test_data_set folder, or a model folder holding test_data_set_*
    std::vector<std::vector<Tensor>> all;
    if (fs::exists(fs::path(path) / (prefix + "_0.pb")) || fs::exists(fs::path(path) / (prefix + "_0.bin"))) {
      auto one = load_dataset(path, prefix, g, ids);
      auto s = split_samples(one, g, ids, path);
      all.insert(all.end(), s.begin(), s.end());
      return all;
    }
    for (int d = 0;; ++d) {
      const fs::path sub = fs::path(path) / ("test_data_set_" + std::to_string(d));
      if (!fs::exists(sub)) break;
      auto s = split_samples(load_dataset(sub.string(), prefix, g, ids), g, ids, sub.string());
      all.insert(all.end(), s.begin(), s.end());
    }
    if (all.empty()) fail(path, "no " + prefix + "_N.pb/.bin files or test_data_set_* folders");
    return all;
  }
  if (is_raw(path)) {
    if (ids.size() != 1) fail(path, "a raw .bin file holds one array; the model has " + std::to_string(ids.size()));
    return split_samples({load_raw(path, g.t(ids[0]))}, g, ids, path);
  }
  return split_samples(io::load_tensors(path), g, ids, path);
}

// A classifier's output comes from a Softmax family op (through conversions and views).
bool is_classifier_output(const Graph& g, TensorId id) {
  for (int guard = 0; guard < 16; ++guard) {
    const int p = g.producer(id);
    if (p < 0) return false;
    const Node& n = g.nodes[static_cast<size_t>(p)];
    if (n.op == "Softmax" || n.op == "LogSoftmax") return true;
    if (n.op != "QuantizeLinear" && n.op != "DequantizeLinear" && n.op != "Identity" && n.op != "Reshape" &&
        n.op != "Flatten" && n.op != "Squeeze")
      return false;
    id = n.inputs[0];
  }
  return false;
}

}  // namespace

std::vector<std::vector<Tensor>> make_inputs(const pipeline::Compiled& c, const ValidateOptions& o) {
  const Graph& g = c.original;
  if (!o.valinput.empty()) return load_samples(o.valinput, g, g.inputs, "input");
  std::mt19937 rng(o.seed);
  std::vector<std::vector<Tensor>> out(o.batches);
  for (size_t s = 0; s < o.batches; ++s)
    for (size_t k = 0; k < g.inputs.size(); ++k) {
      Tensor t = g.t(g.inputs[k]);
      t.data.assign(t.bytes(), 0);
      float lo = -1.0f, hi = 1.0f;
      const Tensor& net_in = c.lowered.t(c.lowered.inputs[k]);
      if (net_in.quant && net_in.dtype == DType::I8) {
        lo = static_cast<float>(-128 - net_in.quant->zero_point[0]) * net_in.quant->scale[0];
        hi = static_cast<float>(127 - net_in.quant->zero_point[0]) * net_in.quant->scale[0];
      }
      if (o.range) std::tie(lo, hi) = *o.range;
      std::uniform_real_distribution<float> dist(lo, hi);
      for (size_t i = 0; i < static_cast<size_t>(t.elements()); ++i) {
        const float v = dist(rng);
        if (t.dtype == DType::F32) ops::set_from_double(t, i, v);
        else ops::set_from_double(t, i, std::floor(v * 10));
      }
      out[s].push_back(std::move(t));
    }
  return out;
}

std::vector<std::vector<uint8_t>> network_input_bytes(const pipeline::Compiled& c,
                                                      const std::vector<std::vector<Tensor>>& samples) {
  std::vector<std::vector<uint8_t>> raw(c.lowered.inputs.size());
  for (const auto& sample : samples)
    for (size_t k = 0; k < raw.size(); ++k) {
      const Tensor& net = c.lowered.t(c.lowered.inputs[k]);
      const Tensor& x = sample[k];
      if (net.dtype == x.dtype) {
        raw[k].insert(raw[k].end(), x.data.begin(), x.data.end());
      } else if (net.dtype == DType::I8 && net.quant) {
        for (size_t i = 0; i < static_cast<size_t>(x.elements()); ++i)
          raw[k].push_back(static_cast<uint8_t>(static_cast<int8_t>(
              quantize_value(ops::get_as_double(x, i), net.quant->scale[0], net.quant->zero_point[0], -128, 127))));
      } else {
        throw CompileError("internal: network input " + std::to_string(k) + " has an unexpected type");
      }
    }
  return raw;
}

std::vector<std::vector<double>> network_output_values(const pipeline::Compiled& c,
                                                       const std::vector<std::vector<uint8_t>>& raw) {
  std::vector<std::vector<double>> vals(raw.size());
  for (size_t k = 0; k < raw.size(); ++k) {
    Tensor t = c.lowered.t(c.lowered.outputs[k]);
    t.data = raw[k];
    const size_t n = raw[k].size() / std::max<size_t>(dtype_size(t.dtype), 1);
    const bool deq = t.quant && t.dtype != DType::F32;
    for (size_t i = 0; i < n; ++i) {
      double v = ops::get_as_double(t, i);
      if (deq) v = static_cast<double>(static_cast<float>(v - t.quant->zero_point[0]) * t.quant->scale[0]);
      vals[k].push_back(v);
    }
  }
  return vals;
}

ValidateResult run_validate(const pipeline::Compiled& c, const ValidateOptions& o, const Runner& runner) {
  ValidateResult r;
  r.mode = o.mode;
  const auto inputs = make_inputs(c, o);
  r.samples = inputs.size();
  if (inputs.empty()) fail(c.options.model, "validate: no input samples");
  // reference outputs
  std::vector<std::vector<double>> ref(c.original.outputs.size());
  if (!o.valoutput.empty()) {
    const auto outs = load_samples(o.valoutput, c.original, c.original.outputs, "output");
    if (outs.size() != inputs.size())
      fail(o.valoutput, "holds " + std::to_string(outs.size()) + " sample(s), the inputs " + std::to_string(inputs.size()));
    for (const auto& s : outs)
      for (size_t k = 0; k < s.size(); ++k)
        for (size_t i = 0; i < static_cast<size_t>(s[k].elements()); ++i) ref[k].push_back(ops::get_as_double(s[k], i));
  }
  // the uncompressed model (reference interpreter): the reference, or the base of the accuracy change
  // of --compression
  const bool shared = c.sharing.shared() > 0;
  std::vector<std::vector<double>> uncompressed(c.original.outputs.size());
  if (o.valoutput.empty() || shared) {
    for (const auto& s : inputs) {
      const auto outs = ref::run(c.original, s);
      for (size_t k = 0; k < outs.size(); ++k)
        for (size_t i = 0; i < static_cast<size_t>(outs[k].elements()); ++i)
          uncompressed[k].push_back(ops::get_as_double(outs[k], i));
    }
    if (o.valoutput.empty()) ref = uncompressed;
  }
  if (shared)
    r.compression = std::string(compression_name(c.sharing.level)) + ", " + std::to_string(c.sharing.shared()) +
                    " of " + std::to_string(c.sharing.tensors.size()) + " float Dense/Conv weight tensors shared";
  const auto raw = runner(network_input_bytes(c, inputs), inputs.size());
  const auto got = network_output_values(c, raw);
  for (size_t k = 0; k < got.size(); ++k) {
    const Tensor& net = c.lowered.t(c.lowered.outputs[k]);
    OutputResult res;
    res.name = net.name;
    res.dtype = std::string(dtype_name(net.dtype));
    res.scale = net.quant && net.dtype != DType::F32 ? net.quant->scale[0] : 0.0;
    std::vector<double> reference = ref[k];
    if (res.scale > 0) {
      // compare on the int8 grid: the reference float output re-quantized (a model whose own output is
      // int8, e.g. TFLite, gives the quantized values themselves)
      const bool ref_quantized = c.original.t(c.original.outputs[k]).dtype != DType::F32;
      for (auto& v : reference) {
        const int32_t q = ref_quantized ? static_cast<int32_t>(v)
                                        : quantize_value(v, net.quant->scale[0], net.quant->zero_point[0], -128, 127);
        v = static_cast<double>(static_cast<float>(q - net.quant->zero_point[0]) * net.quant->scale[0]);
      }
    }
    const size_t per = static_cast<size_t>(net.elements());
    const bool classifier = per > 1 && is_classifier_output(c.original, c.original.outputs[k]);
    res.metrics = compute_metrics(reference, got[k], per, classifier, res.scale);
    if (shared && res.scale == 0) {
      res.vs_uncompressed = compute_metrics(uncompressed[k], got[k], per, classifier, 0);
      if (!o.valoutput.empty()) res.uncompressed_vs_given = compute_metrics(ref[k], uncompressed[k], per, classifier, 0);
    }
    r.outputs.push_back(res);
  }
  return r;
}

Runner host_runner(const pipeline::Compiled& c, const std::string& workdir) {
  auto build = std::make_shared<HostBuild>(build_host(c, workdir));
  return [&c, build, workdir](const std::vector<std::vector<uint8_t>>& in, size_t samples) {
    return run_host(c, *build, workdir, in, samples);
  };
}

namespace {
std::string fmt_num(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%.8f", v);
  return b;
}
std::string pad(std::string s, size_t w) {
  if (s.size() < w) s += std::string(w - s.size(), ' ');
  return s;
}
}  // namespace

std::string ValidateResult::text() const {
  std::ostringstream o;
  o << "Evaluation report (summary), " << mode << " c-model, " << samples << " sample(s)\n";
  const std::string line(150, '-');
  o << line << "\n"
    << pad("Output", 24) << pad("acc", 10) << pad("rmse", 13) << pad("mae", 13) << pad("max_abs", 13)
    << pad("max_lsb", 9) << pad("bitexact", 10) << pad("l2r", 13) << pad("mean", 13) << pad("std", 13)
    << pad("nse", 13) << pad("cos", 12) << "\n"
    << line << "\n";
  for (size_t k = 0; k < outputs.size(); ++k) {
    const auto& r = outputs[k];
    const auto& m = r.metrics;
    char acc[16] = "n.a.";
    if (m.acc) std::snprintf(acc, sizeof acc, "%.2f%%", *m.acc * 100);
    char lsb[16] = "n.a.", be[16] = "n.a.";
    if (m.max_lsb) std::snprintf(lsb, sizeof lsb, "%.2f", *m.max_lsb);
    if (m.bitexact) std::snprintf(be, sizeof be, "%.2f%%", *m.bitexact * 100);
    o << pad(mode + " c-model #" + std::to_string(k + 1), 24) << pad(acc, 10) << pad(fmt_num(m.rmse), 13)
      << pad(fmt_num(m.mae), 13) << pad(fmt_num(m.max_abs), 13) << pad(lsb, 9) << pad(be, 10)
      << pad(fmt_num(m.l2r), 13) << pad(fmt_num(m.mean), 13) << pad(fmt_num(m.std), 13) << pad(fmt_num(m.nse), 13)
      << pad(fmt_num(m.cos), 12) << "\n";
  }
  o << line << "\n";
  for (size_t k = 0; k < outputs.size(); ++k)
    o << " #" << k + 1 << ": '" << outputs[k].name << "' " << outputs[k].dtype
      << (outputs[k].scale > 0 ? ", compared on the output's int8 grid (1 LSB = " + fmt_num(outputs[k].scale) + ")" : "")
      << "\n";
  o << " acc: argmax agreement (classifier-shaped outputs); l2r: ||out-ref||/||ref||; nse: Nash-Sutcliffe efficiency;\n"
    << " mean/std: of the error out-ref; reference: edgegen's reference interpreter unless --valoutput is given\n";
  if (!compression.empty()) {
    o << "\nWeight sharing (--compression " << compression << "): the accuracy change\n";
    auto row = [&](const std::string& what, const Metrics& m) {
      char acc[24] = "";
      if (m.acc) std::snprintf(acc, sizeof acc, ", acc %.2f%%", *m.acc * 100);
      o << "  " << pad(what, 44) << "rmse " << fmt_num(m.rmse) << ", max_abs " << fmt_num(m.max_abs) << ", l2r "
        << fmt_num(m.l2r) << ", cos " << fmt_num(m.cos) << acc << "\n";
    };
    for (size_t k = 0; k < outputs.size(); ++k) {
      const auto& r = outputs[k];
      if (r.vs_uncompressed) row("#" + std::to_string(k + 1) + " compressed vs uncompressed model", *r.vs_uncompressed);
      if (r.uncompressed_vs_given)
        row("#" + std::to_string(k + 1) + " uncompressed model vs --valoutput", *r.uncompressed_vs_given);
      if (r.uncompressed_vs_given) row("#" + std::to_string(k + 1) + " compressed vs --valoutput", r.metrics);
    }
    o << "  (uncompressed model: edgegen's reference interpreter on the model's own weights)\n";
  }
  return o.str();
}

nlohmann::json ValidateResult::json() const {
  nlohmann::json j;
  j["mode"] = mode;
  j["samples"] = samples;
  if (!compression.empty()) j["compression"] = compression;
  for (const auto& r : outputs) {
    const auto& m = r.metrics;
    nlohmann::json e = {{"name", r.name}, {"dtype", r.dtype}, {"rmse", m.rmse}, {"mae", m.mae},
                        {"max_abs", m.max_abs}, {"l2r", m.l2r}, {"mean", m.mean}, {"std", m.std},
                        {"nse", m.nse}, {"cos", m.cos}, {"count", m.count}};
    e["acc"] = m.acc ? nlohmann::json(*m.acc) : nlohmann::json(nullptr);
    e["max_lsb"] = m.max_lsb ? nlohmann::json(*m.max_lsb) : nlohmann::json(nullptr);
    e["bitexact"] = m.bitexact ? nlohmann::json(*m.bitexact) : nlohmann::json(nullptr);
    e["scale"] = r.scale;
    auto summary = [](const Metrics& m) {
      return nlohmann::json{{"rmse", m.rmse}, {"max_abs", m.max_abs}, {"l2r", m.l2r}, {"cos", m.cos}};
    };
    if (r.vs_uncompressed) e["compressed_vs_uncompressed"] = summary(*r.vs_uncompressed);
    if (r.uncompressed_vs_given) e["uncompressed_vs_valoutput"] = summary(*r.uncompressed_vs_given);
    j["outputs"].push_back(e);
  }
  return j;
}

}  // namespace eg::validate
