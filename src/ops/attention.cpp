// Attention (opset 23): expanded while shapes are inferred into the ops it is made of, so every
// kernel it runs is one the compiler already has (float32):
//   3-D inputs: Reshape [B, S, heads, head] + Transpose -> [B, heads, S, head]
//   past_key/past_value: Concat on the sequence axis (= present_key/present_value)
//   Q * sqrt(scale), K * sqrt(scale); grouped-query heads repeated (each KV head heads_q/heads_kv times)
//   MatMul(Q, K^T) -> softcap (c * tanh(x / c)) -> + bias (mask: bool as 0/-inf, shorter masks padded with
//   -inf; is_causal: -inf above the diagonal offset by the past length) -> Softmax -> MatMul(., V)
//   3-D output: Transpose + Reshape back to [B, S, heads * head].
#include <cmath>
#include <limits>

#include "ops/common.h"
#include "ops/control_flow.h"
#include "ops/registry.h"

namespace eg::ops {

bool expand_attention(Graph& g, size_t i) {
  const Node n = g.nodes[i];
  if (n.inputs.size() < 3 || !has_in(n, 0) || !has_in(n, 1) || !has_in(n, 2)) bad(g, n, "needs Q, K and V");
  for (TensorId id : n.inputs)
    if (id != kNoTensor && !g.t(id).shape_known) return false;
  if (has_in(n, 6)) bad(g, n, "nonpad_kv_seqlen is not supported");
  const Shape qs = g.t(n.inputs[0]).shape, ks = g.t(n.inputs[1]).shape, vs = g.t(n.inputs[2]).shape;
  const size_t rank = qs.size();
  if (g.t(n.inputs[0]).dtype != DType::F32) bad(g, n, "float32 only");
  if ((rank != 3 && rank != 4) || ks.size() != rank || vs.size() != rank) bad(g, n, "Q, K and V must all be 3-D or 4-D");

  std::vector<Node> nodes;
  auto tmp = [&](const std::string& what) {
    Tensor t;
    t.name = g.unique_name(n.name + "/" + what);
    return g.add_tensor(std::move(t));
  };
  auto add = [&](const std::string& op, std::vector<TensorId> in, TensorId out = kNoTensor) {
    if (out == kNoTensor) out = tmp(op);
    nodes.push_back(simple(n, op, op + std::to_string(nodes.size()), std::move(in), {out}));
    return out;
  };
  auto f32 = [&](float v) { return g.add_tensor(make_const(g.unique_name(n.name + "/c"), DType::F32, {}, std::vector<float>{v})); };
  auto ints = [&](std::vector<int64_t> v) { return const_i64(g, n.name + "/i", {static_cast<int64_t>(v.size())}, v); };
  auto transpose = [&](TensorId x, std::vector<int64_t> perm) {
    const TensorId t = add("Transpose", {x});
    nodes.back().attrs["perm"] = std::move(perm);
    return t;
  };
  const float inf = std::numeric_limits<float>::infinity();

  // [B, heads, S, head] views of Q, K, V
  int64_t q_heads, kv_heads, Sq, Sk, head_q, head_v;
  TensorId Q = n.inputs[0], K = n.inputs[1], V = n.inputs[2];
  if (rank == 3) {
    q_heads = n.attr_int("q_num_heads", 0);
    kv_heads = n.attr_int("kv_num_heads", 0);
    if (q_heads <= 0 || kv_heads <= 0 || qs[2] % q_heads || ks[2] % kv_heads || vs[2] % kv_heads)
      bad(g, n, "3-D inputs need q_num_heads and kv_num_heads that divide the hidden sizes");
    auto heads = [&](TensorId x, const Shape& s, int64_t h) {
      return transpose(add("Reshape", {x, ints({s[0], s[1], h, s[2] / h})}), {0, 2, 1, 3});
    };
    Q = heads(Q, qs, q_heads);
    K = heads(K, ks, kv_heads);
    V = heads(V, vs, kv_heads);
    Sq = qs[1], Sk = ks[1], head_q = qs[2] / q_heads, head_v = vs[2] / kv_heads;
  } else {
    q_heads = qs[1], kv_heads = ks[1], Sq = qs[2], Sk = ks[2], head_q = qs[3], head_v = vs[3];
  }
  const int64_t B = qs[0];
  int64_t past = 0;
  if (has_in(n, 4)) {
    past = g.t(n.inputs[4]).shape.at(2);
    K = add("Concat", {n.inputs[4], K});
    nodes.back().attrs["axis"] = int64_t{2};
  }
  if (has_in(n, 5)) {
    V = add("Concat", {n.inputs[5], V});
    nodes.back().attrs["axis"] = int64_t{2};
  }
  const int64_t Skv = Sk + past;
  auto out = [&](size_t k) { return k < n.outputs.size() ? n.outputs[k] : kNoTensor; };
  if (out(1) != kNoTensor) add("Identity", {K}, out(1));
  if (out(2) != kNoTensor) add("Identity", {V}, out(2));

  // the scale split over both operands, as the spec's function does
  const double scale = n.has_attr("scale") ? n.attr_float("scale", 1.0f) : 1.0 / std::sqrt(static_cast<double>(head_q));
  const TensorId root = f32(static_cast<float>(std::sqrt(scale)));
  const TensorId Qs = add("Mul", {Q, root});
  TensorId Ks = add("Mul", {K, root});
  if (q_heads != kv_heads) {  // grouped-query: KV head h serves query heads h*rep .. h*rep+rep-1
    if (q_heads % kv_heads) bad(g, n, "q_num_heads must be a multiple of kv_num_heads");
    const int64_t rep = q_heads / kv_heads;
    auto repeat = [&](TensorId x, int64_t head) {
      const TensorId u = add("Unsqueeze", {x, ints({2})});
      const TensorId e = add("Expand", {u, ints({B, kv_heads, rep, Skv, head})});
      return add("Reshape", {e, ints({B, q_heads, Skv, head})});
    };
    Ks = repeat(Ks, head_q);
    V = repeat(V, head_v);
  }
  TensorId qk = add("MatMul", {Qs, transpose(Ks, {0, 1, 3, 2})});
  const float softcap = n.attr_float("softcap", 0.0f);
  if (softcap > 0.0f) qk = add("Mul", {add("Tanh", {add("Div", {qk, f32(softcap)})}), f32(softcap)});

  TensorId bias = kNoTensor;
  if (has_in(n, 3)) {
    bias = n.inputs[3];
    Shape ms = g.t(bias).shape;
    if (g.t(bias).dtype == DType::Bool) bias = add("Where", {bias, f32(0.0f), f32(-inf)});
    if (ms.empty()) bad(g, n, "attn_mask must have a rank");
    if (ms.back() < Skv) {  // a shorter mask leaves the rest of the keys out
      std::vector<int64_t> pads(2 * ms.size(), 0);
      pads[2 * ms.size() - 1] = Skv - ms.back();
      bias = add("Pad", {bias, ints(pads), f32(-inf)});
    }
  }
  if (n.attr_int("is_causal", 0)) {  // query i sees keys j <= i + past
    std::vector<float> c(static_cast<size_t>(Sq * Skv), 0.0f);
    for (int64_t r = 0; r < Sq; ++r)
      for (int64_t j = r + past + 1; j < Skv; ++j) c[static_cast<size_t>(r * Skv + j)] = -inf;
    const TensorId causal = g.add_tensor(make_const(g.unique_name(n.name + "/causal"), DType::F32, {Sq, Skv}, c));
    bias = bias == kNoTensor ? causal : add("Add", {bias, causal});
  }
  const TensorId qk_bias = bias == kNoTensor ? qk : add("Add", {qk, bias});
  const TensorId p = add("Softmax", {qk_bias});
  nodes.back().attrs["axis"] = int64_t{-1};
  const int64_t mode = n.attr_int("qk_matmul_output_mode", 0);
  if (out(3) != kNoTensor) add("Identity", {mode == 3 ? p : mode == 2 ? qk_bias : qk}, out(3));
  if (rank == 4) {
    add("MatMul", {p, V}, out(0));
  } else {
    const TensorId y = transpose(add("MatMul", {p, V}), {0, 2, 1, 3});
    add("Reshape", {y, ints({B, Sq, q_heads * head_v})}, out(0));
  }
  replace_node(g, i, std::move(nodes));
  return true;
}

void register_attention() {
  OpDef d;
  d.op = "Attention";
  d.constraints = "float32; 3-D and 4-D, masks (bool or float, shorter ones padded), is_causal, past key/value, "
                  "grouped-query heads, scale, softcap, qk_matmul_output; expanded into MatMul/Softmax/... at "
                  "compile time; no nonpad_kv_seqlen";
  d.dtypes = {"float32 (expanded)"};
  d.infer = [](Graph& g, const Node& n) { bad(g, n, "the shapes of Q, K and V are not known at compile time"); };
  register_op(d);
}

}  // namespace eg::ops
