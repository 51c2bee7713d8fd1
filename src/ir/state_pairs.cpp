#include "ir/state_pairs.h"

#include "util/error.h"

namespace eg {
namespace {

std::string describe(const Tensor& t) { return std::string(dtype_name(t.dtype)) + "[" + shape_str(t.shape) + "]"; }

size_t index_named(const Graph& g, const std::vector<TensorId>& ids, const std::string& name, const char* kind) {
  for (size_t k = 0; k < ids.size(); ++k)
    if (g.t(ids[k]).name == name) return k;
  fail(g.model_path, std::string("--state: no graph ") + kind + " named '" + name + "'");
}

}  // namespace

std::vector<Graph::StatePair> pair_states(const Graph& g,
                                          const std::vector<std::pair<std::string, std::string>>& given) {
  std::vector<Graph::StatePair> pairs;
  std::vector<bool> in_used(g.inputs.size(), false), out_used(g.outputs.size(), false);
  if (!given.empty()) {
    for (const auto& [out_name, in_name] : given) {
      const size_t o = index_named(g, g.outputs, out_name, "output");
      const size_t i = index_named(g, g.inputs, in_name, "input");
      if (out_used[o] || in_used[i])
        fail(g.model_path, "--state " + out_name + "=" + in_name + ": '" + (out_used[o] ? out_name : in_name) +
                               "' is already paired");
      const Tensor &to = g.t(g.outputs[o]), &ti = g.t(g.inputs[i]);
      if (to.dtype != ti.dtype || to.shape != ti.shape)
        fail(g.model_path, "--state " + out_name + "=" + in_name + ": output is " + describe(to) + ", input is " +
                               describe(ti));
      out_used[o] = in_used[i] = true;
      pairs.push_back({i, o});
    }
    return pairs;
  }
  for (size_t o = 1; o < g.outputs.size(); ++o) {
    const Tensor& to = g.t(g.outputs[o]);
    for (size_t i = 1; i < g.inputs.size(); ++i) {
      const Tensor& ti = g.t(g.inputs[i]);
      if (in_used[i] || ti.dtype != to.dtype || ti.shape != to.shape) continue;
      in_used[i] = true;
      pairs.push_back({i, o});
      break;
    }
  }
  if (pairs.empty())
    fail(g.model_path, "--stateful: no graph output (after the first) has the type and shape of a graph input "
                       "(after the first); name the pairs with --state OUTPUT=INPUT");
  return pairs;
}

void check_state_pairs(const Graph& g) {
  for (const auto& p : g.states) {
    const Tensor &ti = g.t(g.inputs[p.in]), &to = g.t(g.outputs[p.out]);
    if (ti.dtype != to.dtype || ti.bytes() != to.bytes() || !(ti.quant == to.quant))
      fail(g.model_path, "state '" + to.name + "' -> '" + ti.name + "': the compiled network gives the output as " +
                             describe(to) + (to.quant ? " (quantized)" : "") + " and takes the input as " +
                             describe(ti) + (ti.quant ? " (quantized)" : "") +
                             "; a state pair needs the same type and quantization on both sides");
  }
}

}  // namespace eg
