#include "passes/io_format.h"

#include <numeric>

#include "ops/registry.h"
#include "util/error.h"

namespace eg::passes {
namespace {

template <class T>
T requested(const std::vector<T>& v, size_t k, size_t count, const std::string& what, const Graph& g) {
  if (v.empty()) return T::Keep;
  if (v.size() != 1 && v.size() != count)
    throw CompileError(g.model_path + ": " + what + " lists " + std::to_string(v.size()) + " values for " +
                       std::to_string(count) + " tensors");
  return v.size() == 1 ? v[0] : v[k];
}

bool channels_last_model(const Graph& g) { return g.source == ModelFormat::TFLite; }

// perm such that Transpose(from_layout tensor) gives the other layout.
std::vector<int64_t> to_last(size_t r) {
  std::vector<int64_t> p{0};
  for (size_t i = 2; i < r; ++i) p.push_back(static_cast<int64_t>(i));
  p.push_back(1);
  return p;
}
std::vector<int64_t> to_first(size_t r) {
  std::vector<int64_t> p{0, static_cast<int64_t>(r - 1)};
  for (size_t i = 1; i + 1 < r; ++i) p.push_back(static_cast<int64_t>(i));
  return p;
}

// A new tensor taking over `id`'s name (the name the application sees); `id` gets a derived one.
TensorId take_name(Graph& g, TensorId id, const std::string& suffix, DType dt, const Shape& shape) {
  Tensor t;
  t.name = g.t(id).name;
  t.dtype = dt;
  t.shape = shape;
  t.shape_known = true;
  g.t(id).name = g.unique_name(t.name + suffix);
  return g.add_tensor(std::move(t));
}

Node make_node(const std::string& name, const std::string& op, std::vector<TensorId> in, std::vector<TensorId> out) {
  Node n;
  n.name = name;
  n.op = op;
  n.inputs = std::move(in);
  n.outputs = std::move(out);
  return n;
}

TensorId scalar(Graph& g, const std::string& base, float v) {
  return g.add_tensor(make_const(g.unique_name(base), DType::F32, {}, std::vector<float>{v}));
}
TensorId scalar(Graph& g, const std::string& base, DType dt, int32_t v) {
  if (dt == DType::U8)
    return g.add_tensor(make_const(g.unique_name(base), dt, {}, std::vector<uint8_t>{static_cast<uint8_t>(v)}));
  return g.add_tensor(make_const(g.unique_name(base), dt, {}, std::vector<int8_t>{static_cast<int8_t>(v)}));
}

const char* type_name(IoType t) {
  switch (t) {
    case IoType::Float32: return "float32";
    case IoType::Int8: return "int8";
    case IoType::UInt8: return "uint8";
    default: return "keep";
  }
}

DType dtype_of(IoType t) {
  return t == IoType::Float32 ? DType::F32 : t == IoType::Int8 ? DType::I8 : DType::U8;
}

}  // namespace

void io_layouts(Graph& g, const IoFormats& f, PassLog& log) {
  const bool last = channels_last_model(g);
  for (size_t k = 0; k < g.inputs.size(); ++k) {
    const ChannelPosition want = requested(f.input_layouts, k, g.inputs.size(), "--inputs-ch-position", g);
    const TensorId x = g.inputs[k];
    const size_t r = g.t(x).shape.size();
    if (want == ChannelPosition::Keep || r < 3 || (want == ChannelPosition::Last) == last || g.is_state_input(k)) continue;
    const auto into_model = last ? to_last(r) : to_first(r);  // the new input -> the model's layout
    const auto from_model = last ? to_first(r) : to_last(r);
    Shape s;
    for (int64_t p : from_model) s.push_back(g.t(x).shape[static_cast<size_t>(p)]);
    const TensorId nx = take_name(g, x, last ? "_nhwc" : "_nchw", g.t(x).dtype, s);
    Node t = make_node(g.unique_name(g.t(nx).name + "_layout"), "Transpose", {nx}, {x});
    t.attrs["perm"] = into_model;
    g.nodes.insert(g.nodes.begin(), t);
    g.inputs[k] = nx;
    g.io_channels_last[g.t(nx).name] = !last;
    ops::infer_node(g, g.nodes.front());
    log.add("input '" + g.t(nx).name + "': " + (last ? "channels first" : "channels last") + " " + shape_str(s) +
            " as asked (the model's layout " + shape_str(g.t(x).shape) + " is reached inside the network)");
  }
  for (size_t k = 0; k < g.outputs.size(); ++k) {
    const ChannelPosition want = requested(f.output_layouts, k, g.outputs.size(), "--outputs-ch-position", g);
    const TensorId y = g.outputs[k];
    const size_t r = g.t(y).shape.size();
    if (want == ChannelPosition::Keep || r < 3 || (want == ChannelPosition::Last) == last || g.is_state_output(k)) continue;
    const auto perm = last ? to_first(r) : to_last(r);
    Shape s;
    for (int64_t p : perm) s.push_back(g.t(y).shape[static_cast<size_t>(p)]);
    const TensorId ny = take_name(g, y, last ? "_nhwc" : "_nchw", g.t(y).dtype, s);
    Node t = make_node(g.unique_name(g.t(ny).name + "_layout"), "Transpose", {y}, {ny});
    t.attrs["perm"] = perm;
    g.nodes.push_back(t);
    g.outputs[k] = ny;
    g.io_channels_last[g.t(ny).name] = !last;
    ops::infer_node(g, g.nodes.back());
    log.add("output '" + g.t(ny).name + "': " + (last ? "channels first" : "channels last") + " " + shape_str(s));
  }
}

void io_types(Graph& g, const IoFormats& f, PassLog& log) {
  for (size_t k = 0; k < g.inputs.size(); ++k) {
    const IoType want = requested(f.input_types, k, g.inputs.size(), "--input-data-type", g);
    const TensorId x = g.inputs[k];
    const Tensor& t = g.t(x);
    if (want == IoType::Keep || g.is_state_input(k) || t.dtype == dtype_of(want)) continue;
    const bool q8 = (t.dtype == DType::I8 || t.dtype == DType::U8) && t.quant && t.quant->scale.size() == 1;
    if (!q8)
      throw CompileError(g.model_path + ": --input-data-type " + type_name(want) + ": input '" + t.name + "' is " +
                         std::string(dtype_name(t.dtype)) + " without per-tensor quantization parameters");
    const std::string base = t.name;
    const QuantParams q = *t.quant;
    const Shape shape = t.shape;
    const TensorId nx = take_name(g, x, "_q", dtype_of(want), shape);
    Node n;
    if (want == IoType::Float32) {
      n = make_node(g.unique_name(base + "_quantize"), "QuantizeLinear",
                    {nx, scalar(g, base + "_scale", q.scale[0]), scalar(g, base + "_zero_point", g.t(x).dtype, q.zero_point[0])},
                    {x});
    } else {  // the other 8-bit type: the same values, zero point shifted by 128
      QuantParams nq = q;
      nq.zero_point[0] += want == IoType::UInt8 ? 128 : -128;
      g.t(nx).quant = nq;
      n = make_node(g.unique_name(base + "_sign_flip"), "SignFlip8", {nx}, {x});
    }
    g.nodes.insert(g.nodes.begin(), n);
    g.inputs[k] = nx;
    ops::infer_node(g, g.nodes.front());
    if (!g.t(x).quant) g.t(x).quant = q;
    log.add("input '" + base + "': " + type_name(want) + " (converted to " + std::string(dtype_name(g.t(x).dtype)) +
            " by the network's first layer)");
  }
  for (size_t k = 0; k < g.outputs.size(); ++k) {
    const IoType want = requested(f.output_types, k, g.outputs.size(), "--output-data-type", g);
    const TensorId y = g.outputs[k];
    const Tensor& t = g.t(y);
    if (want == IoType::Keep || g.is_state_output(k) || t.dtype == dtype_of(want)) continue;
    const bool q8 = (t.dtype == DType::I8 || t.dtype == DType::U8) && t.quant && t.quant->scale.size() == 1;
    if (!q8)
      throw CompileError(g.model_path + ": --output-data-type " + type_name(want) + ": output '" + t.name + "' is " +
                         std::string(dtype_name(t.dtype)) + " without per-tensor quantization parameters");
    const std::string base = t.name;
    const QuantParams q = *t.quant;
    const DType from = t.dtype;
    const TensorId ny = take_name(g, y, "_q", dtype_of(want), t.shape);
    Node n;
    if (want == IoType::Float32) {
      n = make_node(g.unique_name(base + "_dequantize"), "DequantizeLinear",
                    {y, scalar(g, base + "_scale", q.scale[0]), scalar(g, base + "_zero_point", from, q.zero_point[0])},
                    {ny});
    } else {
      n = make_node(g.unique_name(base + "_sign_flip"), "SignFlip8", {y}, {ny});
    }
    g.nodes.push_back(n);
    g.outputs[k] = ny;
    ops::infer_node(g, g.nodes.back());
    log.add("output '" + base + "': " + type_name(want) + " (converted by the network's last layer)");
  }
}

}  // namespace eg::passes
