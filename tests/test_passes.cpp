#include <gtest/gtest.h>

#include "pipeline/compile.h"
#include "onnx/import.h"
#include "ops/registry.h"
#include "passes/passes.h"
#include "ref/interpreter.h"
#include "test_util.h"

using namespace eg;

static int count_op(const Graph& g, const std::string& op) {
  int n = 0;
  for (const auto& node : g.nodes) n += node.op == op;
  return n;
}

TEST(Passes, SeedQdqBecomesInt8Kernels) {
  auto c = test::compile_model("seed_cnn_gru_qdq");
  const Graph& g = c.lowered;
  EXPECT_EQ(count_op(g, "QuantizeLinear"), 0);
  EXPECT_EQ(count_op(g, "DequantizeLinear"), 0);
  EXPECT_EQ(count_op(g, "Transpose"), 0) << "layout pass should remove every transpose of the seed";
  EXPECT_EQ(count_op(g, "Gather"), 0) << "last-step gather should become the GRU's final state";
  // the network takes and gives int8, with the model's quantization
  EXPECT_EQ(g.t(g.inputs[0]).dtype, DType::I8);
  ASSERT_TRUE(g.t(g.inputs[0]).quant);
  EXPECT_NEAR(g.t(g.inputs[0]).quant->scale[0], 0.0039214f, 1e-6);
  EXPECT_EQ(g.t(g.inputs[0]).quant->zero_point[0], -128);
  EXPECT_EQ(g.t(g.outputs[0]).dtype, DType::I8);
  for (const auto& n : g.nodes) {
    if (n.op == "Conv") {
      EXPECT_EQ(g.t(n.inputs[0]).dtype, DType::I8);
      EXPECT_EQ(g.t(n.inputs[1]).dtype, DType::I8);
      EXPECT_EQ(g.t(n.inputs[2]).dtype, DType::I32);
      EXPECT_EQ(n.attr_string("layout", ""), "NHWC");
      EXPECT_EQ(n.attr_float("act_min", -1.0f), 0.0f) << "Relu fused";
    }
    if (n.op == "GRU") {
      EXPECT_EQ(g.t(n.inputs[0]).dtype, DType::I8) << "GRU reads int8 directly";
      EXPECT_EQ(n.outputs[0], kNoTensor) << "sequence output dropped";
      ASSERT_GT(n.outputs.size(), 1u);
      EXPECT_EQ(g.t(n.outputs[1]).dtype, DType::I8);
    }
  }
}

// Builds x -> Transpose(p1) -> Transpose(p2) -> Relu -> y.
static Graph two_transposes(std::vector<int64_t> p1, std::vector<int64_t> p2) {
  Graph g;
  g.model_path = "synthetic";
  Tensor x;
  x.name = "x";
  x.dtype = DType::F32;
  x.shape = {2, 3, 4};
  g.inputs.push_back(g.add_tensor(x));
  auto t = [&](const std::string& name) {
    Tensor r;
    r.name = name;
    return g.add_tensor(r);
  };
  TensorId a = t("a"), b = t("b"), y = t("y");
  Node n1{"t1", "Transpose", "", {g.inputs[0]}, {a}, {{"perm", p1}}, {0}};
  Node n2{"t2", "Transpose", "", {a}, {b}, {{"perm", p2}}, {1}};
  Node n3{"r", "Relu", "", {b}, {y}, {}, {2}};
  g.nodes = {n1, n2, n3};
  g.outputs = {y};
  ops::infer_shapes(g, false);
  return g;
}

TEST(Passes, InverseTransposesCancel) {
  Graph g = two_transposes({0, 2, 1}, {0, 2, 1});
  passes::PassLog log;
  passes::transpose_cleanup(g, log);
  passes::dead_code(g, log);
  EXPECT_EQ(count_op(g, "Transpose"), 0);
  EXPECT_EQ(g.t(g.outputs[0]).shape, (Shape{2, 3, 4}));
}

TEST(Passes, ComposedTransposeKeepsSemantics) {
  Graph g = two_transposes({1, 0, 2}, {0, 2, 1});
  Graph before = g;
  passes::PassLog log;
  passes::transpose_cleanup(g, log);
  passes::dead_code(g, log);
  EXPECT_EQ(count_op(g, "Transpose"), 1);
  Tensor in = g.t(g.inputs[0]);
  in.data.resize(in.bytes());
  for (size_t i = 0; i < 24; ++i) reinterpret_cast<float*>(in.data.data())[i] = static_cast<float>(i) - 7.0f;
  auto a = ref::run(before, {in});
  auto b = ref::run(g, {in});
  EXPECT_EQ(a[0].shape, b[0].shape);
  EXPECT_EQ(a[0].data, b[0].data);
}

TEST(Passes, FloatReluFusesIntoConv) {
  auto c = test::compile_model("seed_cnn_gru_f32");
  EXPECT_EQ(count_op(c.lowered, "Relu"), 0);
  int convs = 0;
  for (const auto& n : c.lowered.nodes)
    if (n.op == "Conv") {
      ++convs;
      EXPECT_EQ(n.attr_float("act_min", -1.0f), 0.0f);
    }
  EXPECT_EQ(convs, 1);
}

// kws_dscnn_qdq: every int8 Conv's Relu sits between two quantizations (a LookupTable after
// fold_qdq); fuse_table moves each table into its Conv.
TEST(Passes, Int8TableFusesIntoConv) {
  auto c = test::compile_model("kws_dscnn_qdq");
  const Graph& g = c.lowered;
  EXPECT_EQ(count_op(g, "LookupTable"), 0);
  int fused = 0;
  for (const auto& n : g.nodes) {
    if (n.op != "Conv") continue;
    const Tensor* t = n.attr_tensor("out_table");
    ASSERT_NE(t, nullptr) << n.name;
    ++fused;
    EXPECT_EQ(t->dtype, DType::I8);
    EXPECT_EQ(t->elements(), 256);
    ASSERT_TRUE(n.has_attr("pre_table_scale") && n.has_attr("pre_table_zp"));
    // the Conv's output carries the table's quantization, not the one it requantizes to
    const Tensor& y = g.t(n.outputs[0]);
    ASSERT_TRUE(y.quant);
    EXPECT_NE(y.quant->scale[0], n.attr_float("pre_table_scale", 0.0f));
    EXPECT_EQ(n.origin.size(), 2u) << "both origins (the Conv and the Relu)";
  }
  EXPECT_EQ(fused, 9);
}
