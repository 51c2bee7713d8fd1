// The MLPerf-Tiny-shaped models and the seed: generate, build with gcc, run on
// their ONNX Runtime reference sets. int8 outputs within 1 LSB, float within
// 1e-4 relative to the output's range; prints the bit-exact share / max error.
#include <gtest/gtest.h>

#include <cmath>
#include <regex>

#include "pipeline/compile.h"
#include "test_util.h"
#include "toolchain/target.h"
#include "validate/host_runner.h"
#include "validate/validate.h"

using namespace eg;

class ModelVsOrt : public ::testing::TestWithParam<std::string> {};

TEST_P(ModelVsOrt, MatchesReference) {
  const std::string name = GetParam();
  const auto c = test::compile_model(name);
  validate::ValidateOptions vo;
  vo.valinput = vo.valoutput = {test::model_dir(name)};
  const std::string dir = test::temp_dir("m-" + name);
  auto build = validate::build_host(c, dir, "gcc");
  auto runner = [&](const std::vector<std::vector<uint8_t>>& in, size_t n) {
    return validate::run_host(c, build, dir, in, n);
  };
  const auto r = validate::run_validate(c, vo, runner);
  ASSERT_EQ(r.samples, 5u);
  for (const auto& out : r.outputs) {
    const auto& m = out.metrics;
    if (m.max_lsb) {
      EXPECT_LE(*m.max_lsb, 1.0 + 1e-6) << name;
      std::printf("[ %s ] int8: max %.2f LSB, bit-exact %.1f%% of %zu values, activations %zu B (lower bound %zu B)\n",
                  name.c_str(), *m.max_lsb, 100.0 * *m.bitexact, m.count, c.plan.activations_bytes,
                  c.plan.lower_bound);
    } else {
      // relative error as ||out - ref|| / ||ref||, so near-zero outputs do not dominate
      EXPECT_LE(m.l2r, 1e-4) << name << ": relative L2 error " << m.l2r;
      std::printf("[ %s ] float: max abs error %.3g, relative L2 %.3g, activations %zu B (lower bound %zu B)\n",
                  name.c_str(), m.max_abs, m.l2r, c.plan.activations_bytes, c.plan.lower_bound);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Shared, ModelVsOrt,
                         ::testing::Values("seed_cnn_gru_qdq", "seed_cnn_gru_f32", "ad_fc_ae_qdq", "ad_fc_ae_f32",
                                           "kws_dscnn_qdq", "kws_dscnn_f32", "vww_mbv1_qdq", "vww_mbv1_f32",
                                           "ic_resnet8_qdq", "ic_resnet8_f32", "har_cnn_lstm_qdq",
                                           "har_cnn_lstm_f32"));

// ONNX Runtime's float chain (eg_ort_chain: the layer's float scales, in flash) is emitted only where
// the kernel the target runs reads it (eg_conv_s8_reads_ort): every int8 Conv/Gemm of the host's C,
// only the reference loops' layers of a DSP target's C.
TEST(OrtChain, OnlyWhereTheTargetsKernelReadsIt) {
  auto count = [](const std::string& text, const std::regex& re) {
    return static_cast<size_t>(std::distance(std::sregex_iterator(text.begin(), text.end(), re), std::sregex_iterator()));
  };
  const std::regex call(R"(eg_(conv|fc)_s8_\w+\(&)"), ref(R"(eg_(conv_s8_ref|fc_s8_small)\(&)"), chain("eg_ort_chain ");
  for (const std::string name : {"kws_dscnn_qdq", "ic_resnet8_qdq", "ad_fc_ae_qdq"}) {
    for (const std::string series : {"host", "stm32f4"}) {
      pipeline::Options o;
      o.model = test::model_path(name);
      o.target = toolchain::parse_target(series, "test");
      const auto c = pipeline::compile(o);
      const std::string& net = c.code.files.at("network.c");
      const size_t layers = count(net, call), chains = count(net, chain);
      ASSERT_GT(layers, 0u) << name;
      EXPECT_EQ(chains, series == "host" ? layers : count(net, ref)) << name << " " << series;
      if (series != "host") EXPECT_LT(chains, layers) << name << ": no DSP path chosen";
    }
  }
}
