#include "ir/graph.h"

#include <algorithm>
#include <set>

#include "util/checked.h"

namespace eg {

int64_t num_elements(const Shape& s) {
  int64_t n = 1;
  for (int64_t d : s) n = checked_mul(n, d);
  return n;
}

size_t Tensor::bytes() const {
  const int64_t n = checked_mul(elements(), static_cast<int64_t>(dtype_size(dtype)));
  if (n < 0) throw SizeOverflow("tensor '" + name + "' has a negative dimension");
  return static_cast<size_t>(n);
}

std::string tensor_size_problem(const Tensor& t, int64_t max_bytes) {
  for (int64_t d : t.shape) {
    if (d < 0) return "tensor '" + t.name + "' has a negative dimension (" + shape_str(t.shape) + ")";
    if (d > kMaxDim)
      return "tensor '" + t.name + "' has a dimension above 2^31-1 (" + std::to_string(d) + ")";
  }
  // An empty tensor is measured as if its zero axes were 1: ops build per-axis tables as long as
  // its other axes, so [0, 2e9, 2e9] must not pass because it holds no element.
  int64_t bytes = static_cast<int64_t>(std::max<size_t>(dtype_size(t.dtype), 1));
  for (int64_t d : t.shape)
    if (__builtin_mul_overflow(bytes, std::max<int64_t>(d, 1), &bytes))
      return "tensor '" + t.name + "' (" + shape_str(t.shape) + ") has a size that overflows 64 bits";
  const bool empty = std::find(t.shape.begin(), t.shape.end(), 0) != t.shape.end();
  if (bytes > max_bytes)
    return "tensor '" + t.name + "' (" + shape_str(t.shape) + ", " + std::string(dtype_name(t.dtype)) + ") would take " +
           std::to_string(bytes) + " bytes" + (empty ? " with its empty axes as 1" : "") + ", above the limit of " + std::to_string(max_bytes) +
           " (--max-tensor-bytes raises it)";
  return "";
}

std::string shape_str(const Shape& s, char sep) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (i) out += sep;
    out += std::to_string(s[i]);
  }
  return out.empty() ? "1" : out;
}

template <class T>
static void widen(const Tensor& t, std::vector<int64_t>& out) {
  for (T v : t.values<T>()) out.push_back(static_cast<int64_t>(v));
}
template <class T>
static void widen_f(const Tensor& t, std::vector<float>& out) {
  for (T v : t.values<T>()) out.push_back(static_cast<float>(v));
}

std::vector<int64_t> Tensor::as_int64() const {
  std::vector<int64_t> out;
  switch (dtype) {
    case DType::I8: widen<int8_t>(*this, out); break;
    case DType::U8: widen<uint8_t>(*this, out); break;
    case DType::Bool: widen<uint8_t>(*this, out); break;
    case DType::I16: widen<int16_t>(*this, out); break;
    case DType::U16: widen<uint16_t>(*this, out); break;
    case DType::I32: widen<int32_t>(*this, out); break;
    case DType::U32: widen<uint32_t>(*this, out); break;
    case DType::I64: widen<int64_t>(*this, out); break;
    case DType::U64: widen<uint64_t>(*this, out); break;
    case DType::F32: widen<float>(*this, out); break;
    case DType::F64: widen<double>(*this, out); break;
    default: break;
  }
  return out;
}

std::vector<float> Tensor::as_float() const {
  std::vector<float> out;
  switch (dtype) {
    case DType::I8: widen_f<int8_t>(*this, out); break;
    case DType::U8: widen_f<uint8_t>(*this, out); break;
    case DType::Bool: widen_f<uint8_t>(*this, out); break;
    case DType::I16: widen_f<int16_t>(*this, out); break;
    case DType::U16: widen_f<uint16_t>(*this, out); break;
    case DType::I32: widen_f<int32_t>(*this, out); break;
    case DType::U32: widen_f<uint32_t>(*this, out); break;
    case DType::I64: widen_f<int64_t>(*this, out); break;
    case DType::U64: widen_f<uint64_t>(*this, out); break;
    case DType::F32: widen_f<float>(*this, out); break;
    case DType::F64: widen_f<double>(*this, out); break;
    default: break;
  }
  return out;
}

int64_t Node::attr_int(const std::string& k, int64_t dflt) const {
  auto it = attrs.find(k);
  if (it == attrs.end()) return dflt;
  if (auto* v = std::get_if<int64_t>(&it->second)) return *v;
  if (auto* f = std::get_if<float>(&it->second)) return static_cast<int64_t>(*f);
  return dflt;
}

float Node::attr_float(const std::string& k, float dflt) const {
  auto it = attrs.find(k);
  if (it == attrs.end()) return dflt;
  if (auto* v = std::get_if<float>(&it->second)) return *v;
  if (auto* i = std::get_if<int64_t>(&it->second)) return static_cast<float>(*i);
  return dflt;
}

std::string Node::attr_string(const std::string& k, const std::string& dflt) const {
  auto it = attrs.find(k);
  if (it == attrs.end()) return dflt;
  if (auto* v = std::get_if<std::string>(&it->second)) return *v;
  return dflt;
}

std::vector<int64_t> Node::attr_ints(const std::string& k, std::vector<int64_t> dflt) const {
  auto it = attrs.find(k);
  if (it == attrs.end()) return dflt;
  if (auto* v = std::get_if<std::vector<int64_t>>(&it->second)) return *v;
  if (auto* i = std::get_if<int64_t>(&it->second)) return {*i};
  return dflt;
}

std::vector<float> Node::attr_floats(const std::string& k, std::vector<float> dflt) const {
  auto it = attrs.find(k);
  if (it == attrs.end()) return dflt;
  if (auto* v = std::get_if<std::vector<float>>(&it->second)) return *v;
  if (auto* f = std::get_if<float>(&it->second)) return {*f};
  return dflt;
}

const Tensor* Node::attr_tensor(const std::string& k) const {
  auto it = attrs.find(k);
  if (it == attrs.end()) return nullptr;
  return std::get_if<Tensor>(&it->second);
}

const Graph* Node::attr_graph(const std::string& k) const {
  auto it = attrs.find(k);
  if (it == attrs.end()) return nullptr;
  auto* g = std::get_if<Subgraph>(&it->second);
  return g ? g->get() : nullptr;
}

TensorId Graph::add_tensor(Tensor t) {
  tensors.push_back(std::move(t));
  return static_cast<TensorId>(tensors.size() - 1);
}

std::optional<TensorId> Graph::find_tensor(const std::string& name) const {
  for (size_t i = 0; i < tensors.size(); ++i)
    if (tensors[i].name == name) return static_cast<TensorId>(i);
  return std::nullopt;
}

int Graph::producer(TensorId id) const {
  for (size_t n = 0; n < nodes.size(); ++n)
    for (TensorId o : nodes[n].outputs)
      if (o == id) return static_cast<int>(n);
  return -1;
}

std::vector<int> Graph::consumers(TensorId id) const {
  std::vector<int> out;
  for (size_t n = 0; n < nodes.size(); ++n)
    for (TensorId i : nodes[n].inputs)
      if (i == id) {
        out.push_back(static_cast<int>(n));
        break;
      }
  return out;
}

bool Graph::is_graph_output(TensorId id) const {
  return std::find(outputs.begin(), outputs.end(), id) != outputs.end();
}

bool Graph::is_graph_input(TensorId id) const {
  return std::find(inputs.begin(), inputs.end(), id) != inputs.end();
}

bool Graph::is_state_input(size_t input_index) const {
  for (const auto& s : states)
    if (s.in == input_index) return true;
  return false;
}

bool Graph::is_state_output(size_t output_index) const {
  for (const auto& s : states)
    if (s.out == output_index) return true;
  return false;
}

std::string Graph::unique_name(const std::string& base) const {
  std::set<std::string> used;
  for (const auto& t : tensors) used.insert(t.name);
  if (!used.count(base)) return base;
  for (int i = 1;; ++i) {
    std::string cand = base + "_" + std::to_string(i);
    if (!used.count(cand)) return cand;
  }
}

void Graph::compact() {
  std::vector<bool> used(tensors.size(), false);
  for (const auto& n : nodes) {
    for (TensorId i : n.inputs)
      if (i >= 0) used[static_cast<size_t>(i)] = true;
    for (TensorId o : n.outputs)
      if (o >= 0) used[static_cast<size_t>(o)] = true;
  }
  for (TensorId i : inputs) used[static_cast<size_t>(i)] = true;
  for (TensorId o : outputs) used[static_cast<size_t>(o)] = true;
  std::vector<TensorId> remap(tensors.size(), kNoTensor);
  std::vector<Tensor> kept;
  for (size_t i = 0; i < tensors.size(); ++i) {
    if (!used[i]) continue;
    remap[i] = static_cast<TensorId>(kept.size());
    kept.push_back(std::move(tensors[i]));
  }
  tensors = std::move(kept);
  auto fix = [&](std::vector<TensorId>& v) {
    for (auto& id : v)
      if (id >= 0) id = remap[static_cast<size_t>(id)];
  };
  for (auto& n : nodes) {
    fix(n.inputs);
    fix(n.outputs);
  }
  fix(inputs);
  fix(outputs);
}

}  // namespace eg
