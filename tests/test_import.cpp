#include <gtest/gtest.h>

#include "onnx/import.h"
#include "ops/registry.h"
#include "test_util.h"
#include "util/error.h"

using namespace eg;

TEST(Import, SeedModelStructure) {
  Graph g = onnx_import::load_model(test::model_path("seed_cnn_gru_qdq"));
  EXPECT_EQ(g.opset, 13);
  ASSERT_EQ(g.inputs.size(), 1u);
  ASSERT_EQ(g.outputs.size(), 1u);
  EXPECT_EQ(g.t(g.inputs[0]).name, "input");
  EXPECT_EQ(g.t(g.inputs[0]).dtype, DType::F32);
  EXPECT_EQ(g.t(g.inputs[0]).shape, (Shape{1, 30, 10}));
  EXPECT_EQ(g.nodes.size(), 29u);
  auto w = g.find_tensor("conv_weight_quantized");
  ASSERT_TRUE(w);
  EXPECT_TRUE(g.t(*w).is_const);
  EXPECT_EQ(g.t(*w).dtype, DType::I8);
  EXPECT_EQ(g.t(*w).data.size(), 240u);
}

TEST(Import, ShapeInferenceMatchesModel) {
  Graph g = onnx_import::load_model(test::model_path("seed_cnn_gru_f32"));
  ops::infer_shapes(g, true);
  auto conv = g.find_tensor("/conv/Conv_output_0");
  ASSERT_TRUE(conv);
  EXPECT_EQ(g.t(*conv).shape, (Shape{1, 8, 28}));
  EXPECT_EQ(g.t(g.outputs[0]).shape, (Shape{1, 1}));
}

TEST(Import, TensorProtoRoundTrip) {
  Tensor t = onnx_import::load_tensor_pb(test::model_dir("seed_cnn_gru_qdq") + "/test_data_set_0/input_0.pb");
  EXPECT_EQ(t.dtype, DType::F32);
  EXPECT_EQ(t.elements(), 300);
  const std::string p = test::temp_dir("pb") + "/t.pb";
  onnx_import::save_tensor_pb(t, p);
  Tensor u = onnx_import::load_tensor_pb(p);
  EXPECT_EQ(u.data, t.data);
  EXPECT_EQ(u.shape, t.shape);
}

TEST(Import, MissingFileIsACompileError) {
  try {
    onnx_import::load_model("/nonexistent/model.onnx");
    FAIL() << "no error";
  } catch (const CompileError& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/model.onnx"), std::string::npos);
  }
}
