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
#include "util/text.h"
#include "validate/host_runner.h"
#include "validate/layers.h"

namespace eg::validate {
namespace fs = std::filesystem;

int32_t quantize_value(double x, float scale, int32_t zp, int32_t lo, int32_t hi) {
  const float v = static_cast<float>(x) / scale;
  double q = std::nearbyint(v) + zp;
  if (std::isnan(q)) q = zp;
  return static_cast<int32_t>(std::min<double>(hi, std::max<double>(lo, q)));
}

namespace {

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

// Float arrays (a .csv's values) for a model tensor of another type: converted to its type (each
// array k for tensor ids[k]); other arrays are kept as they are (split_samples checks them).
std::vector<Tensor> as_model_types(std::vector<Tensor> files, const Graph& g, const std::vector<TensorId>& ids) {
  for (size_t k = 0; k < files.size() && k < ids.size(); ++k) {
    const DType want = g.t(ids[k]).dtype;
    if (files[k].dtype != DType::F32 || want == DType::F32 || !files[k].name.ends_with(".csv")) continue;
    Tensor t = files[k];
    t.dtype = want;
    t.data.assign(static_cast<size_t>(t.elements()) * dtype_size(want), 0);
    for (size_t i = 0; i < static_cast<size_t>(t.elements()); ++i) ops::set_from_double(t, i, ops::get_as_double(files[k], i));
    files[k] = std::move(t);
  }
  return files;
}

std::vector<std::vector<Tensor>> load_file_samples(const std::string& path, const Graph& g, const std::vector<TensorId>& ids,
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
  return split_samples(as_model_types(io::load_tensors(path), g, ids), g, ids, path);
}

// -vi/-vo: one file (or folder) holding every tensor, or one file per tensor (a .csv, .npy, .pb
// or one-array .npz each), in the model's order.
std::vector<std::vector<Tensor>> load_samples(const std::vector<std::string>& paths, const Graph& g,
                                              const std::vector<TensorId>& ids, const std::string& prefix) {
  if (paths.size() == 1) return load_file_samples(paths[0], g, ids, prefix);
  if (paths.size() != ids.size())
    fail(paths[0], std::to_string(paths.size()) + " files given, the model has " + std::to_string(ids.size()) + " " +
                       prefix + "(s)");
  std::vector<Tensor> files;
  for (size_t k = 0; k < paths.size(); ++k) {
    auto one = is_raw(paths[k]) ? std::vector<Tensor>{load_raw(paths[k], g.t(ids[k]))}
                                : as_model_types(io::load_tensors(paths[k]), g, {ids[k]});
    if (one.size() != 1) fail(paths[k], "holds " + std::to_string(one.size()) + " arrays; one file per " + prefix + " holds one");
    files.push_back(std::move(one[0]));
  }
  return split_samples(files, g, ids, paths[0]);
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
      if (per_tensor_quantized(net_in) && dtype_size(net_in.dtype) == 1) {  // the input's int8/uint8 range
        const int32_t lowest = net_in.dtype == DType::U8 ? 0 : -128;
        lo = static_cast<float>(lowest - net_in.quant->zero_point[0]) * net_in.quant->scale[0];
        hi = static_cast<float>(lowest + 255 - net_in.quant->zero_point[0]) * net_in.quant->scale[0];
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

bool per_tensor_quantized(const Tensor& t) {
  return t.dtype != DType::F32 && t.quant && t.quant->scale.size() == 1 && !t.quant->zero_point.empty();
}

// A value of tensor t at model level: dequantized when t holds per-tensor quantized integers.
double real_value(const Tensor& t, double v) {
  if (!per_tensor_quantized(t)) return v;
  return static_cast<double>(static_cast<float>(v - t.quant->zero_point[0]) * t.quant->scale[0]);
}

// A real value on the grid of an 8-bit quantized tensor, as its integer code.
int32_t code_of(const Tensor& t, double real) {
  const bool u8 = t.dtype == DType::U8;
  return quantize_value(real, t.quant->scale[0], t.quant->zero_point[0], u8 ? 0 : -128, u8 ? 255 : 127);
}

namespace {

// --inputs/outputs-ch-position: for each element of the network's tensor (the layout asked for), the
// index of the same element in the model's tensor of shape `model`; empty when the layouts agree.
std::vector<size_t> network_order(const Graph& g, const Tensor& net, const Shape& model) {
  const auto asked = g.io_channels_last.find(net.name);
  const size_t r = model.size();
  if (asked == g.io_channels_last.end() || r < 3 || net.shape == model) return {};
  std::vector<size_t> perm(r);  // network dim i = model dim perm[i]
  for (size_t i = 0; i < r; ++i)
    perm[i] = asked->second ? (i == 0 ? 0 : i == r - 1 ? 1 : i + 1) : (i == 0 ? 0 : i == 1 ? r - 1 : i - 1);
  std::vector<size_t> stride(r, 1);
  for (size_t i = r - 1; i > 0; --i) stride[i - 1] = stride[i] * static_cast<size_t>(model[i]);
  size_t total = 1;
  for (int64_t d : model) total *= static_cast<size_t>(d);
  std::vector<size_t> order(total);
  std::vector<int64_t> idx(r, 0);  // the network's multi-index
  for (size_t j = 0; j < total; ++j) {
    size_t m = 0;
    for (size_t i = 0; i < r; ++i) m += static_cast<size_t>(idx[i]) * stride[perm[i]];
    order[j] = m;
    for (size_t i = r; i-- > 0;) {
      if (++idx[i] < model[perm[i]]) break;
      idx[i] = 0;
    }
  }
  return order;
}

}  // namespace

std::vector<std::vector<uint8_t>> network_input_bytes(const pipeline::Compiled& c,
                                                      const std::vector<std::vector<Tensor>>& samples) {
  std::vector<std::vector<uint8_t>> raw(c.lowered.inputs.size());
  for (size_t k = 0; k < raw.size(); ++k) {
    const Tensor& net = c.lowered.t(c.lowered.inputs[k]);
    const auto order = network_order(c.lowered, net, c.original.t(c.original.inputs[k]).shape);
    for (const auto& sample : samples) {
      const Tensor& x = sample[k];
      const size_t n = static_cast<size_t>(x.elements());
      const bool same_grid = net.dtype == x.dtype && (!net.quant || !x.quant || (net.quant->scale == x.quant->scale &&
                                                                                  net.quant->zero_point == x.quant->zero_point));
      if (same_grid && order.empty()) {
        raw[k].insert(raw[k].end(), x.data.begin(), x.data.end());
        continue;
      }
      // --input-data-type / --inputs-ch-position: the model-level values in the network's type and layout
      if (!same_grid && net.dtype != DType::F32 && !(per_tensor_quantized(net) && dtype_size(net.dtype) == 1))
        throw CompileError("internal: network input " + std::to_string(k) + " has an unexpected type");
      Tensor t = net;
      t.data.assign(n * dtype_size(net.dtype), 0);
      for (size_t j = 0; j < n; ++j) {
        const size_t i = order.empty() ? j : order[j];
        if (same_grid) {
          std::memcpy(t.data.data() + j * dtype_size(net.dtype), x.data.data() + i * dtype_size(x.dtype), dtype_size(x.dtype));
          continue;
        }
        const double v = real_value(x, ops::get_as_double(x, i));
        ops::set_from_double(t, j, net.dtype == DType::F32 ? v : static_cast<double>(code_of(net, v)));
      }
      raw[k].insert(raw[k].end(), t.data.begin(), t.data.end());
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
    const auto order = network_order(c.lowered, t, c.original.t(c.original.outputs[k]).shape);
    const size_t per = order.empty() ? n : order.size();
    vals[k].resize(n);
    for (size_t j = 0; j < n; ++j) {  // in the model's layout
      const size_t at = order.empty() ? j : (j / per) * per + order[j % per];
      vals[k][at] = real_value(t, ops::get_as_double(t, j));
    }
  }
  return vals;
}

void reference_on_grid(std::vector<double>& v, const Tensor& model, const Tensor& net) {
  const bool net_grid = per_tensor_quantized(net) && dtype_size(net.dtype) == 1;
  // integer codes with no quantization of their own: taken as codes of the network's tensor
  const bool codes = model.dtype != DType::F32 && !per_tensor_quantized(model) && net_grid;
  for (auto& x : v) {
    if (codes) x = static_cast<double>(static_cast<float>(x - net.quant->zero_point[0]) * net.quant->scale[0]);
    x = real_value(model, x);
    if (net_grid) x = static_cast<double>(static_cast<float>(code_of(net, x) - net.quant->zero_point[0]) * net.quant->scale[0]);
  }
}

namespace {

// The reference outputs, per output (all samples concatenated): from -vo files or the interpreter.
std::vector<std::vector<double>> reference_outputs(const pipeline::Compiled& c, const ValidateOptions& o,
                                                   const std::vector<std::vector<Tensor>>& inputs) {
  std::vector<std::vector<double>> ref(c.original.outputs.size());
  auto append = [&](const std::vector<Tensor>& outs) {
    for (size_t k = 0; k < outs.size(); ++k)
      for (size_t i = 0; i < static_cast<size_t>(outs[k].elements()); ++i) ref[k].push_back(ops::get_as_double(outs[k], i));
  };
  if (!o.valoutput.empty()) {
    const auto outs = load_samples(o.valoutput, c.original, c.original.outputs, "output");
    if (outs.size() != inputs.size())
      fail(o.valoutput[0], "holds " + std::to_string(outs.size()) + " sample(s), the inputs " + std::to_string(inputs.size()));
    for (const auto& s : outs) append(s);
    return ref;
  }
  for (size_t s = 0; s < inputs.size(); ++s) {
    if (o.progress) o.progress("reference interpreter", s, inputs.size());
    append(ref::run(c.original, inputs[s]));
  }
  return ref;
}

}  // namespace

ValidateResult run_validate(const pipeline::Compiled& c, const ValidateOptions& o, const Runner& runner) {
  ValidateResult r;
  r.mode = o.mode;
  r.inputs = make_inputs(c, o);
  const auto& inputs = r.inputs;
  r.samples = inputs.size();
  if (inputs.empty()) fail(c.options.model, "validate: no input samples");
  r.reference = o.valoutput.empty() ? "edgegen's reference interpreter (the model's operators as ONNX/TFLite define them)"
                                    : "the outputs in " + o.valoutput[0] + (o.valoutput.size() > 1 ? " ..." : "");
  const auto ref = reference_outputs(c, o, inputs);
  // --compression: the uncompressed model (the reference interpreter on the model's own weights) is the
  // base of the accuracy change
  const bool shared = c.sharing.shared() > 0;
  std::vector<std::vector<double>> uncompressed;
  if (shared) {
    ValidateOptions interpreter = o;
    interpreter.valoutput.clear();
    uncompressed = o.valoutput.empty() ? ref : reference_outputs(c, interpreter, inputs);
    r.compression = std::string(compression_name(c.sharing.level)) + ", " + std::to_string(c.sharing.shared()) +
                    " of " + std::to_string(c.sharing.tensors.size()) + " float Dense/Conv weight tensors shared";
  }
  if (o.progress) o.progress("generated C", 0, 1);
  const auto raw = runner(network_input_bytes(c, inputs), inputs.size());
  r.output_values = network_output_values(c, raw);
  for (size_t k = 0; k < r.output_values.size(); ++k) {
    const Tensor& net = c.lowered.t(c.lowered.outputs[k]);
    OutputResult res;
    res.name = net.name;
    res.dtype = std::string(dtype_name(net.dtype));
    res.scale = per_tensor_quantized(net) ? net.quant->scale[0] : 0.0;
    std::vector<double> reference = ref[k];
    reference_on_grid(reference, c.original.t(c.original.outputs[k]), net);
    const size_t per = static_cast<size_t>(net.elements());
    const bool classifier = per > 1 && (o.classifier || is_classifier_output(c.original, c.original.outputs[k]));
    const auto& got = r.output_values[k];
    res.metrics = compute_metrics(reference, got, per, classifier, res.scale);
    if (o.classifier && per > 1) res.confusion = confusion_matrix(reference, got, per);
    if (shared && res.scale == 0) {
      res.vs_uncompressed = compute_metrics(uncompressed[k], got, per, classifier, 0);
      if (!o.valoutput.empty()) res.uncompressed_vs_given = compute_metrics(ref[k], uncompressed[k], per, classifier, 0);
    }
    r.outputs.push_back(res);
    r.reference_values.push_back(std::move(reference));
  }
  if (!o.layers_dump.empty()) compare_layers(c, o, r);
  return r;
}

Runner host_runner(const pipeline::Compiled& c, const std::string& workdir, const std::string& layers_dump) {
  auto build = std::make_shared<HostBuild>(build_host(c, workdir, "cc", !layers_dump.empty()));
  return [&c, build, workdir, layers_dump](const std::vector<std::vector<uint8_t>>& in, size_t samples) {
    return run_host(c, *build, workdir, in, samples, layers_dump);
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
    << " mean/std: of the error out-ref\n"
    << " reference: " << reference << "\n";
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
  for (size_t k = 0; k < outputs.size(); ++k) {
    const auto& cm = outputs[k].confusion;
    if (cm.empty()) continue;
    size_t total = 0, right = 0;
    for (size_t i = 0; i < cm.size(); ++i)
      for (size_t j = 0; j < cm.size(); ++j) {
        total += cm[i][j];
        if (i == j) right += cm[i][j];
      }
    char acc[64];
    std::snprintf(acc, sizeof acc, "%.2f%% (%zu/%zu)", total ? 100.0 * static_cast<double>(right) / static_cast<double>(total) : 0.0,
                  right, total);
    o << "\nConfusion matrix of #" << k + 1 << " '" << outputs[k].name << "' (--classifier): rows = reference class (argmax),"
      << " columns = generated class; accuracy " << acc << "\n";
    o << pad("", 8);
    for (size_t j = 0; j < cm.size(); ++j) o << pad(std::to_string(j), 7);
    o << "\n";
    for (size_t i = 0; i < cm.size(); ++i) {
      o << pad("  " + std::to_string(i), 8);
      for (size_t j = 0; j < cm.size(); ++j) o << pad(std::to_string(cm[i][j]), 7);
      o << "\n";
    }
  }
  if (!layers.empty() || layers_not_compared) {
    o << "\nPer-layer error (--full): each C layer's output against the reference interpreter's tensor of the same\n"
      << "name, " << samples << " sample(s); int8 tensors on their own grid\n";
    const std::string l2(120, '-');
    o << l2 << "\n"
      << pad("node", 6) << pad("layer", 28) << pad("op", 18) << pad("dtype", 8) << pad("rmse", 13) << pad("max_abs", 13)
      << pad("max_lsb", 9) << pad("cos", 12) << "tensor\n"
      << l2 << "\n";
    for (const auto& l : layers) {
      char lsb[16] = "n.a.";
      if (l.metrics.max_lsb) std::snprintf(lsb, sizeof lsb, "%.2f", *l.metrics.max_lsb);
      o << pad(std::to_string(l.node), 6) << pad(text::one_line(l.layer).substr(0, 27), 28) << pad(l.op, 18)
        << pad(l.dtype, 8) << pad(fmt_num(l.metrics.rmse), 13) << pad(fmt_num(l.metrics.max_abs), 13) << pad(lsb, 9)
        << pad(fmt_num(l.metrics.cos), 12) << text::one_line(l.tensor) << "\n";
    }
    o << l2 << "\n " << layers.size() << " layer output(s) compared; " << layers_not_compared
      << " not compared (no reference tensor of that name and shape: made by the passes)\n";
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
    if (!r.confusion.empty()) e["confusion_matrix"] = r.confusion;
    j["outputs"].push_back(e);
  }
  j["reference"] = reference;
  if (!layers.empty() || layers_not_compared) {
    j["layers"] = nlohmann::json::array();
    for (const auto& l : layers)
      j["layers"].push_back({{"node", l.node}, {"layer", l.layer}, {"op", l.op}, {"tensor", l.tensor},
                             {"dtype", l.dtype}, {"rmse", l.metrics.rmse}, {"max_abs", l.metrics.max_abs},
                             {"max_lsb", l.metrics.max_lsb ? nlohmann::json(*l.metrics.max_lsb) : nlohmann::json(nullptr)},
                             {"cos", l.metrics.cos}, {"scale", l.scale}});
    j["layers_not_compared"] = layers_not_compared;
  }
  return j;
}

}  // namespace eg::validate
