// An inference BatchNormalization right after a float Conv (its only reader)
// is folded into the Conv's weights and bias:
//   W'[m] = W[m] * k[m],  b'[m] = b[m] * k[m] + B[m] - mean[m] * k[m],
//   k[m] = scale[m] / sqrt(var[m] + epsilon).
#include <cmath>

#include "ops/common.h"
#include "passes/passes.h"

namespace eg::passes {

void fold_batchnorm(Graph& g, PassLog& log) {
  int count = 0;
  std::vector<bool> drop(g.nodes.size(), false);
  for (size_t k = 0; k < g.nodes.size(); ++k) {
    const Node& bn = g.nodes[k];
    if (bn.op != "BatchNormalization" || bn.attr_int("training_mode", 0) != 0 || bn.inputs.size() < 5) continue;
    bool params_ok = true;
    for (size_t i = 1; i <= 4; ++i)
      params_ok = params_ok && ops::has_in(bn, i) && g.t(bn.inputs[i]).is_const && g.t(bn.inputs[i]).dtype == DType::F32;
    if (!params_ok || (bn.outputs.size() > 1 && bn.outputs[1] != kNoTensor)) continue;
    int p = g.producer(bn.inputs[0]);
    if (p < 0 || drop[static_cast<size_t>(p)] || !single_consumer(g, bn.inputs[0])) continue;
    Node& conv = g.nodes[static_cast<size_t>(p)];
    if (conv.op != "Conv" || conv.outputs.size() != 1) continue;
    const Tensor& w = g.t(conv.inputs[1]);
    if (g.t(conv.inputs[0]).dtype != DType::F32 || !w.is_const || w.dtype != DType::F32 || w.shape.empty()) continue;
    if (ops::has_in(conv, 2) && (!g.t(conv.inputs[2]).is_const || g.t(conv.inputs[2]).dtype != DType::F32)) continue;
    const int64_t M = w.shape[0];
    const auto scale = g.t(bn.inputs[1]).as_float(), bias = g.t(bn.inputs[2]).as_float();
    const auto mean = g.t(bn.inputs[3]).as_float(), var = g.t(bn.inputs[4]).as_float();
    if (static_cast<int64_t>(scale.size()) != M || bias.size() != scale.size() || mean.size() != scale.size() ||
        var.size() != scale.size())
      continue;
    const float eps = bn.attr_float("epsilon", 1e-5f);
    std::vector<float> wv = w.as_float();
    std::vector<float> bv = ops::has_in(conv, 2) ? g.t(conv.inputs[2]).as_float() : std::vector<float>(static_cast<size_t>(M), 0.0f);
    if (static_cast<int64_t>(bv.size()) != M) continue;
    const size_t per = wv.size() / static_cast<size_t>(M);
    for (size_t m = 0; m < static_cast<size_t>(M); ++m) {
      const float km = scale[m] / std::sqrt(var[m] + eps);
      for (size_t i = 0; i < per; ++i) wv[m * per + i] *= km;
      bv[m] = bv[m] * km + (bias[m] - mean[m] * km);
    }
    const std::string base = conv.name.empty() ? w.name : conv.name;
    const TensorId nw = g.add_tensor(make_const(g.unique_name(base + "_w_bn"), DType::F32, w.shape, wv));
    const TensorId nb = g.add_tensor(make_const(g.unique_name(base + "_b_bn"), DType::F32, {M}, bv));
    Node& cv = g.nodes[static_cast<size_t>(p)];  // add_tensor does not move nodes, but re-take for clarity
    cv.inputs.resize(3, kNoTensor);
    cv.inputs[1] = nw;
    cv.inputs[2] = nb;
    cv.outputs[0] = g.nodes[k].outputs[0];
    cv.origin.insert(cv.origin.end(), g.nodes[k].origin.begin(), g.nodes[k].origin.end());
    drop[k] = true;
    ++count;
  }
  if (!count) return;
  std::vector<Node> kept;
  for (size_t k = 0; k < g.nodes.size(); ++k)
    if (!drop[k]) kept.push_back(std::move(g.nodes[k]));
  g.nodes = std::move(kept);
  log.add("batchnorm: " + std::to_string(count) + " BatchNormalization layer(s) folded into the preceding Conv");
}

}  // namespace eg::passes
