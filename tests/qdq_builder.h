// Small ONNX models built in a test: initializers, nodes, Q/DQ pairs, graph inputs/outputs.
#pragma once
#include <onnx/onnx_pb.h>

#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

namespace eg::test {

struct QdqBuilder {
  onnx::ModelProto m;
  onnx::GraphProto* g;
  int next = 0;
  explicit QdqBuilder(const std::string& graph_name, int opset = 13) {
    m.set_ir_version(7);
    m.add_opset_import()->set_version(opset);
    g = m.mutable_graph();
    g->set_name(graph_name);
  }
  std::string name(const std::string& base) { return base + "_" + std::to_string(next++); }
  std::string scalar_f(float v) {
    auto* t = g->add_initializer();
    t->set_name(name("f"));
    t->set_data_type(onnx::TensorProto::FLOAT);
    t->add_float_data(v);
    return t->name();
  }
  std::string scalar_i8(int v) {
    auto* t = g->add_initializer();
    t->set_name(name("z"));
    t->set_data_type(onnx::TensorProto::INT8);
    t->add_int32_data(v);
    return t->name();
  }
  // A node with one output; returns the output's name. `attrs` are integer-list attributes.
  std::string node(const std::string& op, const std::vector<std::string>& in,
                   const std::vector<std::pair<std::string, std::vector<int64_t>>>& attrs = {}) {
    auto* n = g->add_node();
    n->set_op_type(op);
    n->set_name(name(op));
    for (const auto& i : in) n->add_input(i);
    for (const auto& [k, v] : attrs) {
      auto* a = n->add_attribute();
      a->set_name(k);
      if (v.size() == 1 && (k == "count_include_pad" || k == "ceil_mode" || k == "axis")) {
        a->set_type(onnx::AttributeProto::INT);
        a->set_i(v[0]);
      } else {
        a->set_type(onnx::AttributeProto::INTS);
        for (int64_t x : v) a->add_ints(x);
      }
    }
    n->add_output(n->name() + "_out");
    return n->name() + "_out";
  }
  // x -> Q(s, z) -> DQ: a float tensor on an int8 grid
  std::string qdq(const std::string& x, float s, int z) {
    const std::string sc = scalar_f(s), zp = scalar_i8(z);
    return node("DequantizeLinear", {node("QuantizeLinear", {x, sc, zp}), sc, zp});
  }
  void io(onnx::ValueInfoProto* v, const std::string& nm, int type, const std::vector<int64_t>& dims) {
    v->set_name(nm);
    auto* tt = v->mutable_type()->mutable_tensor_type();
    tt->set_elem_type(type);
    for (int64_t d : dims) tt->mutable_shape()->add_dim()->set_dim_value(d);
  }
  std::string save(const std::string& path) const {
    std::ofstream f(path, std::ios::binary);
    m.SerializeToOstream(&f);
    return path;
  }
};

}  // namespace eg::test
