// The typed graph every stage works on: tensors (dtype, shape, quantization,
// constant payload), nodes (op, attributes, inputs/outputs by tensor id).
#pragma once
#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "ir/dtype.h"
#include "ir/optimization.h"

namespace eg {

using Shape = std::vector<int64_t>;
using TensorId = int;
constexpr TensorId kNoTensor = -1;  // an omitted optional input

// Product of the dims; throws SizeOverflow instead of wrapping.
int64_t num_elements(const Shape& s);
std::string shape_str(const Shape& s, char sep = 'x');  // "1x30x10"

// Default of --max-tensor-bytes: far above any microcontroller's memory; refusing larger
// tensors (before allocating them) bounds the compiler's time and memory on hostile models.
constexpr int64_t kDefaultMaxTensorBytes = int64_t{64} << 20;
// Largest dim: the runtime kernels index with int32.
constexpr int64_t kMaxDim = 0x7fffffff;

// Affine quantization: real = (q - zero_point) * scale. One entry = per tensor,
// otherwise one per slice along `axis`.
struct QuantParams {
  std::vector<float> scale;
  std::vector<int32_t> zero_point;
  int axis = 0;
  bool per_channel() const { return scale.size() > 1; }
  bool operator==(const QuantParams&) const = default;
};

struct Tensor {
  std::string name;
  DType dtype = DType::Undefined;
  Shape shape;
  bool shape_known = false;
  std::optional<QuantParams> quant;  // set when integer values stand for reals
  bool is_const = false;
  std::vector<uint8_t> data;         // constant payload, little-endian, row-major

  int64_t elements() const { return num_elements(shape); }
  size_t bytes() const;  // elements x element size; throws SizeOverflow instead of wrapping

  template <class T>
  std::span<const T> values() const {
    return {reinterpret_cast<const T*>(data.data()), data.size() / sizeof(T)};
  }
  template <class T>
  std::span<T> mutable_values() {
    return {reinterpret_cast<T*>(data.data()), data.size() / sizeof(T)};
  }
  // Constant values widened to int64 / float (for shapes, indices, scalars).
  std::vector<int64_t> as_int64() const;
  std::vector<float> as_float() const;
};

// Why `t`'s shape cannot be compiled ("" when it can): a negative dim or one above kMaxDim,
// an element count or byte size that overflows, or more than max_bytes bytes.
std::string tensor_size_problem(const Tensor& t, int64_t max_bytes);

// A constant tensor made from typed values.
template <class T>
Tensor make_const(std::string name, DType dtype, Shape shape, const std::vector<T>& v) {
  Tensor t;
  t.name = std::move(name);
  t.dtype = dtype;
  t.shape = std::move(shape);
  t.shape_known = true;
  t.is_const = true;
  t.data.resize(v.size() * sizeof(T));
  if (!v.empty()) std::memcpy(t.data.data(), v.data(), t.data.size());
  return t;
}

struct Graph;  // for subgraph attributes

// A control-flow body (If branches, Loop/Scan body): its own tensors; names it reads but does not
// define refer to the enclosing graph (outer scope).
using Subgraph = std::shared_ptr<const Graph>;
using AttrValue = std::variant<int64_t, float, std::string, std::vector<int64_t>, std::vector<float>,
                               std::vector<std::string>, Tensor, Subgraph>;

// What an op's ONNX schema says about one input's type: inputs sharing a type parameter must share
// a dtype; some inputs have one fixed type (Reshape's shape is int64).
struct InputTypeRule {
  int8_t param = -1;               // >= 0: the schema's type parameter; inputs with the same one match
  DType fixed = DType::Undefined;  // the required type when not a parameter; Undefined: none
};

struct Node {
  std::string name;
  std::string op;      // ONNX op type (domain-qualified when not ai.onnx, e.g. "com.microsoft.X")
  std::string domain;  // "" for ai.onnx
  std::vector<TensorId> inputs;
  std::vector<TensorId> outputs;
  std::map<std::string, AttrValue> attrs;
  std::vector<int> origin;  // indices of the imported ONNX nodes this node stands for (m_id)
  // per input, from the ai.onnx schema at import (checked by ops::infer_shapes); empty: not checked
  std::vector<InputTypeRule> input_types;

  bool has_attr(const std::string& k) const { return attrs.count(k) != 0; }
  int64_t attr_int(const std::string& k, int64_t dflt) const;
  float attr_float(const std::string& k, float dflt) const;
  std::string attr_string(const std::string& k, const std::string& dflt) const;
  std::vector<int64_t> attr_ints(const std::string& k, std::vector<int64_t> dflt = {}) const;
  std::vector<float> attr_floats(const std::string& k, std::vector<float> dflt = {}) const;
  const Tensor* attr_tensor(const std::string& k) const;
  const Graph* attr_graph(const std::string& k) const;
  // Input i, or kNoTensor when absent.
  TensorId in(size_t i) const { return i < inputs.size() ? inputs[i] : kNoTensor; }
};

// The format a graph was imported from (the report's `type` line; TFLite graphs
// carry TFLite's own operators and semantics).
enum class ModelFormat { Onnx, TFLite };

struct Graph {
  std::string name;
  ModelFormat source = ModelFormat::Onnx;
  std::string model_path;
  int64_t opset = 13;
  // --optimization; stages read policy(optimization), never the mode itself.
  Optimization optimization = Optimization::Time;
  // the --target's cores run the runtime's DSP int8 paths (toolchain::Target::kernels() is not
  // Portable): the emitter asks runtime/eg_conv_path.h which of them read what
  bool dsp_kernels = false;
  int64_t max_tensor_bytes = kDefaultMaxTensorBytes;  // --max-tensor-bytes
  std::vector<Tensor> tensors;
  std::vector<Node> nodes;  // in a valid topological (execution) order
  std::vector<TensorId> inputs;
  std::vector<TensorId> outputs;
  // A stateful network (generate --stateful): graph output `out` (index into outputs) is fed back
  // as graph input `in` (index into inputs) at the next call; both live in the persistent states
  // buffer instead of being application inputs/outputs.
  struct StatePair {
    size_t in = 0, out = 0;
  };
  std::vector<StatePair> states;
  // Graph inputs whose model shape has symbolic (or unknown) dims: axis and dim name ("" when
  // unnamed). The importer sets them to 1; compile pins them (--input-shape, batch) or fails.
  std::map<TensorId, std::vector<std::pair<size_t, std::string>>> symbolic_dims;
  // Graph inputs/outputs (by name) whose layout was asked against the model's own
  // (--inputs/outputs-ch-position): true when channels last. Others follow the model's format.
  std::map<std::string, bool> io_channels_last;
  bool is_state_input(size_t input_index) const;
  bool is_state_output(size_t output_index) const;

  TensorId add_tensor(Tensor t);
  std::optional<TensorId> find_tensor(const std::string& name) const;
  Tensor& t(TensorId id) { return tensors.at(static_cast<size_t>(id)); }
  const Tensor& t(TensorId id) const { return tensors.at(static_cast<size_t>(id)); }

  // Index of the node producing `id`, or -1 for graph inputs and constants.
  int producer(TensorId id) const;
  // Indices of the nodes reading `id`.
  std::vector<int> consumers(TensorId id) const;
  bool is_graph_output(TensorId id) const;
  bool is_graph_input(TensorId id) const;
  // A name not used by any tensor yet, derived from `base`.
  std::string unique_name(const std::string& base) const;
  // Drop tensors no node or graph input/output refers to (renumbers ids).
  void compact();
};

}  // namespace eg
