// The generate/analyze report (see report.h). One pass collects every figure
// into plain structs (collect); the text and JSON renderers only format them,
// so both always carry the same numbers.
#include "report/report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "emit/stai_api.h"
#include "ops/families.h"
#include "ops/registry.h"
#include "report/compression.h"

#ifndef EDGEGEN_VERSION
#define EDGEGEN_VERSION "0.1.0"
#endif

namespace eg::report {

const char* version() { return EDGEGEN_VERSION; }

namespace {

using pipeline::Compiled;
using emit::CLayer;

// ---------------------------------------------------------------- formatting

std::string commas(int64_t v) {
  const bool neg = v < 0;
  std::string d = std::to_string(neg ? -v : v), out;
  for (size_t i = 0; i < d.size(); ++i) {
    if (i && (d.size() - i) % 3 == 0) out += ',';
    out += d[i];
  }
  return neg ? "-" + out : out;
}
std::string commas(size_t v) { return commas(static_cast<int64_t>(v)); }

std::string fixed1(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%.1f", v);
  return std::string(b) == "-0.0" ? "0.0" : b;
}

double round1(double v) { return std::round(v * 10.0) / 10.0; }

// "1.29 KiB", "764 B"
// "(1 segment)", or with --memory-pool "(2 segments: dtcm 12,288 B, sram 40,960 B)"
std::string segments_text(const plan::MemoryPlan& p) {
  if (p.regions.empty()) return "(1 segment)";
  std::string t = "(" + std::to_string(p.regions.size()) + " segments:";
  for (size_t k = 0; k < p.regions.size(); ++k)
    t += std::string(k ? "," : "") + " " + p.regions[k].name + " " + commas(p.regions[k].bytes) + " B";
  return t + ")";
}

std::string human_bytes(size_t b) {
  char buf[32];
  if (b < 1024) return std::to_string(b) + " B";
  if (b < 1024 * 1024) {
    std::snprintf(buf, sizeof buf, "%.2f KiB", static_cast<double>(b) / 1024.0);
  } else {
    std::snprintf(buf, sizeof buf, "%.2f MiB", static_cast<double>(b) / (1024.0 * 1024.0));
  }
  return buf;
}

// Percent of `delta` against `base` as ST prints it: a new cost counts +100%.
double delta_percent(int64_t delta, int64_t base) {
  if (base == 0) return delta > 0 ? 100.0 : (delta < 0 ? -100.0 : 0.0);
  return 100.0 * static_cast<double>(delta) / static_cast<double>(base);
}

// "+448(+6.7%)", "-150(-100.0%)"; "" when nothing changed.
std::string delta_str(int64_t delta, int64_t base) {
  if (delta == 0) return "";
  const std::string sign = delta > 0 ? "+" : "";
  return sign + commas(delta) + "(" + sign + fixed1(delta_percent(delta, base)) + "%)";
}

// Long names as ST shortens them: first 18 characters, "..", last 10.
std::string shorten(const std::string& s, size_t max = 30) {
  if (s.size() <= max) return s;
  const size_t tail = 10, head = max - tail - 2;
  return s.substr(0, head) + ".." + s.substr(s.size() - tail);
}

std::string scale_str(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%.7g", v);
  return b;
}

// dtype as the report shows it in shapes: "f32" for float, "int8", "int32"...
std::string type_name(DType t) { return t == DType::F32 ? "f32" : std::string(dtype_name(t)); }

std::string shape_x(const Shape& s) { return s.empty() ? "1" : shape_str(s); }

std::string shape_brackets(const Shape& s) {
  std::string r = "[";
  for (size_t i = 0; i < s.size(); ++i) {
    if (i) r += ',';
    r += std::to_string(s[i]);
  }
  return r + "]";
}

std::string id_list(const std::vector<int>& v) {
  std::string r = "[";
  for (size_t i = 0; i < v.size(); ++i) r += (i ? ", " : "") + std::to_string(v[i]);
  return r + "]";
}

// ---------------------------------------------------------------- fixed-width tables

struct Table {
  struct Row {
    std::vector<std::vector<std::string>> cells;  // column -> lines
    bool rule_after = false;
  };
  std::vector<std::string> titles;
  std::vector<bool> right;  // right-aligned columns
  std::vector<Row> rows;
  std::vector<Row> footer;  // rendered after the closing rule
  bool rule_every_row = false;
  bool solid_rules = false;  // one continuous rule instead of one per column
  std::string indent;

  void add(std::vector<std::vector<std::string>> cells, bool rule_after = false) {
    rows.push_back({std::move(cells), rule_after});
  }
  void add_line(const std::vector<std::string>& cells, bool rule_after = false) {
    std::vector<std::vector<std::string>> c;
    for (const auto& s : cells) c.push_back({s});
    rows.push_back({std::move(c), rule_after});
  }
  void add_footer(const std::vector<std::string>& cells) {
    std::vector<std::vector<std::string>> c;
    for (const auto& s : cells) c.push_back({s});
    footer.push_back({std::move(c), false});
  }

  std::string render() const {
    const size_t n = titles.size();
    std::vector<size_t> w(n, 0);
    for (size_t i = 0; i < n; ++i) w[i] = titles[i].size();
    auto widen = [&](const std::vector<Row>& rs) {
      for (const auto& r : rs)
        for (size_t i = 0; i < n && i < r.cells.size(); ++i)
          for (const auto& l : r.cells[i]) w[i] = std::max(w[i], l.size());
    };
    widen(rows);
    widen(footer);
    size_t total = 0;
    for (size_t x : w) total += x + 1;
    auto rtrim = [](std::string s) {
      while (!s.empty() && s.back() == ' ') s.pop_back();
      return s;
    };
    std::string rule = indent;
    if (solid_rules) {
      rule += std::string(total > 0 ? total - 1 : 0, '-');
    } else {
      for (size_t i = 0; i < n; ++i) rule += std::string(w[i], '-') + (i + 1 < n ? " " : "");
    }
    rule += "\n";
    auto line = [&](const std::vector<std::string>& cells) {
      std::string s = indent;
      for (size_t i = 0; i < n; ++i) {
        const std::string v = i < cells.size() ? cells[i] : "";
        const std::string pad(w[i] > v.size() ? w[i] - v.size() : 0, ' ');
        s += (i < right.size() && right[i]) ? pad + v : v + pad;
        s += " ";
      }
      return rtrim(s) + "\n";
    };
    auto row_lines = [&](const Row& r) {
      std::string s;
      size_t h = 1;
      for (const auto& c : r.cells) h = std::max(h, c.size());
      for (size_t k = 0; k < h; ++k) {
        std::vector<std::string> cells;
        for (const auto& c : r.cells) cells.push_back(k < c.size() ? c[k] : "");
        s += line(cells);
      }
      return s;
    };
    std::string out = rule + line(titles) + rule;
    bool ruled = true;
    for (const auto& r : rows) {
      out += row_lines(r);
      ruled = rule_every_row || r.rule_after;
      if (ruled) out += rule;
    }
    if (!ruled) out += rule;
    for (const auto& r : footer) out += row_lines(r);
    return out;
  }
};

// "key : value" lines of the summaries.
std::string kv(const std::string& k, const std::string& v, size_t width = 18, const std::string& sep = ":   ") {
  std::string s = k;
  if (s.size() < width) s += std::string(width - s.size(), ' ');
  return s + " " + sep + v + "\n";
}

// ---------------------------------------------------------------- collected data

struct IoInfo {
  std::string name;
  DType dtype = DType::Undefined;
  Shape shape;
  size_t bytes = 0;
  size_t offset = 0;
  bool in_app = false;  // --no-inputs/outputs-allocation: the application's buffer
  std::optional<QuantParams> quant;
};

struct ModelRow {
  int m_id = -1;  // -1: graph input
  std::string name, type, op;
  std::vector<Shape> oshapes;
  bool placeholder = false;  // computes only from constants (folded away)
  int64_t params = 0;
  size_t param_bytes = 0;
  int64_t macc = 0;
  std::vector<std::string> connected;
  std::vector<int> c_layers;   // every C layer that stands (also) for this node
  std::vector<int> c_primary;  // C layers whose figures are counted here
  size_t c_rom = 0;
  int64_t c_macc = 0;
};

struct ArrayRow {
  int id = 0;
  std::string name;
  int64_t items = 0;
  size_t bytes = 0;
  std::string domain, pool, ctype, comment, dtype;
  Shape shape;
  std::optional<size_t> offset;
};

struct LayerTensor {
  std::string role;  // I S W O
  std::string name;
  std::string shape;  // "int8(1x30x10)", "" for scratch
  int array = -1;
};

struct LayerRow {
  const CLayer* L = nullptr;
  int m_id = -1;
  std::vector<int> origins;
  std::vector<LayerTensor> tensors;
};

struct OpType {
  std::string type;
  int64_t ops = 0;
};

struct ComplexityRow {
  int m_id = -1;
  std::string name;
  int64_t macc = 0;
  size_t rom = 0;
  std::vector<int> c_ids;
};

struct MacDiff {  // where model and C figures differ, by original op
  std::string op;
  int nodes = 0;
  int64_t model = 0, c = 0;
};

struct Data {
  std::string parameters, model_name, model_fmt, output_dir, workspace_dir;
  std::vector<IoInfo> inputs, outputs;
  std::vector<ModelRow> model_rows;
  int64_t params = 0;
  size_t param_bytes = 0, float_bytes = 0;
  size_t weights_total = 0;  // flash: model weights + kernel parameters
  std::vector<ArrayRow> arrays;
  std::vector<LayerRow> layers;
  std::vector<OpType> op_types;
  std::vector<ComplexityRow> complexity;
  std::vector<MacDiff> mac_diffs;
  std::vector<std::string> files;
  std::vector<std::string> notes;
};

bool counts_as_param(const Node& n, size_t idx, const Tensor& t) {
  static const std::set<std::string> qparams = {"QuantizeLinear", "DequantizeLinear", "DynamicQuantizeLinear"};
  static const std::set<std::string> shape_operands = {
      "Reshape", "Expand", "Slice", "Pad", "Resize", "Upsample", "Squeeze", "Unsqueeze", "Tile", "Split", "Clip",
      "ReduceSum", "ReduceMean", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceL1", "ReduceL2", "TopK",
      "ConstantOfShape", "Range", "OneHot"};
  if (idx >= 1 && (qparams.count(n.op) || shape_operands.count(n.op))) return false;
  if ((t.dtype == DType::I64 || t.dtype == DType::Bool || t.dtype == DType::String) && n.op.rfind("Gather", 0) != 0 &&
      n.op.rfind("Scatter", 0) != 0)
    return false;
  return true;
}

// The report's `type` line: the format the model was read from.
std::string model_type(const Graph& g) { return g.source == ModelFormat::TFLite ? "tflite" : "onnx"; }

std::string model_fmt(const Graph& g) {
  bool any = false, per_channel = false, w_sym = true, w_unsigned = false, a_asym = false, a_unsigned = false;
  if (g.source == ModelFormat::TFLite)  // quantization sits on the tensors: constants are weights
    for (const auto& t : g.tensors) {
      if (!t.quant || (t.dtype != DType::I8 && t.dtype != DType::U8)) continue;
      any = true;
      bool zero = true;
      for (int32_t z : t.quant->zero_point) zero = zero && z == 0;
      if (t.is_const) {
        per_channel = per_channel || t.quant->per_channel();
        w_sym = w_sym && zero;
        w_unsigned = w_unsigned || t.dtype == DType::U8;
      } else {
        a_asym = a_asym || !zero;
        a_unsigned = a_unsigned || t.dtype == DType::U8;
      }
    }
  for (const auto& n : g.nodes) {
    if (n.op != "QuantizeLinear" && n.op != "DequantizeLinear") continue;
    any = true;
    const bool weights = n.op == "DequantizeLinear" && n.in(0) != kNoTensor && g.t(n.in(0)).is_const;
    const TensorId s = n.in(1), z = n.in(2);
    const DType qt = n.op == "DequantizeLinear" ? g.t(n.in(0)).dtype
                                                : (z != kNoTensor ? g.t(z).dtype : DType::U8);
    bool zero = true;
    if (z != kNoTensor && g.t(z).is_const && !g.t(z).data.empty())
      for (int64_t v : g.t(z).as_int64()) zero = zero && v == 0;
    if (weights) {
      if (s != kNoTensor && g.t(s).elements() > 1) per_channel = true;
      if (qt == DType::I32) continue;  // biases say nothing about the weight format
      w_sym = w_sym && zero;
      w_unsigned = w_unsigned || qt == DType::U8;
    } else {
      a_asym = a_asym || !zero;
      a_unsigned = a_unsigned || qt == DType::U8;
    }
  }
  if (!any) return "float";
  return std::string(w_unsigned ? "u" : "s") + (w_sym ? "s" : "a") + "/" + (a_unsigned ? "u" : "s") +
         (a_asym ? "a" : "s") + (per_channel ? " per channel" : " per tensor");
}

// The original node a C layer's figures are counted under: the origin with the
// layer's name, else with the layer's op, else the first one.
int primary_origin(const Compiled& c, const CLayer& L) {
  const Node& n = c.lowered.nodes[static_cast<size_t>(L.node)];
  const int count = static_cast<int>(c.original.nodes.size());
  for (int o : n.origin)
    if (o >= 0 && o < count && c.original.nodes[static_cast<size_t>(o)].name == n.name) return o;
  for (int o : n.origin)
    if (o >= 0 && o < count && c.original.nodes[static_cast<size_t>(o)].op == n.op) return o;
  for (int o : n.origin)
    if (o >= 0 && o < count) return o;
  return -1;
}

std::string c_type_name(DType t, bool is_const) {
  std::string s = t == DType::F32 ? "float" : std::string(dtype_short(t));
  return is_const ? "const " + s : s;
}

Data collect(const Compiled& c, const std::vector<std::string>& files) {
  Data d;
  const auto& o = c.options;
  const Graph& g = c.original;
  const Graph& lg = c.lowered;

  d.parameters = o.command + " --model " + o.model + " --target " + std::string(o.target.series) + " --optimization " + optimization_name(o.optimization) +
                 " --name " + o.name;
  if (!o.workspace.empty()) d.parameters += " --workspace " + o.workspace;
  if (!o.output.empty()) d.parameters += " --output " + o.output;
  d.model_name = o.model;
  if (auto s = d.model_name.find_last_of('/'); s != std::string::npos) d.model_name = d.model_name.substr(s + 1);
  for (const std::string ext : {".onnx", ".tflite"})
    if (d.model_name.size() > ext.size() && d.model_name.compare(d.model_name.size() - ext.size(), ext.size(), ext) == 0)
      d.model_name.resize(d.model_name.size() - ext.size());
  d.model_fmt = model_fmt(g);
  d.output_dir = o.output.empty() ? "." : o.output;
  d.workspace_dir = o.workspace.empty() ? "(temporary folder, removed after the run)" : o.workspace;
  d.weights_total = c.code.weights_bytes + c.code.params_bytes;

  auto io = [&](TensorId id) {
    const Tensor& t = lg.t(id);
    IoInfo i;
    i.name = t.name;
    i.dtype = t.dtype;
    i.shape = t.shape;
    i.bytes = t.bytes();
    auto it = c.plan.offset.find(id);
    i.offset = it == c.plan.offset.end() ? 0 : it->second;
    i.in_app = c.plan.app_buffer.count(id) != 0;
    i.quant = t.quant;
    return i;
  };
  for (TensorId id : lg.inputs) d.inputs.push_back(io(id));
  for (TensorId id : lg.outputs) d.outputs.push_back(io(id));

  // ---- model layers (original graph)
  std::vector<char> const_derived(g.tensors.size(), 0);
  for (size_t i = 0; i < g.tensors.size(); ++i) const_derived[i] = g.tensors[i].is_const;
  std::vector<bool> placeholder(g.nodes.size(), false);
  for (size_t k = 0; k < g.nodes.size(); ++k) {
    const Node& n = g.nodes[k];
    bool all = true;
    for (TensorId t : n.inputs)
      if (t != kNoTensor && !const_derived[static_cast<size_t>(t)]) all = false;
    if (!all) continue;
    placeholder[k] = true;
    for (TensorId t : n.outputs)
      if (t != kNoTensor) const_derived[static_cast<size_t>(t)] = 1;
  }
  const auto by_origin = pipeline::layers_by_origin(c);
  std::map<int, std::vector<int>> primary;  // m_id -> C layers counted there
  std::vector<int> layer_primary(c.code.layers.size(), -1);
  for (size_t k = 0; k < c.code.layers.size(); ++k) {
    layer_primary[k] = primary_origin(c, c.code.layers[k]);
    primary[layer_primary[k]].push_back(c.code.layers[k].index);
  }

  for (TensorId id : g.inputs) {
    ModelRow r;
    r.name = g.t(id).name;
    r.type = "Input";
    r.oshapes = {g.t(id).shape};
    d.model_rows.push_back(r);
  }
  for (size_t k = 0; k < g.nodes.size(); ++k) {
    const Node& n = g.nodes[k];
    const ops::OpDef* def = ops::find_op(n.op);
    ModelRow r;
    r.m_id = static_cast<int>(k);
    r.name = n.name;
    r.op = n.op;
    r.placeholder = placeholder[k];
    r.type = r.placeholder ? "Placeholder" : (def && !def->c_layer_type.empty() ? def->c_layer_type : n.op);
    for (TensorId t : n.outputs)
      if (t != kNoTensor) r.oshapes.push_back(g.t(t).shape);
    std::set<TensorId> seen;
    for (size_t i = 0; i < n.inputs.size(); ++i) {
      const TensorId t = n.inputs[i];
      if (t == kNoTensor || !seen.insert(t).second) continue;
      const Tensor& tt = g.t(t);
      const bool cd = const_derived[static_cast<size_t>(t)];
      const bool param = cd && counts_as_param(n, i, tt);
      if (!cd || param) r.connected.push_back(tt.name);
      if (param && !r.placeholder) {
        // 64-bit indices count as the 32-bit values C kernels store (as ST does)
        const size_t es = tt.dtype == DType::I64 || tt.dtype == DType::U64 ? 4 : dtype_size(tt.dtype);
        r.params += tt.elements();
        r.param_bytes += static_cast<size_t>(tt.elements()) * es;
      }
    }
    // MACC with the rule of compile(): nodes reading only constants cost nothing.
    bool all_const = !n.inputs.empty();
    for (TensorId t : n.inputs)
      if (t != kNoTensor && !g.t(t).is_const) all_const = false;
    if (def && def->macc && !all_const && n.op != "Constant") {
      try {
        r.macc = def->macc(g, n);
      } catch (const std::exception&) {
      }
    }
    if (auto it = by_origin.find(r.m_id); it != by_origin.end()) r.c_layers = it->second;
    if (auto it = primary.find(r.m_id); it != primary.end()) r.c_primary = it->second;
    for (int l : r.c_primary) {
      r.c_rom += c.code.layers[static_cast<size_t>(l)].rom;
      r.c_macc += c.code.layers[static_cast<size_t>(l)].macc;
    }
    d.params += r.params;
    d.param_bytes += r.param_bytes;
    d.model_rows.push_back(r);
  }
  d.float_bytes = static_cast<size_t>(d.params) * 4;

  // ---- MACC differences by original op (for the notes)
  {
    std::map<std::string, MacDiff> diffs;
    std::vector<std::string> order;
    for (const auto& r : d.model_rows) {
      if (r.m_id < 0 || r.macc == r.c_macc) continue;
      if (!diffs.count(r.op)) order.push_back(r.op);
      auto& m = diffs[r.op];
      m.op = r.op;
      m.nodes++;
      m.model += r.macc;
      m.c += r.c_macc;
    }
    for (const auto& op : order) d.mac_diffs.push_back(diffs[op]);
  }

  // ---- C arrays: activations (planned tensors, scratch), then weights and kernel parameters
  std::map<TensorId, int> array_of_tensor;
  std::map<int, int> array_of_scratch;
  const auto views = plan::view_sources(lg);
  auto add_activation = [&](TensorId id) {
    if (id == kNoTensor || array_of_tensor.count(id)) return;
    auto it = c.plan.offset.find(id);
    if (it == c.plan.offset.end()) return;
    const Tensor& t = lg.t(id);
    ArrayRow a;
    a.id = static_cast<int>(d.arrays.size());
    a.name = t.name;
    a.items = t.elements();
    a.bytes = t.bytes();
    a.domain = "activations";
    a.pool = "**default**";
    a.offset = it->second;
    a.ctype = c_type_name(t.dtype, false);
    a.dtype = type_name(t.dtype);
    a.shape = t.shape;
    std::vector<std::string> cm;
    if (lg.is_graph_input(id)) cm.push_back("/input");
    if (lg.is_graph_output(id)) cm.push_back("/output");
    if (auto v = views.find(id); v != views.end() && array_of_tensor.count(v->second))
      cm.push_back("view of " + std::to_string(array_of_tensor[v->second]));
    for (size_t k = 0; k < cm.size(); ++k) a.comment += (k ? " " : "") + cm[k];
    array_of_tensor[id] = a.id;
    d.arrays.push_back(a);
  };
  for (TensorId id : lg.inputs) add_activation(id);
  for (size_t k = 0; k < lg.nodes.size(); ++k) {
    const Node& n = lg.nodes[k];
    for (TensorId t : n.inputs) add_activation(t);
    if (auto it = c.plan.scratch_offset.find(static_cast<int>(k)); it != c.plan.scratch_offset.end()) {
      ArrayRow a;
      a.id = static_cast<int>(d.arrays.size());
      a.name = n.name + "_scratch0";
      a.bytes = c.plan.scratch_size.at(static_cast<int>(k));
      a.items = static_cast<int64_t>(a.bytes);
      a.domain = "activations";
      a.pool = "**default**";
      a.offset = it->second;
      a.ctype = "u8";
      a.dtype = "uint8";
      a.comment = "scratch of c_id " + std::to_string(k);
      array_of_scratch[static_cast<int>(k)] = a.id;
      d.arrays.push_back(a);
    }
    for (TensorId t : n.outputs) add_activation(t);
  }
  for (const auto& [id, _] : c.plan.offset) add_activation(id);
  std::map<std::string, int> array_of_symbol;
  for (const auto& ca : c.code.arrays) {
    ArrayRow a;
    a.id = static_cast<int>(d.arrays.size());
    a.name = ca.symbol;
    a.items = ca.data.elements();
    a.bytes = ca.data.bytes();
    a.domain = ca.is_param ? "params" : "weights";
    a.pool = "weights";
    a.ctype = c_type_name(ca.data.dtype, true);
    a.dtype = type_name(ca.data.dtype);
    a.shape = ca.data.shape;
    a.comment = ca.is_param ? "kernel parameters of " + ca.source : "";
    array_of_symbol[ca.symbol] = a.id;
    d.arrays.push_back(a);
  }

  // ---- C layers
  for (size_t k = 0; k < c.code.layers.size(); ++k) {
    const CLayer& L = c.code.layers[k];
    const Node& n = lg.nodes[static_cast<size_t>(L.node)];
    LayerRow r;
    r.L = &L;
    r.m_id = layer_primary[k];
    r.origins = n.origin;
    auto act = [&](const std::string& role, TensorId t) {
      if (t == kNoTensor) return;
      const Tensor& tt = lg.t(t);
      LayerTensor x{role, tt.name, type_name(tt.dtype) + "(" + shape_x(tt.shape) + ")", -1};
      if (auto it = array_of_tensor.find(t); it != array_of_tensor.end()) x.array = it->second;
      r.tensors.push_back(x);
    };
    std::vector<LayerTensor> weights;
    std::set<int> listed;
    for (TensorId t : n.inputs) {
      if (t == kNoTensor) continue;
      const Tensor& tt = lg.t(t);
      if (!tt.is_const) {
        act("I", t);
        continue;
      }
      for (const auto& ca : c.code.arrays)
        if (ca.source == tt.name && ca.data.dtype == tt.dtype && ca.data.data == tt.data) {
          const int id = array_of_symbol[ca.symbol];
          if (listed.insert(id).second)
            weights.push_back({"W", ca.symbol, type_name(ca.data.dtype) + "(" + shape_x(ca.data.shape) + ")", id});
          break;
        }
    }
    for (const auto& sym : L.arrays) {
      const int id = array_of_symbol.count(sym) ? array_of_symbol[sym] : -1;
      if (id < 0 || !listed.insert(id).second) continue;
      const ArrayRow& a = d.arrays[static_cast<size_t>(id)];
      weights.push_back({"W", sym, a.dtype + "(" + shape_x(a.shape) + ")", id});
    }
    if (auto it = array_of_scratch.find(L.node); it != array_of_scratch.end())
      r.tensors.push_back({"S", d.arrays[static_cast<size_t>(it->second)].name, "", it->second});
    for (const auto& w : weights) r.tensors.push_back(w);
    for (TensorId t : n.outputs) act("O", t);
    d.layers.push_back(r);
  }

  // ---- operation types, in order of first use
  for (const auto& L : c.code.layers) {
    auto it = std::find_if(d.op_types.begin(), d.op_types.end(), [&](const OpType& t) { return t.type == L.op_class; });
    if (it == d.op_types.end()) {
      d.op_types.push_back({L.op_class, 0});
      it = d.op_types.end() - 1;
    }
    it->ops += L.macc;
  }

  // ---- complexity per original node (figures of the C layers counted there)
  for (const auto& r : d.model_rows)
    if (r.m_id >= 0 && !r.c_primary.empty()) d.complexity.push_back({r.m_id, r.name, r.c_macc, r.c_rom, r.c_primary});
  if (auto it = primary.find(-1); it != primary.end()) {
    ComplexityRow x{-1, "(no original node)", 0, 0, it->second};
    for (int l : it->second) {
      x.macc += c.code.layers[static_cast<size_t>(l)].macc;
      x.rom += c.code.layers[static_cast<size_t>(l)].rom;
    }
    d.complexity.push_back(x);
  }

  for (const auto& f : files) d.files.push_back(d.output_dir == "." ? f : d.output_dir + "/" + f);
  d.notes = c.log.notes;
  // what does not fit the series' largest part (flash: weights; RAM: activations + states)
  const auto& tg = c.options.target;
  if (tg.flash_bytes && c.code.blob_bytes > tg.flash_bytes)
    d.notes.push_back("warning: the weights (" + commas(c.code.blob_bytes) + " B) exceed the flash of the largest " +
                      std::string(tg.series) + " part (" + commas(tg.flash_bytes) + " B): external flash and "
                      "stai_" + c.options.name + "_set_weights, or another series");
  const size_t ram = c.plan.activations_bytes + c.plan.states_bytes;
  if (tg.ram_bytes && ram > tg.ram_bytes)
    d.notes.push_back("warning: the activations" + std::string(c.plan.states_bytes ? " and states (" : " (") +
                      commas(ram) + " B) exceed the RAM of the largest " + std::string(tg.series) + " part (" +
                      commas(tg.ram_bytes) + " B)");
  return d;
}

// ---------------------------------------------------------------- memory by section

// "h_out -> h_in, c_out -> c_in" for a stateful network.
std::string state_pairs_text(const Graph& g) {
  std::string s;
  for (const auto& p : g.states)
    s += (s.empty() ? "" : ", ") + g.t(g.outputs[p.out]).name + " -> " + g.t(g.inputs[p.in]).name;
  return s;
}

struct MemoryBySection {
  bool measured = false;
  std::string toolchain;
  std::vector<pipeline::SectionSizes> modules;  // runtime units and the network
  pipeline::SectionSizes rt, weights, activations, states, io, total;
  size_t rt_flash = 0, rt_ram = 0, total_flash = 0, total_ram = 0;
};

MemoryBySection memory_by_section(const Compiled& c) {
  MemoryBySection m;
  m.toolchain = c.sections_toolchain;
  m.measured = !c.sections.empty();
  const std::string data_obj = c.options.name + "_data.o";
  auto add = [](pipeline::SectionSizes& a, const pipeline::SectionSizes& b) {
    a.text += b.text;
    a.rodata += b.rodata;
    a.data += b.data;
    a.bss += b.bss;
  };
  m.rt.module = "RT total**";
  m.weights.module = "weights";
  m.activations.module = "activations";
  m.states.module = "states";
  m.io.module = "io";
  m.total.module = "TOTAL";
  if (!m.measured) return m;
  // runtime units first (eg_*.o), then the network (as ST lists the library before network.o)
  std::vector<pipeline::SectionSizes> rt_units, net;
  for (const auto& s : c.sections) {
    if (s.module == data_obj) {
      add(m.weights, s);
      continue;
    }
    (s.module.rfind("eg_", 0) == 0 ? rt_units : net).push_back(s);
  }
  m.modules = rt_units;
  m.modules.insert(m.modules.end(), net.begin(), net.end());
  for (const auto& s : m.modules) add(m.rt, s);
  m.activations.bss = c.plan.activations_bytes;
  m.states.bss = c.plan.states_bytes;
  for (const auto* s : {&m.rt, &m.weights, &m.activations, &m.states, &m.io}) add(m.total, *s);
  m.rt_flash = m.rt.text + m.rt.rodata + m.rt.data;
  m.rt_ram = m.rt.data + m.rt.bss;
  m.total_flash = m.total.text + m.total.rodata + m.total.data;
  m.total_ram = m.total.data + m.total.bss;
  return m;
}

double pct(size_t part, size_t whole) { return whole ? 100.0 * static_cast<double>(part) / static_cast<double>(whole) : 0.0; }

// ---------------------------------------------------------------- notes

std::vector<std::string> explanation(const Compiled& c, const Data& d) {
  std::vector<std::string> e;
  e.push_back("MACC rules (the model table and the C layers use the same OpDef::macc): Conv/Gemm/MatMul count "
              "their multiply-accumulates plus one per output channel for the bias; QuantizeLinear/"
              "DequantizeLinear (conversions) 2 per element; Transpose half an element; Relu/Clip one per "
              "element; per direction and batch item GRU T*(3H*I + 3H*H + 2H), LSTM T*(4H*I + 4H*H + 3H), RNN "
              "T*(H*I + H*H + H); pooling, element-wise and normalization ops about one per element; views "
              "(Reshape, Squeeze, Flatten...), Gather and nodes that read only constants 0.");
  e.push_back("model MACC " + commas(c.model_macc) + " vs c-model MACC " + commas(c.c_macc) + " (" +
              delta_str(c.c_macc - c.model_macc, c.model_macc) + "):");
  for (const auto& m : d.mac_diffs) {
    std::string why;
    if (m.op == "QuantizeLinear" || m.op == "DequantizeLinear")
      why = "conversions folded into int8 kernels (or fused into the float RNN kernels)";
    else if (m.op == "Transpose")
      why = "transposes composed, folded into the NHWC layout or turned into free views";
    else if (m.op == "Relu" || m.op == "Clip")
      why = "activation fused into the producing kernel (its clamp costs no separate pass)";
    else if (m.c == 0)
      why = "no separate C layer (folded, fused or a view)";
    else
      why = "the C layer computes a different amount of work";
    e.push_back("  " + m.op + " (" + std::to_string(m.nodes) + " node(s)): model " + commas(m.model) + ", C " +
                commas(m.c) + " (" + delta_str(m.c - m.model, m.model) + "): " + why);
  }
  e.push_back("weights (ro) " + commas(d.weights_total) + " B = model weights " + commas(c.code.weights_bytes) +
              " B + kernel parameters " + commas(c.code.params_bytes) +
              " B (requantization multipliers/shifts and other kernel metadata, 'params' in the C-Arrays table). "
              "The model's compute nodes read " + commas(d.params) + " constant elements ('params #'): " +
              commas(d.param_bytes) + " B as they read them" +
              (d.model_fmt == "float" ? std::string() : std::string(" (float after DequantizeLinear)")) + ", " +
              commas(d.float_bytes) + " B as float32, the 'float model' of the weights comparison.");
  for (const auto& line : compression_lines(c.sharing)) e.push_back(line);
  size_t app_bytes = 0;
  for (const auto* io : {&d.inputs, &d.outputs})
    for (const auto& i : *io)
      if (i.in_app) app_bytes += i.bytes;
  if (!c.plan.regions.empty()) {
    std::string split;
    for (const auto& r : c.plan.regions)
      split += (split.empty() ? "" : ", ") + r.name + " " + commas(r.bytes) + " of " + commas(r.capacity) + " B (bound " +
               commas(r.lower_bound) + ")";
    e.push_back("--memory-pool: the activations split over " + std::to_string(c.plan.regions.size()) +
                " regions, fastest first, the most used buffers in the fastest: " + split +
                "; one buffer per region (STAI_<NAME>_ACTIVATION_<r>).");
  }
  e.push_back("activations (rw) " + commas(c.plan.activations_bytes) + " B as planned; lower bound " +
              commas(c.plan.lower_bound) + " B (largest sum of simultaneously live bytes, " +
              (app_bytes ? std::string("kernel scratch included; ") + commas(app_bytes) +
                               " B of inputs/outputs are the application's buffers, read and written in place "
                               "(--no-inputs/outputs-allocation), not in the activations)."
                         : std::string("inputs, outputs and kernel scratch included).")));
  return e;
}

// ---------------------------------------------------------------- text

std::string io_line(const IoInfo& i) {
  std::string s = "'" + i.name + "', " + type_name(i.dtype) + "(" + shape_x(i.shape) + "), " + commas(i.bytes) +
                  " Bytes, ";
  if (i.quant && !i.quant->scale.empty())
    s += "QLinear(" + scale_str(i.quant->scale[0]) + "," + std::to_string(i.quant->zero_point.empty() ? 0 : i.quant->zero_point[0]) +
         "," + std::string(dtype_name(i.dtype)) + "), ";
  return s + (i.in_app ? "the application's buffer (not in the activations)" : "activations");
}

std::string bar_cell(double percent, double max_percent) {
  const int n = max_percent > 0 ? std::max(1, static_cast<int>(std::lround(16.0 * percent / max_percent))) : 1;
  std::string bars(static_cast<size_t>(n), '|');
  bars += std::string(17 - std::min<size_t>(17, bars.size()), ' ');
  std::string p = fixed1(percent) + "%";
  if (p.size() < 6) p = std::string(6 - p.size(), ' ') + p;
  return bars + p;
}

}  // namespace

std::string to_text(const Compiled& c, const std::vector<std::string>& files) {
  const Data d = collect(c, files);
  const auto& o = c.options;
  std::ostringstream s;
  const std::string long_rule(135, '-');

  // ---- header
  s << "edgegen " << version() << "\n";
  s << kv("Parameters", d.parameters, 21, ": ") << "\n";

  // ---- exec summary
  s << "Exec/report summary (" << o.command << ")\n" << long_rule << "\n";
  s << kv("model file", o.model) << kv("type", model_type(c.original)) << kv("c_name", o.name) << kv("compression", compression_summary(c.sharing))
    << kv("options", "allocate-inputs, allocate-outputs, use-st-ai") << kv("optimization", optimization_name(o.optimization))
    << kv("target/series", std::string(o.target.series)) << kv("workspace dir", d.workspace_dir) << kv("output dir", d.output_dir)
    << kv("model_fmt", d.model_fmt) << kv("model_name", d.model_name) << kv("model_hash", c.model_hash)
    << kv("params #", commas(d.params) + " items (" + human_bytes(d.param_bytes) + ")") << long_rule << "\n";
  for (size_t k = 0; k < d.inputs.size(); ++k)
    s << kv("input " + std::to_string(k + 1) + "/" + std::to_string(d.inputs.size()), io_line(d.inputs[k]));
  for (size_t k = 0; k < d.outputs.size(); ++k)
    s << kv("output " + std::to_string(k + 1) + "/" + std::to_string(d.outputs.size()), io_line(d.outputs[k]));
  const int64_t wdelta = static_cast<int64_t>(d.weights_total) - static_cast<int64_t>(d.float_bytes);
  const std::string wd = delta_str(wdelta, static_cast<int64_t>(d.float_bytes));
  s << kv("macc", commas(c.c_macc))
    << kv("weights (ro)", commas(d.weights_total) + " B (" + human_bytes(d.weights_total) + ") (1 segment)" +
                              (wd.empty() ? "" : " / " + wd + " vs float model"))
    << kv("activations (rw)",
          commas(c.plan.activations_bytes) + " B (" + human_bytes(c.plan.activations_bytes) + ") " +
              segments_text(c.plan) + " *")
    << (c.plan.states_bytes ? kv("states (rw)", commas(c.plan.states_bytes) + " B (" +
                                                    human_bytes(c.plan.states_bytes) + ") (1 segment, persistent) " +
                                                    state_pairs_text(c.lowered))
                            : std::string())
    << kv("ram (total)", commas(c.plan.activations_bytes + c.plan.states_bytes) + " B (" +
                             human_bytes(c.plan.activations_bytes + c.plan.states_bytes) + ") = " +
                             commas(c.plan.activations_bytes) + " + 0 + 0" +
                             (c.plan.states_bytes ? " + " + commas(c.plan.states_bytes) + " (states)" : ""))
    << long_rule << "\n(*) 'input'/'output' buffers are allocated in the activations buffer\n\n";

  // ---- model layers
  {
    s << "Model name - " << d.model_name << "\n";
    Table t;
    t.titles = {"m_id", "layer (type,original)", "oshape", "param/size", "macc", "connected to", "", "c_size",
                "c_macc", "c_type"};
    t.right = {false, false, false, false, true, true, false, false, false, false};
    t.rule_every_row = true;
    for (const auto& r : d.model_rows) {
      std::string oshape;
      for (const auto& sh : r.oshapes) oshape += shape_brackets(sh);
      std::vector<std::string> conn;
      for (const auto& x : r.connected) conn.push_back(shorten(x));
      if (conn.empty()) conn.push_back("");
      std::vector<std::string> bar(conn.size(), "|");
      std::string ctype;
      if (!r.c_layers.empty()) {
        for (int l : r.c_layers) ctype += c.code.layers[static_cast<size_t>(l)].type + "_/";
        ctype.pop_back();
        ctype += id_list(r.c_layers);
      }
      t.add({{r.m_id < 0 ? "-" : std::to_string(r.m_id)},
             {shorten(r.name) + " (" + r.type + ", " + r.op + ")"},
             {oshape},
             {r.params ? commas(r.params) + "/" + commas(r.param_bytes) : ""},
             {r.macc ? commas(r.macc) : ""},
             conn,
             bar,
             {delta_str(static_cast<int64_t>(r.c_rom) - static_cast<int64_t>(r.param_bytes),
                        static_cast<int64_t>(r.param_bytes))},
             {delta_str(r.c_macc - r.macc, r.macc)},
             {ctype}});
    }
    s << t.render();
    const int64_t pb = static_cast<int64_t>(d.param_bytes);
    auto with_delta = [](const std::string& d) { return d.empty() ? d : " " + d; };
    s << "model/c-model: macc=" << commas(c.model_macc) << "/" << commas(c.c_macc)
      << with_delta(delta_str(c.c_macc - c.model_macc, c.model_macc)) << " weights=" << commas(d.param_bytes)
      << "/" << commas(d.weights_total) << with_delta(delta_str(static_cast<int64_t>(d.weights_total) - pb, pb))
      << " activations=--/" << commas(c.plan.activations_bytes) << " io=--/0\n\n\n\n";
  }

  // ---- C graph summary
  {
    s << "Generated C-graph summary\n" << std::string(120, '-') << "\n";
    auto names = [](const std::vector<IoInfo>& v) {
      std::string r = "[";
      for (size_t k = 0; k < v.size(); ++k) r += (k ? ", '" : "'") + v[k].name + "'";
      return r + "]";
    };
    s << kv("model name", d.model_name, 21, ": ") << kv("c-name", o.name, 21, ": ")
      << kv("c-node #", std::to_string(c.code.layers.size()), 21, ": ")
      << kv("c-array #", std::to_string(d.arrays.size()), 21, ": ")
      << kv("activations size", std::to_string(c.plan.activations_bytes) + " " + segments_text(c.plan), 21, ": ")
      << kv("weights size", std::to_string(d.weights_total) + " (1 segment)", 21, ": ")
      << kv("macc", std::to_string(c.c_macc), 21, ": ") << kv("inputs", names(d.inputs), 21, ": ")
      << kv("outputs", names(d.outputs), 21, ": ") << "\n";
  }

  // ---- C arrays
  {
    s << "C-Arrays (" << d.arrays.size() << ")\n";
    Table t;
    t.titles = {"c_id", "name (*_array)", "item/size", "domain/mem-pool", "offset", "c-type", "comment"};
    t.right = {false, false, false, false, true, false, false};
    for (const auto& a : d.arrays)
      t.add_line({std::to_string(a.id), a.name, commas(a.items) + "/" + commas(a.bytes), a.domain + "/" + a.pool,
                  a.offset ? std::to_string(*a.offset) : "", a.ctype, a.comment});
    s << t.render() << "\n";
  }

  // ---- C layers
  {
    s << "C-Layers (" << d.layers.size() << ")\n";
    Table t;
    t.titles = {"c_id", "name (*_layer)", "id", "layer_type", "macc", "rom", "tensors", "shape (array id)"};
    t.rule_every_row = true;
    for (const auto& r : d.layers) {
      std::vector<std::string> tens, shapes;
      for (const auto& x : r.tensors) {
        tens.push_back(x.role + ": " + x.name);
        shapes.push_back(x.shape.empty() && x.array >= 0 ? "(" + std::to_string(x.array) + ")"
                         : x.array >= 0                  ? x.shape + " (" + std::to_string(x.array) + ")"
                                                         : x.shape);
      }
      t.add({{std::to_string(r.L->index)},
             {r.L->name},
             {r.m_id < 0 ? "-" : std::to_string(r.m_id)},
             {r.L->is_view ? r.L->type + " (view, no code)" : r.L->type},
             {std::to_string(r.L->macc)},
             {std::to_string(r.L->rom)},
             tens,
             shapes});
    }
    s << t.render() << "\n\n\n";
  }

  // ---- operations
  {
    s << "Number of operations per c-layer\n";
    Table t;
    t.titles = {"c_id", "m_id", "name (type)", "#op", "type"};
    t.right = {false, false, false, true, true};
    for (const auto& r : d.layers)
      t.add_line({std::to_string(r.L->index), r.m_id < 0 ? "-" : std::to_string(r.m_id),
                  shorten(r.L->name) + " (" + r.L->type + ")", commas(r.L->macc), r.L->op_class});
    t.add_footer({"total", "", "", commas(c.c_macc), ""});
    s << t.render() << "\n";

    s << "Number of operation types\n";
    Table u;
    u.titles = {"operation type", "#", "%"};
    u.right = {false, true, true};
    for (const auto& x : d.op_types)
      u.add_line({x.type, commas(x.ops), fixed1(pct(static_cast<size_t>(x.ops), static_cast<size_t>(c.c_macc))) + "%"});
    s << u.render() << "\n";
  }

  // ---- complexity
  {
    s << "Complexity report (model)\n";
    Table t;
    t.titles = {"m_id", "name", "c_macc", "c_rom", "c_id"};
    double max_m = 0, max_r = 0;
    for (const auto& x : d.complexity) {
      max_m = std::max(max_m, pct(static_cast<size_t>(x.macc), static_cast<size_t>(c.c_macc)));
      max_r = std::max(max_r, pct(x.rom, d.weights_total));
    }
    for (const auto& x : d.complexity)
      t.add_line({x.m_id < 0 ? "-" : std::to_string(x.m_id), shorten(x.name),
                  bar_cell(pct(static_cast<size_t>(x.macc), static_cast<size_t>(c.c_macc)), max_m),
                  bar_cell(pct(x.rom, d.weights_total), max_r), id_list(x.c_ids)});
    s << t.render();
    s << "macc=" << commas(c.c_macc) << " weights=" << commas(d.weights_total)
      << " act=" << commas(c.plan.activations_bytes) << " ram_io=0\n\n";
  }

  // ---- memory by section
  {
    const MemoryBySection m = memory_by_section(c);
    s << " Requested memory size by section - \"" << o.target.series << "\" target\n";
    if (!m.measured) {
      s << " not measured: "
        << (m.toolchain.empty() ? "the generated C was not compiled" : m.toolchain) << "\n\n";
    } else {
      Table t;
      t.indent = " ";
      t.titles = {"module", "text", "rodata", "data", "bss"};
      t.right = {false, true, true, true, true};
      auto row = [&](const pipeline::SectionSizes& x, bool rule_after) {
        t.add_line({x.module, commas(x.text), commas(x.rodata), commas(x.data), commas(x.bss)}, rule_after);
      };
      for (size_t k = 0; k < m.modules.size(); ++k) row(m.modules[k], k + 1 == m.modules.size());
      row(m.rt, true);
      row(m.weights, false);
      row(m.activations, false);
      row(m.states, false);
      row(m.io, true);
      row(m.total, true);
      s << t.render();
      s << " ** RT: runtime objects (kernels) and the network, compiled with " << m.toolchain << "\n\n";

      s << "  Summary - \"" << o.target.series << "\" target\n";
      Table u;
      u.indent = "  ";
      u.solid_rules = true;
      u.titles = {"", "FLASH (ro)", "%*", "RAM (rw)", "%"};
      u.right = {false, true, true, true, true};
      u.add_line({"RT total", commas(m.rt_flash), fixed1(pct(m.rt_flash, m.total_flash)) + "%", commas(m.rt_ram),
                  fixed1(pct(m.rt_ram, m.total_ram)) + "%"},
                 true);
      u.add_line({"TOTAL", commas(m.total_flash), "", commas(m.total_ram), ""}, true);
      s << u.render() << "  *  rt/total\n\n";
    }
  }

  // ---- notes
  {
    s << "Notes\n" << std::string(120, '-') << "\n";
    s << "passes:\n";
    for (const auto& n : d.notes) s << "- " << n << "\n";
    s << "figures:\n";
    for (const auto& n : explanation(c, d)) s << (n.rfind("  ", 0) == 0 ? n : "- " + n) << "\n";
    s << "\n";
  }

  // ---- files
  {
    s << "Generated files (" << d.files.size() << ")\n" << std::string(84, '-') << "\n";
    for (const auto& f : d.files) s << f << "\n";
  }
  return s.str();
}

// ---------------------------------------------------------------- JSON

namespace {

nlohmann::json io_json(const IoInfo& i) {
  nlohmann::json j = {{"name", i.name},         {"dtype", std::string(dtype_name(i.dtype))},
                      {"format", emit::stai_format(i.dtype)},
                      {"shape", i.shape},       {"bytes", i.bytes},
                      {"size", i.bytes / std::max<size_t>(dtype_size(i.dtype), 1)},
                      {"offset", i.offset},     {"allocated_in", i.in_app ? "application" : "activations"}};
  if (i.quant && !i.quant->scale.empty()) {
    j["scale"] = static_cast<double>(i.quant->scale[0]);
    j["zero_point"] = i.quant->zero_point.empty() ? 0 : i.quant->zero_point[0];
  } else {
    j["scale"] = nullptr;
    j["zero_point"] = nullptr;
  }
  return j;
}

nlohmann::json sizes_json(const pipeline::SectionSizes& x) {
  return {{"module", x.module}, {"text", x.text}, {"rodata", x.rodata}, {"data", x.data}, {"bss", x.bss}};
}

}  // namespace

nlohmann::json to_json(const Compiled& c, const std::vector<std::string>& files) {
  const Data d = collect(c, files);
  const auto& o = c.options;
  nlohmann::json j;
  j["tool"] = {{"name", "edgegen"}, {"version", version()}};
  j["parameters"] = d.parameters;
  j["summary"] = {{"command", o.command},
                  {"model_file", o.model},
                  {"type", model_type(c.original)},
                  {"c_name", o.name},
                  {"compression", compression_name(c.sharing.level)},
                  {"options", {"allocate-inputs", "allocate-outputs", "use-st-ai"}},
                  {"optimization", optimization_name(o.optimization)},
                  {"target", std::string(o.target.series)},
                  {"workspace_dir", d.workspace_dir},
                  {"output_dir", d.output_dir},
                  {"model_fmt", d.model_fmt},
                  {"model_name", d.model_name},
                  {"model_hash", c.model_hash},
                  {"params_items", d.params},
                  {"params_bytes", d.param_bytes},
                  {"float_model_weights_bytes", d.float_bytes},
                  {"macc", c.c_macc},
                  {"model_macc", c.model_macc},
                  {"weights_bytes", d.weights_total},
                  {"model_weights_bytes", c.code.weights_bytes},
                  {"kernel_params_bytes", c.code.params_bytes},
                  {"activations_bytes", c.plan.activations_bytes},
                  {"activations_lower_bound", c.plan.lower_bound},
                  {"io_bytes", 0},
                  {"states_bytes", c.plan.states_bytes},
                  {"ram_total_bytes", c.plan.activations_bytes + c.plan.states_bytes}};
  // the keys ST Edge AI Core's network_c_info.json gives tools: the buffers in bytes
  size_t in_bytes = 0, out_bytes = 0;
  const MemoryBySection sizes = memory_by_section(c);
  bool io_in_activations = true;
  for (const auto& i : d.inputs) in_bytes += i.bytes, io_in_activations = io_in_activations && !i.in_app;
  for (const auto& i : d.outputs) out_bytes += i.bytes, io_in_activations = io_in_activations && !i.in_app;
  nlohmann::json regions = nlohmann::json::array();
  for (const auto& r : c.plan.regions)
    regions.push_back({{"name", r.name}, {"bytes", r.bytes}, {"capacity", r.capacity}, {"lower_bound", r.lower_bound}});
  if (compression_policy(c.sharing.level).enabled) j["compression"] = compression_json(c.sharing);
  j["memory_footprint"] = {{"activations", c.plan.activations_bytes},
                           {"activations_regions", regions},
                           {"weights", c.code.blob_bytes},
                           {"io", {in_bytes, out_bytes}},
                           {"io_in_activations", io_in_activations},
                           {"states", c.plan.states_bytes},
                           {"kernel_flash", sizes.measured ? nlohmann::json(sizes.rt_flash) : nlohmann::json(nullptr)},
                           {"kernel_ram", sizes.measured ? nlohmann::json(sizes.rt_ram) : nlohmann::json(nullptr)},
                           {"series", std::string(o.target.series)}};
  j["inputs"] = nlohmann::json::array();
  for (const auto& i : d.inputs) j["inputs"].push_back(io_json(i));
  j["outputs"] = nlohmann::json::array();
  for (const auto& i : d.outputs) j["outputs"].push_back(io_json(i));

  auto& ml = j["model_layers"] = nlohmann::json::array();
  for (const auto& r : d.model_rows) {
    nlohmann::json x = {{"m_id", r.m_id < 0 ? nlohmann::json(nullptr) : nlohmann::json(r.m_id)},
                        {"name", r.name},
                        {"type", r.type},
                        {"original", r.op},
                        {"oshape", r.oshapes},
                        {"params", r.params},
                        {"param_bytes", r.param_bytes},
                        {"macc", r.macc},
                        {"connected_to", r.connected},
                        {"c_layers", r.c_layers},
                        {"c_layers_counted", r.c_primary},
                        {"c_rom", r.c_rom},
                        {"c_macc", r.c_macc},
                        {"c_size_delta", static_cast<int64_t>(r.c_rom) - static_cast<int64_t>(r.param_bytes)},
                        {"c_macc_delta", r.c_macc - r.macc}};
    std::vector<std::string> types;
    for (int l : r.c_layers) types.push_back(c.code.layers[static_cast<size_t>(l)].type);
    x["c_types"] = types;
    ml.push_back(x);
  }
  j["model_c_model"] = {{"model_macc", c.model_macc},
                        {"c_macc", c.c_macc},
                        {"model_weights_bytes", d.param_bytes},
                        {"c_weights_bytes", d.weights_total},
                        {"c_activations_bytes", c.plan.activations_bytes},
                        {"c_io_bytes", 0}};
  j["c_graph"] = {{"model_name", d.model_name},
                  {"c_name", o.name},
                  {"c_nodes", c.code.layers.size()},
                  {"c_arrays", d.arrays.size()},
                  {"activations_bytes", c.plan.activations_bytes},
                  {"weights_bytes", d.weights_total},
                  {"macc", c.c_macc}};
  j["c_graph"]["inputs"] = nlohmann::json::array();
  for (const auto& i : d.inputs) j["c_graph"]["inputs"].push_back(i.name);
  j["c_graph"]["outputs"] = nlohmann::json::array();
  for (const auto& i : d.outputs) j["c_graph"]["outputs"].push_back(i.name);

  auto& ca = j["c_arrays"] = nlohmann::json::array();
  for (const auto& a : d.arrays)
    ca.push_back({{"c_id", a.id},
                  {"name", a.name},
                  {"items", a.items},
                  {"bytes", a.bytes},
                  {"domain", a.domain},
                  {"mem_pool", a.pool},
                  {"offset", a.offset ? nlohmann::json(*a.offset) : nlohmann::json(nullptr)},
                  {"c_type", a.ctype},
                  {"shape", a.shape},
                  {"comment", a.comment}});

  auto& cl = j["c_layers"] = nlohmann::json::array();
  for (const auto& r : d.layers) {
    nlohmann::json ts = nlohmann::json::array();
    for (const auto& x : r.tensors)
      ts.push_back({{"role", x.role},
                    {"name", x.name},
                    {"shape", x.shape},
                    {"array", x.array < 0 ? nlohmann::json(nullptr) : nlohmann::json(x.array)}});
    cl.push_back({{"c_id", r.L->index},
                  {"name", r.L->name},
                  {"m_id", r.m_id < 0 ? nlohmann::json(nullptr) : nlohmann::json(r.m_id)},
                  {"origins", r.origins},
                  {"layer_type", r.L->type},
                  {"op", r.L->op},
                  {"macc", r.L->macc},
                  {"rom", r.L->rom},
                  {"op_class", r.L->op_class},
                  {"is_view", r.L->is_view},
                  {"tensors", ts}});
  }

  auto& obt = j["ops_by_type"] = nlohmann::json::array();
  for (const auto& x : d.op_types)
    obt.push_back({{"type", x.type},
                   {"ops", x.ops},
                   {"percent", round1(pct(static_cast<size_t>(x.ops), static_cast<size_t>(c.c_macc)))}});
  j["ops_total"] = c.c_macc;

  auto& cx = j["complexity"] = nlohmann::json::array();
  for (const auto& x : d.complexity)
    cx.push_back({{"m_id", x.m_id < 0 ? nlohmann::json(nullptr) : nlohmann::json(x.m_id)},
                  {"name", x.name},
                  {"c_macc", x.macc},
                  {"c_macc_percent", round1(pct(static_cast<size_t>(x.macc), static_cast<size_t>(c.c_macc)))},
                  {"c_rom", x.rom},
                  {"c_rom_percent", round1(pct(x.rom, d.weights_total))},
                  {"c_ids", x.c_ids}});

  const MemoryBySection m = memory_by_section(c);
  nlohmann::json mem = {{"target", std::string(o.target.series)}, {"measured", m.measured}, {"toolchain", m.toolchain}};
  if (m.measured) {
    mem["modules"] = nlohmann::json::array();
    for (const auto& x : m.modules) mem["modules"].push_back(sizes_json(x));
    mem["rt_total"] = sizes_json(m.rt);
    mem["weights"] = sizes_json(m.weights);
    mem["activations"] = sizes_json(m.activations);
    mem["states"] = sizes_json(m.states);
    mem["io"] = sizes_json(m.io);
    mem["total"] = sizes_json(m.total);
    j["summary_flash_ram"] = {{"rt_total", {{"flash", m.rt_flash}, {"ram", m.rt_ram}}},
                              {"total", {{"flash", m.total_flash}, {"ram", m.total_ram}}},
                              {"rt_flash_percent", round1(pct(m.rt_flash, m.total_flash))},
                              {"rt_ram_percent", round1(pct(m.rt_ram, m.total_ram))}};
  } else {
    j["summary_flash_ram"] = nullptr;
  }
  j["memory_by_section"] = mem;

  nlohmann::json notes = d.notes;
  for (const auto& n : explanation(c, d)) notes.push_back(n.rfind("  ", 0) == 0 ? n.substr(2) : n);
  j["notes"] = notes;
  j["files"] = d.files;
  return j;
}

}  // namespace eg::report
