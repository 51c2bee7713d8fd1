#include "validate/layers.h"

#include <cstring>
#include <fstream>
#include <map>
#include <sstream>

#include "ops/common.h"
#include "ref/interpreter.h"
#include "util/error.h"

namespace eg::validate {
namespace {

struct Record {
  uint32_t node = 0;
  std::string tensor;
  std::vector<uint8_t> bytes;
};

// The harness's records, per sample (host_runner.cpp, layer_dump_c).
std::vector<std::vector<Record>> read_dump(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw CompileError("validate --full: no layer outputs were written (" + path + ")");
  std::vector<std::vector<Record>> samples;
  uint32_t head[3];
  while (in.read(reinterpret_cast<char*>(head), sizeof head)) {
    if (head[0] == 0xffffffffu) {
      samples.emplace_back();
      continue;
    }
    Record rec;
    rec.node = head[0];
    rec.tensor.resize(head[1]);
    rec.bytes.resize(head[2]);
    in.read(rec.tensor.data(), static_cast<std::streamsize>(head[1]));
    in.read(reinterpret_cast<char*>(rec.bytes.data()), static_cast<std::streamsize>(head[2]));
    if (!in || samples.empty()) throw CompileError("validate --full: truncated layer outputs in " + path);
    samples.back().push_back(std::move(rec));
  }
  return samples;
}

// A tensor's values as stored (codes for a quantized tensor).
std::vector<double> values(const Tensor& t) {
  std::vector<double> v(static_cast<size_t>(t.elements()));
  for (size_t i = 0; i < v.size(); ++i) v[i] = ops::get_as_double(t, i);
  return v;
}

struct Accumulated {
  LayerResult result;
  std::vector<double> ref, got;
};

}  // namespace

void compare_layers(const pipeline::Compiled& c, const ValidateOptions& o, ValidateResult& r) {
  const auto dump = read_dump(o.layers_dump);
  if (dump.size() != r.inputs.size())
    throw CompileError("validate --full: layer outputs of " + std::to_string(dump.size()) + " sample(s), " +
                       std::to_string(r.inputs.size()) + " run");
  std::map<std::pair<uint32_t, std::string>, size_t> index;  // (node, tensor) -> acc
  std::vector<Accumulated> acc;
  std::map<std::pair<uint32_t, std::string>, bool> not_compared;
  for (size_t s = 0; s < dump.size(); ++s) {
    if (o.progress) o.progress("per-layer reference", s, dump.size());
    const Graph ref = ref::run_graph(c.original, r.inputs[s]);
    for (const Record& rec : dump[s]) {
      const auto low_id = c.lowered.find_tensor(rec.tensor);
      const auto ref_id = ref.find_tensor(rec.tensor);
      const auto key = std::make_pair(rec.node, rec.tensor);
      if (!low_id || !ref_id || rec.node >= c.lowered.nodes.size() || c.lowered.t(*low_id).shape != ref.t(*ref_id).shape ||
          ref.t(*ref_id).data.empty() || rec.bytes.size() != c.lowered.t(*low_id).bytes()) {
        not_compared[key] = true;
        continue;
      }
      Tensor got = c.lowered.t(*low_id);
      got.data = rec.bytes;
      auto [it, added] = index.emplace(key, acc.size());
      if (added) {
        Accumulated a;
        const Node& n = c.lowered.nodes[rec.node];
        a.result.node = static_cast<int>(rec.node);
        a.result.layer = n.name;
        a.result.op = n.op;
        a.result.tensor = rec.tensor;
        a.result.dtype = std::string(dtype_name(got.dtype));
        a.result.scale = per_tensor_quantized(got) && dtype_size(got.dtype) == 1 ? got.quant->scale[0] : 0.0;
        acc.push_back(std::move(a));
      }
      Accumulated& a = acc[it->second];
      Tensor model = ref.t(*ref_id);  // the interpreter's value, the model's quantization
      if (const auto orig = c.original.find_tensor(rec.tensor)) model.quant = c.original.t(*orig).quant;
      std::vector<double> want = values(model);
      reference_on_grid(want, model, got);  // as for the outputs: on the layer's own 8-bit grid
      std::vector<double> have = values(got);
      for (auto& v : have) v = real_value(got, v);
      a.ref.insert(a.ref.end(), want.begin(), want.end());
      a.got.insert(a.got.end(), have.begin(), have.end());
    }
  }
  for (auto& a : acc) {
    a.result.metrics = compute_metrics(a.ref, a.got, 1, false, a.result.scale);
    r.layers.push_back(std::move(a.result));
  }
  for (const auto& [key, _] : not_compared)
    if (!index.count(key)) ++r.layers_not_compared;
}

}  // namespace eg::validate
