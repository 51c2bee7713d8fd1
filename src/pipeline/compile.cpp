#include "pipeline/compile.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <set>

#include "ir/state_pairs.h"
#include "ops/registry.h"
#include "onnx/import.h"
#include "tflite/import.h"
#include "util/error.h"

namespace eg::pipeline {
namespace {

std::string digest(const std::string& b) {
  // two independent FNV-1a 64-bit lanes -> 128-bit hex digest
  uint64_t h1 = 1469598103934665603ull, h2 = 0x84222325cbf29ce4ull;
  for (unsigned char c : b) {
    h1 = (h1 ^ c) * 1099511628211ull;
    h2 = (h2 ^ static_cast<unsigned char>(c + 0x5b)) * 0x100000001b3ull;
  }
  char buf[40];
  std::snprintf(buf, sizeof buf, "0x%016llx%016llx", static_cast<unsigned long long>(h1),
                static_cast<unsigned long long>(h2));
  return buf;
}

// Every node whose op we do not know, listed in one error.
void check_known_ops(const Graph& g) {
  std::vector<std::string> bad;
  for (const auto& n : g.nodes)
    if (!ops::find_op(n.op)) {
      std::string dt;
      if (!n.inputs.empty() && n.inputs[0] != kNoTensor && g.t(n.inputs[0]).dtype != DType::Undefined)
        dt = ", " + std::string(dtype_name(g.t(n.inputs[0]).dtype));
      const std::string version = g.source == ModelFormat::TFLite ? "" : ", opset " + std::to_string(g.opset);
      bad.push_back("'" + n.name + "' (" + n.op + version + dt + ")");
    }
  if (bad.empty()) return;
  std::string msg = std::to_string(bad.size()) + " unsupported node(s): ";
  for (size_t i = 0; i < bad.size(); ++i) msg += (i ? ", " : "") + bad[i];
  fail(g.model_path, msg + ": unsupported operator (see 'edgegen supported-ops')");
}

// Every lowered node whose configuration has no C kernel, listed in one error.
void check_lowered(const Graph& g) {
  std::vector<std::string> bad;
  for (const auto& n : g.nodes) {
    const ops::OpDef* def = ops::find_op(n.op);
    std::string why;
    if (!def || !def->emit) why = "no C kernel";
    else if (def->check) why = def->check(g, n);
    if (why.empty()) continue;
    std::string dt;
    if (!n.inputs.empty() && n.inputs[0] != kNoTensor) dt = std::string(dtype_name(g.t(n.inputs[0]).dtype));
    const std::string version = g.source == ModelFormat::TFLite ? "" : ", opset " + std::to_string(g.opset);
    bad.push_back("node '" + n.name + "' (" + n.op + version + ", " + dt + "): " + why);
  }
  if (bad.empty()) return;
  if (bad.size() == 1) fail(g.model_path, bad[0]);
  std::string msg = std::to_string(bad.size()) + " unsupported node(s): ";
  for (size_t i = 0; i < bad.size(); ++i) msg += (i ? "; " : "") + bad[i];
  fail(g.model_path, msg);
}

BufferOffsets offsets_of(const plan::MemoryPlan& p) {
  BufferOffsets o;
  o.bytes = p.activations_bytes;
  o.alignment = p.alignment;
  o.tensor = p.offset;
  o.scratch = p.scratch_offset;
  o.states_bytes = p.states_bytes;
  o.state = p.state_offset;
  o.app = p.app_buffer;
  for (const auto& c : p.state_copies) o.state_copies.push_back({c.from, c.to, c.bytes});
  o.region_bytes = {p.activations_bytes};
  o.region_names = {"activations"};
  if (!p.regions.empty()) {
    o.region_bytes.clear();
    o.region_names.clear();
    for (const auto& r : p.regions) {
      o.region_bytes.push_back(r.bytes);
      o.region_names.push_back(r.name);
    }
  }
  o.tensor_region = p.region;
  o.scratch_region = p.scratch_region;
  return o;
}

// The --input-shape value to suggest for an input: its known sizes, 1 for a symbolic batch, N for the
// other symbolic axes.
std::string shape_hint(const Shape& shape, const std::vector<std::pair<size_t, std::string>>& symbolic) {
  std::string s;
  for (size_t k = 0; k < shape.size(); ++k) {
    bool sym = false;
    for (const auto& d : symbolic) sym = sym || d.first == k;
    s += (k ? "x" : "") + (sym ? std::string(k == 0 ? "1" : "N") : std::to_string(shape[k]));
  }
  return s;
}

bool has_qdq(const Graph& g) {
  for (const auto& n : g.nodes)
    if (n.op == "QuantizeLinear" || n.op == "DequantizeLinear") return true;
  return false;
}

}  // namespace

Compiled compile(const Options& opt) {
  const auto t0 = std::chrono::steady_clock::now();
  Compiled c;
  c.options = opt;
  if (opt.max_tensor_bytes <= 0) fail(opt.model, "--max-tensor-bytes must be positive");
  const std::string model_bytes = onnx_import::read_model_file(opt.model);
  c.model_hash = digest(model_bytes);
  // the format is read from the file's content (TFLite's TFL3 identifier), not its name
  Graph g = tflite_import::is_tflite(model_bytes) ? tflite_import::parse_model(model_bytes, opt.model)
                                                  : onnx_import::parse_model(model_bytes, opt.model, opt.max_tensor_bytes);
  g.optimization = opt.optimization;
  g.dsp_kernels = opt.target.kernels() != toolchain::KernelPath::Portable;
  g.max_tensor_bytes = opt.max_tensor_bytes;
  for (const auto& [name, shape] : opt.input_shapes) {
    auto id = g.find_tensor(name);
    if (!id || !g.is_graph_input(*id)) fail(opt.model, "--input-shape: no graph input named '" + name + "'");
    Tensor& t = g.t(*id);
    if (t.shape.size() != shape.size())
      fail(opt.model, "input '" + name + "' has rank " + std::to_string(t.shape.size()) + ", not " +
                          std::to_string(shape.size()));
    t.shape = shape;
    t.shape_known = true;
    if (const std::string why = tensor_size_problem(t, g.max_tensor_bytes); !why.empty()) fail(opt.model, why);
    g.symbolic_dims.erase(*id);
    c.log.add("input '" + name + "' pinned to " + shape_str(shape) + " (--input-shape)");
  }
  // other symbolic dims: a leading (batch) one is pinned to 1, any other needs --input-shape
  for (const auto& [id, dims] : g.symbolic_dims) {
    const std::string& name = g.t(id).name;
    for (const auto& [axis, dim] : dims)
      if (axis != 0)
        fail(opt.model, "input '" + name + "' has a symbolic dimension " + (dim.empty() ? "" : "'" + dim + "' ") +
                            "at axis " + std::to_string(axis) + "; give its size with --input-shape " + name + "=" +
                            shape_hint(g.t(id).shape, dims));
    c.log.add("input '" + name + "': symbolic batch dimension " + (dims[0].second.empty() ? "" : "'" + dims[0].second + "' ") +
              "pinned to 1");
  }
  g.symbolic_dims.clear();
  for (const Tensor& f : opt.frozen_inputs) {
    auto id = g.find_tensor(f.name);
    if (!id || !g.is_graph_input(*id)) fail(opt.model, "cannot freeze '" + f.name + "': not a graph input");
    Tensor& t = g.t(*id);
    t.data = f.data;
    t.dtype = f.dtype;
    t.shape = f.shape;
    t.shape_known = true;
    t.is_const = true;
    g.inputs.erase(std::find(g.inputs.begin(), g.inputs.end(), *id));
  }
  for (TensorId in : g.inputs)
    if (!g.t(in).shape_known)
      fail(opt.model, "graph input '" + g.t(in).name + "' has " +
                          (g.t(in).shape.empty() ? std::string("no shape") : "symbolic dims (" + shape_str(g.t(in).shape) + ")") +
                          ": microcontroller code needs a static shape");
  check_known_ops(g);
  for (TensorId in : g.inputs)
    if (!dtype_is_compilable(g.t(in).dtype))
      fail(opt.model, "input '" + g.t(in).name + "' has type " + std::string(dtype_name(g.t(in).dtype)) +
                          ", which microcontroller code does not compute with");
  c.original = g;
  // Keep QDQ nodes for the folding pass; everything else constant is folded now.
  const std::vector<std::string> keep = has_qdq(g) ? std::vector<std::string>{"DequantizeLinear", "QuantizeLinear"}
                                                   : std::vector<std::string>{};
  ops::infer_shapes(g, true, keep);
  if (opt.stateful || !opt.state_pairs.empty()) g.states = pair_states(g, opt.state_pairs);
  c.original.states = g.states;
  c.original.tensors = g.tensors;  // shapes for the model table; nodes as imported
  for (const auto& t : c.original.tensors)
    if (t.is_const && !t.data.empty()) c.model_weights_bytes += t.data.size();
  // weights of the model as ST counts them: constants read by compute nodes
  for (const auto& n : c.original.nodes) {
    const ops::OpDef* def = ops::find_op(n.op);
    bool all_const = !n.inputs.empty();
    for (TensorId i : n.inputs)
      if (i != kNoTensor && !c.original.t(i).is_const) all_const = false;
    if (def && def->macc && !all_const && n.op != "Constant") {
      try {
        c.model_macc += def->macc(c.original, n);
      } catch (const std::exception&) {
      }
    }
  }
  passes::io_layouts(g, opt.io, c.log);
  passes::run_pipeline(g, c.log);
  passes::io_types(g, opt.io, c.log);
  c.sharing = passes::share_weights(g, opt.compression, c.log);
  check_lowered(g);
  check_state_pairs(g);
  c.plan = plan::plan_memory(g, 4, opt.app_buffers, opt.memory_regions);
  std::string model_name = opt.model;
  if (auto s = model_name.find_last_of('/'); s != std::string::npos) model_name = model_name.substr(s + 1);
  c.code = emit::emit_c(g, offsets_of(c.plan), opt.name, model_name, opt.c_api);
  c.lowered = std::move(g);
  for (const auto& l : c.code.layers) c.c_macc += l.macc;
  c.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return c;
}

std::map<int, std::vector<int>> layers_by_origin(const Compiled& c) {
  std::map<int, std::vector<int>> m;
  for (const auto& l : c.code.layers)
    for (int o : c.lowered.nodes[static_cast<size_t>(l.node)].origin) {
      auto& v = m[o];
      if (std::find(v.begin(), v.end(), l.index) == v.end()) v.push_back(l.index);
    }
  return m;
}

}  // namespace eg::pipeline
