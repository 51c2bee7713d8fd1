#include "tflite/import.h"

#include <flatbuffers/flatbuffers.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "tflite/builtin_ops.h"
#include "tflite_schema_generated.h"
#include "util/error.h"

namespace eg::tflite_import {
namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(path, "cannot open file");
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

DType dtype_of(tflite::TensorType t) {
  switch (t) {
    case tflite::TensorType_FLOAT32: return DType::F32;
    case tflite::TensorType_INT32: return DType::I32;
    case tflite::TensorType_UINT8: return DType::U8;
    case tflite::TensorType_INT64: return DType::I64;
    case tflite::TensorType_BOOL: return DType::Bool;
    case tflite::TensorType_INT16: return DType::I16;
    case tflite::TensorType_INT8: return DType::I8;
    case tflite::TensorType_FLOAT64: return DType::F64;
    case tflite::TensorType_FLOAT16: return DType::F16;
    default: return DType::Other;
  }
}

// Every index read from the file is checked against its table before use.
struct Reader {
  const std::string& path;
  const std::string& bytes;
  const tflite::Model* model;

  template <class V>
  size_t index(int64_t i, const V* vec, const std::string& what) const {
    const int64_t n = vec ? static_cast<int64_t>(vec->size()) : 0;
    if (i < 0 || i >= n)
      fail(path, what + " index " + std::to_string(i) + " out of range (the model has " + std::to_string(n) + ")");
    return static_cast<size_t>(i);
  }

  // The payload of buffer b: inside the flatbuffer, or (offset > 1) further in the file.
  std::pair<const uint8_t*, size_t> buffer(uint32_t b, const std::string& tensor) const {
    if (b == 0) return {nullptr, 0};  // buffer 0 is the empty sentinel
    const auto* buf = model->buffers()->Get(static_cast<flatbuffers::uoffset_t>(index(b, model->buffers(), "buffer")));
    if (buf->offset() > 1) {
      const uint64_t off = buf->offset(), size = buf->size();
      if (off > bytes.size() || size > bytes.size() - off)
        fail(path, "tensor '" + tensor + "': buffer " + std::to_string(b) + " lies past the end of the file");
      return {reinterpret_cast<const uint8_t*>(bytes.data()) + off, static_cast<size_t>(size)};
    }
    if (!buf->data()) return {nullptr, 0};
    return {buf->data()->data(), buf->data()->size()};
  }
};

Tensor make_tensor(const Reader& r, const tflite::Tensor& tt, size_t index) {
  Tensor t;
  t.name = tt.name() ? tt.name()->str() : "tensor_" + std::to_string(index);
  t.dtype = dtype_of(tt.type());
  t.shape_known = true;
  int64_t elements = 1;  // checked as it grows: a corrupt shape must not overflow
  if (tt.shape())
    for (int32_t d : *tt.shape()) {
      if (d < 0) fail(r.path, "tensor '" + t.name + "' has a dynamic dimension (" + std::to_string(d) + ")");
      if (t.shape.size() >= 8) fail(r.path, "tensor '" + t.name + "' has more than 8 dimensions");
      t.shape.push_back(d);
      elements *= d;
      if (elements > (int64_t{1} << 30)) fail(r.path, "tensor '" + t.name + "' is too large");
    }
  if (const auto* q = tt.quantization(); q && q->scale() && q->scale()->size() > 0) {
    QuantParams qp;
    for (float s : *q->scale()) qp.scale.push_back(s);
    if (q->zero_point())
      for (int64_t z : *q->zero_point()) qp.zero_point.push_back(static_cast<int32_t>(z));
    if (qp.zero_point.empty()) qp.zero_point.assign(qp.scale.size(), 0);
    if (qp.zero_point.size() != qp.scale.size())
      fail(r.path, "tensor '" + t.name + "' has " + std::to_string(qp.scale.size()) + " scales but " +
                       std::to_string(qp.zero_point.size()) + " zero points");
    qp.axis = qp.scale.size() > 1 ? q->quantized_dimension() : 0;
    if (qp.per_channel() && (qp.axis < 0 || qp.axis >= static_cast<int>(t.shape.size()) ||
                             t.shape[static_cast<size_t>(qp.axis)] != static_cast<int64_t>(qp.scale.size())))
      fail(r.path, "tensor '" + t.name + "': " + std::to_string(qp.scale.size()) +
                       " quantization scales do not match its dimension " + std::to_string(qp.axis));
    for (float s : qp.scale)
      if (!(s > 0.0f) || !std::isfinite(s)) fail(r.path, "tensor '" + t.name + "' has a non-positive quantization scale");
    t.quant = qp;
  }
  auto [data, size] = r.buffer(tt.buffer(), t.name);
  if (data && size > 0) {
    const size_t esize = dtype_size(t.dtype);
    if (!esize || size != static_cast<size_t>(elements) * esize)
      fail(r.path, "tensor '" + t.name + "' holds " + std::to_string(size) + " bytes, its type and shape " +
                       shape_str(t.shape) + " need " + std::to_string(static_cast<size_t>(elements) * esize));
    t.data.assign(data, data + size);
    t.is_const = true;
  }
  return t;
}

}  // namespace

bool is_tflite_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  char head[8] = {};
  if (!in.read(head, 8)) return false;
  return flatbuffers::BufferHasIdentifier(head, tflite::ModelIdentifier());
}

bool is_tflite(const std::string& bytes) {
  return bytes.size() >= 8 && flatbuffers::BufferHasIdentifier(bytes.data(), tflite::ModelIdentifier());
}

Graph load_model(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::exists(path, ec)) fail(path, "file not found");
  return parse_model(read_file(path), path);
}

Graph parse_model(const std::string& bytes, const std::string& path) {
  if (bytes.size() < 8 || !flatbuffers::BufferHasIdentifier(bytes.data(), tflite::ModelIdentifier()))
    fail(path, "not a TensorFlow Lite model (no TFL3 identifier)");
  // The buffer is checked whole before anything is read from it: offsets, vtables,
  // vectors and strings inside the data, nesting depth, table count.
  flatbuffers::Verifier verifier(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(),
                                 /*max_depth=*/64, /*max_tables=*/4000000);
  if (!tflite::VerifyModelBuffer(verifier))
    fail(path, "corrupt or truncated TensorFlow Lite model (flatbuffer verification failed)");
  const tflite::Model* model = tflite::GetModel(bytes.data());
  const Reader r{path, bytes, model};
  if (model->version() != 3)
    fail(path, "TensorFlow Lite schema version " + std::to_string(model->version()) + " (only version 3 is read)");
  if (!model->subgraphs() || model->subgraphs()->size() == 0) fail(path, "the model has no subgraph");
  if (model->subgraphs()->size() > 1)
    fail(path, "the model has " + std::to_string(model->subgraphs()->size()) +
                   " subgraphs (control flow); only single-subgraph models are supported");
  const tflite::SubGraph* sg = model->subgraphs()->Get(0);
  if (!sg->tensors() || !sg->operators() || sg->operators()->size() == 0) fail(path, "the subgraph has no operators");

  Graph g;
  g.model_path = path;
  g.name = sg->name() ? sg->name()->str() : "";
  g.source = ModelFormat::TFLite;
  for (size_t i = 0; i < sg->tensors()->size(); ++i)
    g.add_tensor(make_tensor(r, *sg->tensors()->Get(static_cast<flatbuffers::uoffset_t>(i)), i));
  auto tensor_id = [&](int32_t i, const std::string& what) -> TensorId {
    if (i == -1) return kNoTensor;  // an omitted optional input
    return static_cast<TensorId>(r.index(i, sg->tensors(), what));
  };
  if (sg->inputs())
    for (int32_t i : *sg->inputs()) g.inputs.push_back(tensor_id(i, "graph input tensor"));
  if (sg->outputs())
    for (int32_t i : *sg->outputs()) g.outputs.push_back(tensor_id(i, "graph output tensor"));
  for (TensorId in : g.inputs)
    if (in == kNoTensor || g.t(in).is_const) fail(path, "a graph input is constant or absent");

  int index = 0;
  for (const tflite::Operator* op : *sg->operators()) {
    const size_t oc = r.index(op->opcode_index(), model->operator_codes(), "operator code");
    const tflite::OperatorCode* code = model->operator_codes()->Get(static_cast<flatbuffers::uoffset_t>(oc));
    const int32_t builtin = std::max<int32_t>(code->deprecated_builtin_code(), code->builtin_code());
    Node n;
    n.op = builtin_name(builtin);
    if (n.op == "CUSTOM") n.op = "CUSTOM:" + (code->custom_code() ? code->custom_code()->str() : std::string("?"));
    n.name = n.op + "_" + std::to_string(index);
    n.origin = {index++};
    if (op->inputs())
      for (int32_t i : *op->inputs()) n.inputs.push_back(tensor_id(i, "operator " + n.name + " input"));
    if (op->outputs())
      for (int32_t i : *op->outputs()) {
        const TensorId o = tensor_id(i, "operator " + n.name + " output");
        if (o == kNoTensor || g.t(o).is_const) fail(path, "operator " + n.name + " writes a constant or absent tensor");
        n.outputs.push_back(o);
      }
    if (n.outputs.empty()) fail(path, "operator " + n.name + " has no output");
    read_options(*op, n);
    g.nodes.push_back(std::move(n));
  }
  for (TensorId id : g.outputs)
    if (id == kNoTensor || (g.producer(id) < 0 && !g.is_graph_input(id)))
      fail(path, "a graph output is produced by no operator");
  return g;
}

}  // namespace eg::tflite_import
