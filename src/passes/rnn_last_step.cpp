// Gather(Y, time axis, last index) of a one-directional GRU, reached through
// Squeeze/Unsqueeze/Transpose/views, equals the GRU's final state Y_h. Using Y_h
// means the whole sequence output Y is never stored.
#include "ops/common.h"
#include "ops/families.h"
#include "passes/passes.h"

namespace eg::passes {
namespace {

enum Label { T, D, B, H };

}  // namespace

void rnn_last_step(Graph& g, PassLog& log) {
  for (size_t k = 0; k < g.nodes.size(); ++k) {
    const std::string& rop = g.nodes[k].op;
    if ((rop != "GRU" && rop != "LSTM" && rop != "RNN") || g.nodes[k].outputs.empty() ||
        g.nodes[k].outputs[0] == kNoTensor || ops::has_in(g.nodes[k], 4))  // sequence_lens: per-batch last steps
      continue;
    if (g.nodes[k].attr_string("direction", "forward") == "bidirectional") continue;
    if (g.nodes[k].attr_int("layout", 0) != 0) continue;
    const bool reverse = g.nodes[k].attr_string("direction", "forward") == "reverse";
    TensorId cur = g.nodes[k].outputs[0];
    std::vector<int> labels = {T, D, B, H};
    const Shape yshape = g.t(cur).shape;
    int c = -1;
    bool ok = true;
    // follow the single-consumer chain of shape ops
    while (ok && single_consumer(g, cur, &c)) {
      const Node& n = g.nodes[static_cast<size_t>(c)];
      const Shape in_shape = g.t(cur).shape;
      if (n.op == "Squeeze" || n.op == "Unsqueeze" || n.op == "Reshape" || n.op == "Identity" || n.op == "Flatten") {
        // keep labels of non-unit dims; fine as long as the non-unit dims survive in order
        const Shape& os = g.t(n.outputs[0]).shape;
        std::vector<int> nonunit_in, nl;
        for (size_t i = 0; i < in_shape.size(); ++i)
          if (in_shape[i] != 1) nonunit_in.push_back(labels[i]);
        Shape in_nu, out_nu;
        for (auto d : in_shape)
          if (d != 1) in_nu.push_back(d);
        for (auto d : os)
          if (d != 1) out_nu.push_back(d);
        if (in_nu != out_nu) {
          ok = false;
          break;
        }
        size_t j = 0;
        for (auto d : os) nl.push_back(d == 1 ? -1 : nonunit_in[j++]);
        labels = nl;
      } else if (n.op == "Transpose") {
        const auto perm = ops::perm_of(n, labels.size());
        std::vector<int> nl;
        for (auto p : perm) nl.push_back(labels[static_cast<size_t>(p)]);
        labels = nl;
      } else if (n.op == "Gather") {
        const Tensor& idx = g.t(n.inputs[1]);
        const size_t axis = static_cast<size_t>(ops::norm_axis(g, n, n.attr_int("axis", 0), in_shape.size()));
        if (!idx.is_const || idx.elements() != 1 || !idx.shape.empty()) {
          ok = false;
          break;
        }
        const int64_t steps = yshape[0];
        int64_t i = idx.as_int64()[0];
        if (i < 0) i += in_shape[axis];
        const bool last = reverse ? i == 0 : i == steps - 1;
        // the time axis must be the gathered one (a unit time axis can be unlabelled)
        if (!last || !(labels[axis] == T || (steps == 1 && labels[axis] == -1))) {
          ok = false;
          break;
        }
        // remaining non-unit dims must keep the D, B, H order of Y_h
        int prev = -1;
        for (size_t a = 0; a < labels.size(); ++a) {
          if (a == axis || in_shape[a] == 1) continue;
          if (labels[a] <= prev) ok = false;
          prev = labels[a];
        }
        if (!ok) break;
        // rewrite: GRU produces Y_h; a view gives it the Gather's shape
        const std::string gather_name = n.name, gru_name = g.nodes[k].name;
        Node& gru = g.nodes[k];
        const TensorId gather_out = n.outputs[0];
        TensorId yh = gru.outputs.size() > 1 ? gru.outputs[1] : kNoTensor;
        if (yh == kNoTensor) {
          Tensor t;
          t.name = g.unique_name(g.t(gru.outputs[0]).name + "_last");
          t.dtype = g.t(gru.outputs[0]).dtype;
          t.quant = g.t(gru.outputs[0]).quant;
          t.shape = {yshape[1], yshape[2], yshape[3]};
          t.shape_known = true;
          yh = g.add_tensor(t);
          gru.outputs.resize(2, kNoTensor);
          gru.outputs[1] = yh;
        } else if (!(g.t(yh).quant == g.t(gru.outputs[0]).quant) || g.t(yh).dtype != g.t(gru.outputs[0]).dtype) {
          ok = false;
          break;
        }
        Node& gat = g.nodes[static_cast<size_t>(c)];
        gat.op = "Reshape";
        gat.attrs.clear();
        Shape target = g.t(gather_out).shape;
        gat.inputs = {yh, g.add_tensor(make_const(g.unique_name(gat.name + "_shape"), DType::I64,
                                                  {static_cast<int64_t>(target.size())}, target))};
        // move the view right after the GRU so its input exists when it runs
        Node moved = gat;
        g.nodes.erase(g.nodes.begin() + c);
        g.nodes.insert(g.nodes.begin() + static_cast<long>(k) + 1, moved);
        log.add("rnn-last-step: '" + gather_name + "' reads only the last step of '" + gru_name +
                "': the " + g.nodes[k].op + " writes its final state instead of the whole sequence");
        break;
      } else {
        ok = false;
        break;
      }
      cur = n.outputs[0];
    }
  }
}

}  // namespace eg::passes
