// int8 QDQ average pools against ONNX Runtime (optimizations disabled): single-op models over
// every pooling path ONNX Runtime's CPU kernels take (global lane sums, 2-D/3-D column-then-row
// sums, the generic row-major sum), with equal input/output scales (real averages often sit
// exactly on a rounding tie) and different ones; 150 random inputs each, every value identical.
#include <gtest/gtest.h>

#include "pipeline/compile.h"
#include "ort_oracle.h"
#include "qdq_builder.h"
#include "test_util.h"
#include "validate/host_runner.h"

using namespace eg;

namespace {

struct PoolCase {
  std::string label, op;
  std::vector<int64_t> in;  // NC + spatial
  std::vector<std::pair<std::string, std::vector<int64_t>>> attrs;
  float out_scale;  // input: 0.02, zero point 3
  int out_zp;
};

std::string make_pool_model(const std::string& dir, const PoolCase& pc) {
  test::QdqBuilder b("qpool");
  b.io(b.g->add_input(), "x", onnx::TensorProto::FLOAT, pc.in);
  const std::string y = b.qdq(b.node(pc.op, {b.qdq("x", 0.02f, 3)}, pc.attrs), pc.out_scale, pc.out_zp);
  b.io(b.g->add_output(), y, onnx::TensorProto::FLOAT, {});
  return b.save(dir + "/model.onnx");
}

}  // namespace

TEST(QPool, AveragePoolsBitExactAgainstOnnxRuntime) {
  if (test::ort_node_path().empty()) GTEST_SKIP() << "node or onnxruntime-node missing (scripts/install-deps.sh)";
  using A = std::vector<std::pair<std::string, std::vector<int64_t>>>;
  const std::vector<PoolCase> cases = {
      {"global 5x5 (lanes + rest)", "GlobalAveragePool", {1, 16, 5, 5}, {}, 0.02f, 3},
      {"global 8x8", "GlobalAveragePool", {1, 8, 8, 8}, {}, 0.013f, -5},
      {"kernel = map 25x5", "AveragePool", {1, 8, 25, 5}, A{{"kernel_shape", {25, 5}}}, 0.02f, 3},
      {"3x3 pad 1 exclude pad", "AveragePool", {1, 4, 7, 9}, A{{"kernel_shape", {3, 3}}, {"pads", {1, 1, 1, 1}}},
       0.02f, 3},
      {"3x3 pad 1 include pad", "AveragePool", {1, 4, 7, 9},
       A{{"kernel_shape", {3, 3}}, {"pads", {1, 1, 1, 1}}, {"count_include_pad", {1}}}, 0.017f, -9},
      {"2x2 stride 2", "AveragePool", {1, 4, 8, 10}, A{{"kernel_shape", {2, 2}}, {"strides", {2, 2}}}, 0.02f, 3},
      {"3x3 stride 2 pads 1,1,0,0", "AveragePool", {1, 4, 9, 9},
       A{{"kernel_shape", {3, 3}}, {"strides", {2, 2}}, {"pads", {1, 1, 0, 0}}}, 0.02f, 3},
      {"1-D k4 s2 pad 1", "AveragePool", {1, 4, 17}, A{{"kernel_shape", {4}}, {"strides", {2}}, {"pads", {1, 1}}},
       0.02f, 3},
      {"33x1 (generic: kernel > 32)", "AveragePool", {1, 2, 40, 3}, A{{"kernel_shape", {33, 1}}}, 0.02f, 3},
      {"3x3 stride 3 (generic)", "AveragePool", {1, 4, 10, 10}, A{{"kernel_shape", {3, 3}}, {"strides", {3, 3}}},
       0.011f, 0},
      {"3-D 2x2x2", "AveragePool", {1, 2, 4, 5, 6}, A{{"kernel_shape", {2, 2, 2}}}, 0.02f, 3},
  };
  for (size_t i = 0; i < cases.size(); ++i) {
    const PoolCase& pc = cases[i];
    const std::string dir = test::temp_dir("qpool" + std::to_string(i));
    pipeline::Options o;
    o.model = make_pool_model(dir, pc);
    const auto c = pipeline::compile(o);
    EXPECT_NE(c.code.files.at("network.c").find("eg_avgpool_s8_ort("), std::string::npos) << pc.label;
    validate::ValidateOptions vo;
    vo.batches = 150;
    const auto samples = validate::make_inputs(c, vo);
    const auto r = test::compare_with_ort(c, samples, dir, validate::host_runner(c, dir + "/host"));
    ASSERT_EQ(r.outputs.size(), 1u);
    const auto& m = r.outputs[0].metrics;
    ASSERT_TRUE(m.bitexact.has_value());
    EXPECT_EQ(*m.bitexact, 1.0) << pc.label << ": max " << *m.max_lsb << " LSB";
    std::printf("[ qpool %-28s ] %zu values, bit-exact %.3f%%\n", pc.label.c_str(), m.count, 100.0 * *m.bitexact);
  }
}
