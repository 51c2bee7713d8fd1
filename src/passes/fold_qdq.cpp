// QDQ folding: the quantized model says "DequantizeLinear -> float op ->
// QuantizeLinear"; we compute the op on int8 directly.
//  1. annotate: Q outputs and DQ inputs carry their QuantParams
//  2. graph input Q (possibly behind data-movement ops) is absorbed: the C
//     network takes int8; graph output DQ is absorbed: it gives int8
//  3. Conv/Gemm/MatMul with DQ'd int8 input, DQ'd constant int8 weights, int32
//     bias and a (Relu/Clip ->) Q consumer become int8 kernels with fused clamp
//  4. data-movement ops between DQ and Q with equal parameters become int8;
//     ops with their own requantizing int8 kernel (Add, AveragePool...) too
//  5. RNN float islands read int8 / write int8 directly (fused conversions)
//  6. Q(DQ(x)) with equal parameters disappears
// What stays are explicit conversion layers (DQ/Q nodes) around float islands.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

#include "ops/common.h"
#include "ops/families.h"
#include "ops/registry.h"
#include "passes/passes.h"

namespace eg::passes {
namespace {

bool is_q(const Node& n) { return n.op == "QuantizeLinear"; }

ops::QdqRole role(const Node& n) {
  const ops::OpDef* d = ops::find_op(n.op);
  return d ? d->qdq : ops::QdqRole::FloatIsland;
}
bool is_dq(const Node& n) { return n.op == "DequantizeLinear"; }

std::optional<QuantParams> node_qparams(const Graph& g, const Node& n) {
  if (!ops::has_in(n, 1) || !g.t(n.inputs[1]).is_const) return std::nullopt;
  if (ops::has_in(n, 2) && !g.t(n.inputs[2]).is_const) return std::nullopt;
  QuantParams q;
  q.scale = g.t(n.inputs[1]).as_float();
  if (ops::has_in(n, 2))
    for (int64_t z : g.t(n.inputs[2]).as_int64()) q.zero_point.push_back(static_cast<int32_t>(z));
  if (q.zero_point.empty()) q.zero_point.assign(q.scale.size(), 0);
  const TensorId data = is_q(n) ? n.outputs[0] : n.inputs[0];
  int64_t axis = n.attr_int("axis", 1);
  if (axis < 0) axis += static_cast<int64_t>(g.t(data).shape.size());
  q.axis = q.scale.size() > 1 ? static_cast<int>(axis) : 0;
  return q;
}

bool per_tensor_int8(const Graph& g, TensorId id) {
  const Tensor& t = g.t(id);
  return t.dtype == DType::I8 && t.quant && !t.quant->per_channel();
}

// The DQ node producing `id` with an int8 per-tensor activation input, or -1.
int dq_activation_producer(const Graph& g, TensorId id) {
  int p = g.producer(id);
  if (p < 0 || !is_dq(g.nodes[static_cast<size_t>(p)])) return -1;
  const Node& dq = g.nodes[static_cast<size_t>(p)];
  if (g.t(dq.inputs[0]).is_const || !per_tensor_int8(g, dq.inputs[0])) return -1;
  return p;
}

// The DQ node producing constant `id` (weights/bias), or -1.
int dq_const_producer(const Graph& g, TensorId id) {
  int p = g.producer(id);
  if (p < 0 || !is_dq(g.nodes[static_cast<size_t>(p)])) return -1;
  const Node& dq = g.nodes[static_cast<size_t>(p)];
  if (!g.t(dq.inputs[0]).is_const || !g.t(dq.inputs[0]).quant) return -1;
  return p;
}

// The Q consumer of `id` (single consumer), possibly behind a Relu/Clip which
// is reported in act_lo/act_hi. Returns the Q node index or -1.
int q_consumer(const Graph& g, TensorId id, float& act_lo, float& act_hi) {
  act_lo = -std::numeric_limits<float>::infinity();
  act_hi = std::numeric_limits<float>::infinity();
  int c = -1;
  if (!single_consumer(g, id, &c)) return -1;
  const Node* n = &g.nodes[static_cast<size_t>(c)];
  if (n->op == "Relu" || n->op == "Clip") {
    if (n->op == "Relu") {
      act_lo = 0.0f;
    } else {
      act_lo = n->attr_float("min", act_lo);
      act_hi = n->attr_float("max", act_hi);
      if (ops::has_in(*n, 1)) {
        if (!g.t(n->inputs[1]).is_const) return -1;
        act_lo = g.t(n->inputs[1]).as_float()[0];
      }
      if (ops::has_in(*n, 2)) {
        if (!g.t(n->inputs[2]).is_const) return -1;
        act_hi = g.t(n->inputs[2]).as_float()[0];
      }
    }
    if (!single_consumer(g, n->outputs[0], &c)) return -1;
    n = &g.nodes[static_cast<size_t>(c)];
  }
  if (!is_q(*n) || !per_tensor_int8(g, n->outputs[0])) return -1;
  return c;
}

void annotate(Graph& g) {
  for (const auto& n : g.nodes) {
    if (!is_q(n) && !is_dq(n)) continue;
    auto q = node_qparams(g, n);
    if (!q) continue;
    const TensorId data = is_q(n) ? n.outputs[0] : n.inputs[0];
    g.t(data).quant = *q;
  }
}

// Graph input -> [data movement ->] Q  becomes  int8 input -> [data movement].
int absorb_inputs(Graph& g) {
  int count = 0;
  for (TensorId& in : g.inputs) {
    if (g.t(in).dtype != DType::F32) continue;
    int c = -1;
    if (!single_consumer(g, in, &c)) continue;
    Node& first = g.nodes[static_cast<size_t>(c)];
    if (is_q(first) && per_tensor_int8(g, first.outputs[0])) {
      const TensorId q = first.outputs[0];
      first.op = "Identity";  // left for dead-code: the input now is q
      replace_uses(g, q, in);
      g.t(in).dtype = DType::I8;
      g.t(in).quant = g.t(q).quant;
      ++count;
      continue;
    }
    const bool movement = first.op == "Transpose" || ops::is_view_op(first.op);
    int qc = -1;
    if (!movement || !single_consumer(g, first.outputs[0], &qc)) continue;
    Node& qn = g.nodes[static_cast<size_t>(qc)];
    if (!is_q(qn) || !per_tensor_int8(g, qn.outputs[0])) continue;
    // swap: input (now int8) -> movement -> q's output
    const TensorId mid = first.outputs[0], qout = qn.outputs[0];
    g.t(in).dtype = DType::I8;
    g.t(in).quant = g.t(qout).quant;
    first.outputs[0] = qout;
    qn.op = "Identity";
    qn.inputs = {mid};
    qn.outputs = {dead_tensor(g, g.t(mid).name, DType::I8)};
    ++count;
  }
  return count;
}

// DQ -> graph output  becomes  int8 graph output.
int absorb_outputs(Graph& g) {
  int count = 0;
  for (TensorId& out : g.outputs) {
    int p = g.producer(out);
    if (p < 0 || !is_dq(g.nodes[static_cast<size_t>(p)])) continue;
    const TensorId q = g.nodes[static_cast<size_t>(p)].inputs[0];
    if (!per_tensor_int8(g, q) || g.t(q).is_const || g.is_graph_input(q)) continue;
    out = q;
    ++count;
  }
  return count;
}

// Bias as int32 in the accumulator's scale (x_scale * w_scale[c]).
std::optional<Tensor> requantized_bias(const Graph& g, TensorId bias, float x_scale, const QuantParams& wq,
                                       int64_t out_channels) {
  const Tensor& b = g.t(bias);
  std::vector<float> real;
  int p = dq_const_producer(g, bias);
  if (p >= 0) {
    const Tensor& bq = g.t(g.nodes[static_cast<size_t>(p)].inputs[0]);
    const auto v = bq.as_int64();
    const auto& q = *bq.quant;
    for (size_t i = 0; i < v.size(); ++i) {
      const size_t c = q.scale.size() > 1 ? i : 0;
      real.push_back(static_cast<float>(v[i] - q.zero_point[c]) * q.scale[c]);
    }
    // exact when the bias already uses the accumulator scale (the QDQ convention)
    bool exact = bq.dtype == DType::I32;
    for (size_t i = 0; i < v.size() && exact; ++i) {
      const float ws = wq.scale.size() > 1 ? wq.scale[i] : wq.scale[0];
      const size_t c = q.scale.size() > 1 ? i : 0;
      exact = q.zero_point[c] == 0 && q.scale[c] == x_scale * ws;
    }
    if (exact && static_cast<int64_t>(v.size()) == out_channels) {
      Tensor t = bq;
      t.quant.reset();
      return t;
    }
  } else if (b.is_const && b.dtype == DType::F32) {
    real = b.as_float();
  } else {
    return std::nullopt;
  }
  if (real.size() == 1) real.assign(static_cast<size_t>(out_channels), real[0]);
  if (static_cast<int64_t>(real.size()) != out_channels) return std::nullopt;
  std::vector<int32_t> q;
  for (size_t i = 0; i < real.size(); ++i) {
    const float ws = wq.scale.size() > 1 ? wq.scale[i] : wq.scale[0];
    const double v = std::nearbyint(static_cast<double>(real[i]) / (static_cast<double>(x_scale) * ws));
    // a float bias that int32 cannot hold at this scale: the layer stays a float chain
    if (!(v >= static_cast<double>(INT32_MIN) && v <= static_cast<double>(INT32_MAX))) return std::nullopt;
    q.push_back(static_cast<int32_t>(v));
  }
  return make_const(b.name + "_int32", DType::I32, {out_channels}, q);
}

// Whether the int8 kernels can compute this layer: every requantization multiplier
// x_scale * w_scale / y_scale below 2^30 (the kernels' shift range) and an int32 accumulator that
// cannot overflow (|bias| + K products of |x - x_zp| <= 256 and |w| <= 128). Otherwise the float
// QDQ chain stays, which computes the model's own semantics.
bool int8_kernel_fits(const Graph& g, TensorId x, const QuantParams& wq, int64_t weights, int64_t out_c,
                      const std::optional<Tensor>& bias, const Node& q) {
  const auto yq = node_qparams(g, q);
  if (!yq || yq->scale.empty() || out_c <= 0) return false;
  for (const float ws : wq.scale) {
    const double real = static_cast<double>(g.t(x).quant->scale[0]) * ws / yq->scale[0];
    if (!std::isfinite(real) || real >= 1073741824.0) return false;
  }
  int64_t max_bias = 0;
  if (bias)
    for (const int64_t b : bias->as_int64()) max_bias = std::max(max_bias, b < 0 ? -b : b);
  const int64_t k = weights / out_c;
  return max_bias + k * 256 * 128 <= std::numeric_limits<int32_t>::max();
}

// Conv / Gemm / MatMul -> int8 kernels.
int fold_compute(Graph& g) {
  int count = 0;
  for (size_t k = 0; k < g.nodes.size(); ++k) {
    Node n = g.nodes[k];
    if (role(n) != ops::QdqRole::Compute) continue;
    if (g.t(n.outputs[0]).dtype != DType::F32) continue;
    const int dx = dq_activation_producer(g, n.inputs[0]);
    const int dw = dq_const_producer(g, n.inputs[1]);
    if (dx < 0 || dw < 0) continue;
    const TensorId xq = g.nodes[static_cast<size_t>(dx)].inputs[0];
    const TensorId wq = g.nodes[static_cast<size_t>(dw)].inputs[0];
    if (g.t(wq).dtype != DType::I8) continue;
    float lo, hi;
    const int qn = q_consumer(g, n.outputs[0], lo, hi);
    if (qn < 0) continue;
    if (n.op == "Gemm" && (n.attr_int("transA", 0) || n.attr_float("alpha", 1.0f) != 1.0f)) continue;
    const QuantParams& wqp = *g.t(wq).quant;
    // per-channel weights must be quantized along the output-channel axis
    if (wqp.per_channel()) {
      const bool ok = n.op == "Conv" ? wqp.axis == 0
                                     : (n.op == "Gemm" && n.attr_int("transB", 0) ? wqp.axis == 0 : wqp.axis == 1);
      if (!ok) continue;
    }
    int64_t out_c = n.op == "Conv" ? g.t(wq).shape[0] : g.t(n.outputs[0]).shape.back();
    std::optional<Tensor> bias;
    if (ops::has_in(n, 2)) {
      if (n.op == "Gemm" && g.t(n.inputs[2]).elements() != 1 && g.t(n.inputs[2]).elements() != out_c) continue;
      bias = requantized_bias(g, n.inputs[2], g.t(xq).quant->scale[0], wqp, out_c);
      if (!bias) continue;
    }
    if (!int8_kernel_fits(g, xq, wqp, g.t(wq).elements(), out_c, bias, g.nodes[static_cast<size_t>(qn)])) continue;
    Node& node = g.nodes[k];
    node.inputs[0] = xq;
    node.inputs[1] = wq;
    if (bias) {
      bias->name = g.unique_name(bias->name);
      bias->is_const = true;
      node.inputs[2] = g.add_tensor(*bias);
    }
    node.outputs[0] = g.nodes[static_cast<size_t>(qn)].outputs[0];
    if (std::isfinite(lo)) node.attrs["act_min"] = lo;
    if (std::isfinite(hi)) node.attrs["act_max"] = hi;
    // the Q (and Relu) now produce nothing anyone reads: dead code
    Node& q = g.nodes[static_cast<size_t>(qn)];
    q.outputs[0] = dead_tensor(g, q.name, DType::I8);
    // keep node order: the folded node must come after everything it reads (it does)
    // and before its readers (q was after it)
    for (const int o : node.origin) (void)o;
    ++count;
  }
  return count;
}


// DQ -> movement -> Q with equal parameters -> int8 movement.
int fold_movement(Graph& g) {
  int count = 0;
  for (size_t k = 0; k < g.nodes.size(); ++k) {
    Node& n = g.nodes[k];
    if (role(n) != ops::QdqRole::Movement || g.t(n.outputs[0]).dtype != DType::F32) continue;
    const int dx = dq_activation_producer(g, n.inputs[0]);
    if (dx < 0) continue;
    float lo, hi;
    const int qn = q_consumer(g, n.outputs[0], lo, hi);
    if (qn < 0 || std::isfinite(lo) || std::isfinite(hi)) continue;
    const TensorId xq = g.nodes[static_cast<size_t>(dx)].inputs[0];
    const TensorId yq = g.nodes[static_cast<size_t>(qn)].outputs[0];
    if (!(*g.t(xq).quant == *g.t(yq).quant)) continue;
    n.inputs[0] = xq;
    n.outputs[0] = yq;
    Node& q = g.nodes[static_cast<size_t>(qn)];
    q.outputs[0] = dead_tensor(g, q.name, DType::I8);
    ++count;
  }
  return count;
}

// DQ inputs -> op -> (Relu/Clip ->) Q  with any parameters: the op's int8
// kernel reads the quantization of its input and output tensors.
int fold_requantize(Graph& g) {
  int count = 0;
  for (size_t k = 0; k < g.nodes.size(); ++k) {
    Node& n = g.nodes[k];
    if (role(n) != ops::QdqRole::Requantize || n.outputs.empty() || g.t(n.outputs[0]).dtype != DType::F32) continue;
    std::vector<TensorId> new_inputs = n.inputs;
    bool ok = true;
    for (size_t i = 0; i < n.inputs.size() && ok; ++i) {
      const TensorId id = n.inputs[i];
      if (id == kNoTensor) continue;
      const int dc = dq_const_producer(g, id);  // DQ(constant) is not folded yet: not is_const
      if (g.t(id).is_const || dc >= 0) {
        if (dc >= 0) new_inputs[i] = g.nodes[static_cast<size_t>(dc)].inputs[0];
        continue;  // float constants (axes, shapes...) stay as they are
      }
      const int dx = dq_activation_producer(g, id);
      if (dx < 0) ok = false;
      else new_inputs[i] = g.nodes[static_cast<size_t>(dx)].inputs[0];
    }
    if (!ok) continue;
    float lo, hi;
    const int qn = q_consumer(g, n.outputs[0], lo, hi);
    if (qn < 0) continue;
    Node& node = g.nodes[k];
    node.inputs = new_inputs;
    node.outputs[0] = g.nodes[static_cast<size_t>(qn)].outputs[0];
    if (std::isfinite(lo)) node.attrs["act_min"] = lo;
    if (std::isfinite(hi)) node.attrs["act_max"] = hi;
    Node& q = g.nodes[static_cast<size_t>(qn)];
    q.outputs[0] = dead_tensor(g, q.name, DType::I8);
    ++count;
  }
  return count;
}

// DQ -> element-wise float op -> Q: the op on int8 has only 256 possible
// inputs, so it becomes a table computed now with the op's own reference
// semantics and ONNX quantization: exact, and one load per element at run time.
int fold_lut(Graph& g) {
  int count = 0;
  for (size_t k = 0; k < g.nodes.size(); ++k) {
    Node& n = g.nodes[k];
    const ops::OpDef* def = ops::find_op(n.op);
    if (!def || !def->inplace || !def->ref || n.op == "LookupTable" || n.outputs.size() != 1 || n.inputs.empty())
      continue;
    if (n.inputs[0] == kNoTensor || g.t(n.outputs[0]).dtype != DType::F32) continue;
    bool ok = g.t(n.inputs[0]).shape == g.t(n.outputs[0]).shape;
    for (size_t i = 1; i < n.inputs.size() && ok; ++i)
      if (n.inputs[i] != kNoTensor && (!g.t(n.inputs[i]).is_const || g.t(n.inputs[i]).elements() != 1)) ok = false;
    if (!ok) continue;
    const int dx = dq_activation_producer(g, n.inputs[0]);
    int qn = -1;
    if (dx < 0 || !single_consumer(g, n.outputs[0], &qn)) continue;
    if (!is_q(g.nodes[static_cast<size_t>(qn)]) || !per_tensor_int8(g, g.nodes[static_cast<size_t>(qn)].outputs[0]))
      continue;
    const TensorId xq = g.nodes[static_cast<size_t>(dx)].inputs[0];
    const TensorId yq = g.nodes[static_cast<size_t>(qn)].outputs[0];
    const QuantParams xp = *g.t(xq).quant, yp = *g.t(yq).quant;
    // all 256 inputs, dequantized as DequantizeLinear does
    std::vector<float> xs(256);
    for (int v = -128; v < 128; ++v) xs[static_cast<size_t>(v + 128)] = static_cast<float>(v - xp.zero_point[0]) * xp.scale[0];
    Tensor x = make_const("x", DType::F32, {256}, xs), y = make_const("y", DType::F32, {256}, std::vector<float>(256));
    std::vector<const Tensor*> ins = {&x};
    for (size_t i = 1; i < n.inputs.size(); ++i) ins.push_back(n.inputs[i] == kNoTensor ? nullptr : &g.t(n.inputs[i]));
    std::vector<Tensor*> outs = {&y};
    try {
      def->ref(n, ins, outs);
    } catch (const std::exception&) {
      continue;  // the reference cannot run on this shape: leave the op as it is
    }
    std::vector<int8_t> table(256);
    for (size_t i = 0; i < 256; ++i) {
      const float v = y.values<float>()[i] / yp.scale[0];
      double q = std::nearbyint(v) + yp.zero_point[0];
      if (std::isnan(q)) q = yp.zero_point[0];
      table[i] = static_cast<int8_t>(std::min(127.0, std::max(-128.0, q)));
    }
    Node& node = g.nodes[k];
    node.op = "LookupTable";
    node.domain.clear();
    node.inputs = {xq};
    node.outputs = {yq};
    node.attrs.clear();
    node.attrs["table"] = make_const(node.name + "_table", DType::I8, {256}, table);
    Node& q = g.nodes[static_cast<size_t>(qn)];
    q.outputs[0] = dead_tensor(g, q.name, DType::I8);
    ++count;
  }
  return count;
}

// RNN island: read the int8 input and write int8 outputs inside the kernel.
int fuse_rnn_conversions(Graph& g) {
  int count = 0;
  for (size_t k = 0; k < g.nodes.size(); ++k) {
    Node& n = g.nodes[k];
    if (role(n) != ops::QdqRole::RnnIsland) continue;
    const int dx = dq_activation_producer(g, n.inputs[0]);
    if (dx >= 0) {
      n.inputs[0] = g.nodes[static_cast<size_t>(dx)].inputs[0];
      ++count;
    }
    for (size_t o = 0; o < n.outputs.size(); ++o) {
      if (n.outputs[o] == kNoTensor || g.t(n.outputs[o]).dtype != DType::F32) continue;
      float lo, hi;
      const int qn = q_consumer(g, n.outputs[o], lo, hi);
      if (qn < 0 || std::isfinite(lo) || std::isfinite(hi)) continue;
      Node& q = g.nodes[static_cast<size_t>(qn)];
      g.nodes[k].outputs[o] = q.outputs[0];
      q.outputs[0] = dead_tensor(g, q.name, DType::I8);
      ++count;
    }
  }
  return count;
}

// Q(DQ(x)) with equal parameters -> x.
int drop_requant_pairs(Graph& g) {
  int count = 0;
  for (auto& n : g.nodes) {
    if (!is_q(n)) continue;
    const int dx = dq_activation_producer(g, n.inputs[0]);
    if (dx < 0) continue;
    const TensorId xq = g.nodes[static_cast<size_t>(dx)].inputs[0];
    if (!per_tensor_int8(g, n.outputs[0]) || !(*g.t(xq).quant == *g.t(n.outputs[0]).quant)) continue;
    const TensorId y = n.outputs[0];
    if (g.is_graph_output(y)) continue;
    replace_uses(g, y, xq);
    ++count;
  }
  return count;
}

}  // namespace

void fold_qdq(Graph& g, PassLog& log) {
  bool has_qdq = false;
  for (const auto& n : g.nodes) has_qdq |= is_q(n) || is_dq(n);
  if (!has_qdq) return;
  annotate(g);
  const int ins = absorb_inputs(g);
  dead_code(g, log);
  int compute = 0, movement = 0, rnn = 0, pairs = 0, luts = 0;
  for (int iter = 0; iter < 8; ++iter) {
    const int t = fold_lut(g);
    const int c = fold_compute(g) + fold_requantize(g), m = fold_movement(g), r = fuse_rnn_conversions(g),
              p = drop_requant_pairs(g);
    luts += t;
    dead_code(g, log);
    compute += c;
    movement += m;
    rnn += r;
    pairs += p;
    if (t + c + m + r + p == 0) break;
  }
  const int outs = absorb_outputs(g);
  dead_code(g, log);
  log.add("qdq: " + std::to_string(compute) + " int8 compute layer(s), " + std::to_string(movement) +
          " int8 data-movement layer(s), " + std::to_string(luts) + " int8 element-wise function(s) as 256-entry tables, " +
          std::to_string(rnn) + " conversion(s) fused into float RNN kernels, " +
          std::to_string(pairs) + " redundant Q/DQ pair(s) removed; " + std::to_string(ins) + " input(s) and " +
          std::to_string(outs) + " output(s) kept in int8 (the application converts with the SCALE/ZERO_POINT macros)");
}

}  // namespace eg::passes
