#include "onnx/import.h"

#include <onnx/onnx_pb.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <unordered_map>
#include <unordered_set>

#include "ir/graph_check.h"
#include "onnx/schema_rules.h"
#include "util/error.h"
#include "util/text.h"

namespace eg::onnx_import {
namespace {

template <class Dst, class Src>
void append_values(std::vector<uint8_t>& out, const Src& src) {
  for (auto v : src) {
    Dst d = static_cast<Dst>(v);
    const auto* p = reinterpret_cast<const uint8_t*>(&d);
    out.insert(out.end(), p, p + sizeof(Dst));
  }
}

Tensor decode_tensor(const onnx::TensorProto& tp, const std::string& model, int64_t max_bytes) {
  Tensor t;
  t.name = tp.name();
  t.dtype = dtype_from_onnx(tp.data_type());
  if (t.dtype == DType::Undefined) fail(model, "tensor '" + tp.name() + "' has no data type (UNDEFINED)");
  t.shape.assign(tp.dims().begin(), tp.dims().end());
  t.shape_known = true;
  t.is_const = true;
  if (tp.data_location() == onnx::TensorProto::EXTERNAL)
    fail(model, "tensor '" + tp.name() + "' uses external data, which is not supported");
  // dims are checked before the payload is copied: no overflow, nothing above the limit
  if (const std::string why = tensor_size_problem(t, max_bytes); !why.empty()) fail(model, why);
  const size_t n = static_cast<size_t>(num_elements(t.shape));
  const size_t esize = dtype_size(t.dtype);
  if (tp.has_raw_data()) {
    const std::string& raw = tp.raw_data();
    t.data.assign(raw.begin(), raw.end());
  } else {
    switch (t.dtype) {
      case DType::F32: append_values<float>(t.data, tp.float_data()); break;
      case DType::F64: append_values<double>(t.data, tp.double_data()); break;
      case DType::I64: append_values<int64_t>(t.data, tp.int64_data()); break;
      case DType::U32:
      case DType::U64: append_values<uint64_t>(t.data, tp.uint64_data()); break;
      case DType::I32: append_values<int32_t>(t.data, tp.int32_data()); break;
      case DType::I8: append_values<int8_t>(t.data, tp.int32_data()); break;
      case DType::U8: append_values<uint8_t>(t.data, tp.int32_data()); break;
      case DType::I16: append_values<int16_t>(t.data, tp.int32_data()); break;
      case DType::U16:
      case DType::F16:
      case DType::BF16: append_values<uint16_t>(t.data, tp.int32_data()); break;
      case DType::Bool: append_values<uint8_t>(t.data, tp.int32_data()); break;
      default: break;  // strings and exotic types keep no payload
    }
    if (t.dtype == DType::U32) {  // stored in uint64_data, narrow
      std::vector<uint8_t> narrow;
      append_values<uint32_t>(narrow, tp.uint64_data());
      t.data = std::move(narrow);
    }
  }
  if (esize && dtype_is_compilable(t.dtype) && t.data.size() != n * esize)
    fail(model, "tensor '" + tp.name() + "' holds " + std::to_string(t.data.size()) +
                    " bytes, expected " + std::to_string(n * esize));
  return t;
}

// Reads dtype and shape. Symbolic or unknown dims become 1 and are listed in `symbolic` (compile
// pins them, see Graph::symbolic_dims); a graph input's stated dims must be 0..2^31-1.
void read_type(const onnx::TypeProto& tp, Tensor& t, std::vector<std::pair<size_t, std::string>>* symbolic = nullptr,
               const std::string* model = nullptr) {
  if (!tp.has_tensor_type()) {
    t.dtype = DType::Other;
    return;
  }
  const auto& tt = tp.tensor_type();
  t.dtype = dtype_from_onnx(tt.elem_type());
  if (!tt.has_shape()) return;
  t.shape.clear();
  bool known = true;
  for (const auto& d : tt.shape().dim()) {
    if (model && d.has_dim_value() && (d.dim_value() < -1 || d.dim_value() > kMaxDim))
      fail(*model, "graph input '" + t.name + "' has dimension " + std::to_string(d.dim_value()) + " at axis " +
                       std::to_string(t.shape.size()) + " (dims are 0..2^31-1)");
    if (d.has_dim_value() && d.dim_value() >= 0) {
      t.shape.push_back(d.dim_value());
    } else {
      // A symbolic dim: microcontroller code is static; compile pins it (see Graph::symbolic_dims).
      if (symbolic) symbolic->emplace_back(t.shape.size(), d.dim_param());
      t.shape.push_back(1);
      known = known && (d.has_dim_param() || d.has_dim_value());
    }
  }
  t.shape_known = known;
}

AttrValue decode_attr(const onnx::AttributeProto& a, const std::string& model, int64_t max_bytes) {
  switch (a.type()) {
    case onnx::AttributeProto::INT: return static_cast<int64_t>(a.i());
    case onnx::AttributeProto::FLOAT: return a.f();
    case onnx::AttributeProto::STRING: return a.s();
    case onnx::AttributeProto::INTS: return std::vector<int64_t>(a.ints().begin(), a.ints().end());
    case onnx::AttributeProto::FLOATS: return std::vector<float>(a.floats().begin(), a.floats().end());
    case onnx::AttributeProto::STRINGS:
      return std::vector<std::string>(a.strings().begin(), a.strings().end());
    case onnx::AttributeProto::TENSOR: return decode_tensor(a.t(), model, max_bytes);
    default: return std::string("<unsupported attribute type>");
  }
}

// ONNX names are UTF-8 strings; other bytes would reach the C, the report and the JSON.
void check_names_utf8(const Graph& g, const std::string& path) {
  auto check = [&](const std::string& what, const std::string& name) {
    if (!text::valid_utf8(name)) fail(path, what + " name " + text::quoted(name) + " is not valid UTF-8");
  };
  for (const auto& t : g.tensors) check("tensor", t.name);
  for (const auto& n : g.nodes) {
    check("node", n.name);
    check("op", n.op);
  }
}

// The default-domain opset: present once, and one edgegen knows.
int64_t default_opset(const onnx::ModelProto& mp, const std::string& path) {
  int64_t opset = 0;
  for (const auto& op : mp.opset_import()) {
    if (!op.domain().empty() && op.domain() != "ai.onnx") continue;
    if (opset != 0 && op.version() != opset) fail(path, "the model imports two ai.onnx opsets");
    opset = op.version();
  }
  if (opset == 0) fail(path, "the model imports no ai.onnx opset");
  if (opset < 1 || opset > kNewestOpset)
    fail(path, "ai.onnx opset " + std::to_string(opset) + " is not one edgegen knows (1.." + std::to_string(kNewestOpset) + ")");
  return opset;
}

struct ImportContext {
  std::string path;
  int64_t opset = 1;
  int64_t ir_version = 0;
  int64_t max_tensor_bytes = kDefaultMaxTensorBytes;
};

// One graph (the model's, or a control-flow body): initializers, inputs, value infos, outputs and
// nodes, with name lookups hashed (linear time). A body may read tensors it does not define (outer
// scope): they stay plain named tensors with no producer, resolved when the body is inlined; so
// only the model's graph goes through check_graph.
Graph import_graph(const onnx::GraphProto& gp, const ImportContext& cx, bool is_body) {
  const std::string& path = cx.path;
  Graph g;
  g.model_path = path;
  g.name = gp.name();
  g.opset = cx.opset;
  g.max_tensor_bytes = cx.max_tensor_bytes;
  std::unordered_map<std::string, TensorId> by_name;
  auto add = [&](Tensor t) {
    const std::string name = t.name;
    const TensorId id = g.add_tensor(std::move(t));
    by_name.emplace(name, id);
    return id;
  };
  auto get_or_add = [&](const std::string& name) -> TensorId {
    if (auto it = by_name.find(name); it != by_name.end()) return it->second;
    Tensor t;
    t.name = name;
    return add(std::move(t));
  };
  for (const auto& init : gp.initializer()) {
    if (by_name.count(init.name())) fail(path, "initializer '" + init.name() + "' is defined twice");
    add(decode_tensor(init, path, cx.max_tensor_bytes));
  }
  for (const auto& vi : gp.input()) {
    if (auto it = by_name.find(vi.name()); it != by_name.end()) {
      // IR < 4 lists every initializer as a graph input too: a constant. From IR 4 on it
      // would be an input the caller may override, which static code cannot honour.
      if (g.t(it->second).is_const && (cx.ir_version < 4 || is_body)) continue;
      fail(path, g.t(it->second).is_const
                     ? "graph input '" + vi.name() + "' is also an initializer (an overridable input; static code needs it "
                       "to be one or the other)"
                     : "graph input '" + vi.name() + "' is listed twice");
    }
    Tensor t;
    t.name = vi.name();
    std::vector<std::pair<size_t, std::string>> symbolic;
    read_type(vi.type(), t, &symbolic, &path);
    g.inputs.push_back(add(std::move(t)));
    if (!symbolic.empty()) g.symbolic_dims[g.inputs.back()] = symbolic;
  }
  // value_info and output types are hints (inference recomputes them); a graph input keeps its own
  const std::unordered_set<TensorId> input_ids(g.inputs.begin(), g.inputs.end());
  for (const auto& vi : gp.value_info()) {
    TensorId id = get_or_add(vi.name());
    if (!g.t(id).is_const && !input_ids.count(id)) read_type(vi.type(), g.t(id));
  }
  for (const auto& vi : gp.output()) {
    TensorId id = get_or_add(vi.name());
    if (!g.t(id).is_const && !input_ids.count(id)) read_type(vi.type(), g.t(id));
    g.outputs.push_back(id);
  }

  int index = 0;
  for (const auto& np : gp.node()) {
    Node n;
    n.name = np.name().empty() ? np.op_type() + "_" + std::to_string(index) : np.name();
    n.domain = np.domain() == "ai.onnx" ? "" : np.domain();
    n.op = n.domain.empty() ? np.op_type() : n.domain + "." + np.op_type();
    n.origin = {index++};
    for (const auto& a : np.attribute()) {
      if (a.type() == onnx::AttributeProto::GRAPH) {
        n.attrs[a.name()] = std::make_shared<const Graph>(import_graph(a.g(), cx, true));
        continue;
      }
      if (a.type() == onnx::AttributeProto::GRAPHS) {
        n.attrs[a.name()] = std::string("<subgraphs>");
        continue;
      }
      n.attrs[a.name()] = decode_attr(a, path, cx.max_tensor_bytes);
    }
    for (const auto& i : np.input()) n.inputs.push_back(i.empty() ? kNoTensor : get_or_add(i));
    for (const auto& o : np.output()) n.outputs.push_back(o.empty() ? kNoTensor : get_or_add(o));
    n.input_types = schema_input_types(n, cx.opset, path);
    g.nodes.push_back(std::move(n));
  }
  check_names_utf8(g, path);
  if (!is_body) check_graph(g);
  return g;
}

}  // namespace

std::string read_model_file(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::exists(path, ec)) fail(path, "file not found");
  if (fs::is_directory(path, ec)) fail(path, "is a directory, expected an .onnx file");
  // a FIFO or a device would block or never end: only regular files are read
  if (!fs::is_regular_file(path, ec)) fail(path, "is not a regular file, expected an .onnx file");
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(path, "cannot open file");
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

Graph load_model(const std::string& path, int64_t max_tensor_bytes) {
  return parse_model(read_model_file(path), path, max_tensor_bytes);
}

Graph parse_model(const std::string& bytes, const std::string& path, int64_t max_tensor_bytes) {
  if (bytes.empty()) fail(path, "file is empty, not an ONNX model");
  onnx::ModelProto mp;
  if (!mp.ParseFromString(bytes)) fail(path, "not a valid ONNX model (protobuf parse failed; truncated or not ONNX)");
  if (!mp.has_graph() || mp.graph().node_size() == 0)
    fail(path, "not a valid ONNX model (no graph or no nodes)");
  ImportContext cx;
  cx.path = path;
  cx.opset = default_opset(mp, path);
  cx.ir_version = mp.ir_version();
  cx.max_tensor_bytes = max_tensor_bytes;
  return import_graph(mp.graph(), cx, false);
}

Tensor load_tensor_pb(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(path, "cannot open tensor file");
  std::stringstream buf;
  buf << in.rdbuf();
  onnx::TensorProto tp;
  if (!tp.ParseFromString(buf.str())) fail(path, "not a serialized onnx.TensorProto");
  return decode_tensor(tp, path, kDefaultMaxTensorBytes);
}

void save_tensor_pb(const Tensor& t, const std::string& path) {
  onnx::TensorProto tp;
  tp.set_name(t.name);
  static const std::pair<DType, int> kMap[] = {
      {DType::F32, 1}, {DType::U8, 2},  {DType::I8, 3},  {DType::U16, 4}, {DType::I16, 5},
      {DType::I32, 6}, {DType::I64, 7}, {DType::Bool, 9}, {DType::F64, 11}};
  for (auto [d, e] : kMap)
    if (d == t.dtype) tp.set_data_type(e);
  for (int64_t d : t.shape) tp.add_dims(d);
  tp.set_raw_data(std::string(t.data.begin(), t.data.end()));
  std::ofstream out(path, std::ios::binary);
  if (!tp.SerializeToOstream(&out)) fail(path, "cannot write tensor file");
}

}  // namespace eg::onnx_import
