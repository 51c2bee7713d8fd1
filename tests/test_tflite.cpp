// TFLite import against TensorFlow Lite Micro's reference kernels: every shared TFLite model, every
// test set, every operator output (intermediates/tensor_<index>.bin) through edgegen's reference
// interpreter (the portable C kernels with TFLite's arithmetic), plus the importer's error handling.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "ops/registry.h"
#include "test_util.h"
#include "tflite/import.h"
#include "util/error.h"

namespace eg {
namespace {
namespace fs = std::filesystem;

std::string tflite_dir(const std::string& name) { return test::shared_dir() + "/tflite/" + name; }

std::vector<uint8_t> read_bytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Every operator output of every test set equals TFLite Micro's. SOFTMAX outputs may differ by one
// unit (the README's allowance); every other tensor must be exact.
void check_layers(const std::string& model) {
  const std::string dir = tflite_dir(model);
  Graph g0 = tflite_import::load_model(dir + "/model.tflite");
  ops::infer_shapes(g0, false);
  int sets = 0;
  for (int s = 0; fs::exists(dir + "/test_data_set_" + std::to_string(s)); ++s, ++sets) {
    const fs::path set = dir + "/test_data_set_" + std::to_string(s);
    Graph g = g0;
    Tensor& in = g.t(g.inputs.at(0));
    in.data = read_bytes(set / "input_0.bin");
    ASSERT_EQ(in.data.size(), in.bytes()) << set;
    in.is_const = true;
    size_t compared = 0;
    for (const Node& n : g.nodes) {
      ops::evaluate_node_into(g, n);
      const TensorId out = n.outputs[0];
      const fs::path ref = set / "intermediates" / ("tensor_" + std::to_string(out) + ".bin");
      if (!fs::exists(ref)) continue;
      const auto want = read_bytes(ref);
      const Tensor& got = g.t(out);
      ASSERT_EQ(got.data.size(), want.size()) << model << " set " << s << " " << n.name;
      ++compared;
      int worst = 0;
      size_t where = 0;
      for (size_t i = 0; i < want.size(); ++i) {
        const int d = std::abs(static_cast<int>(static_cast<int8_t>(got.data[i])) - static_cast<int8_t>(want[i]));
        if (d > worst) worst = d, where = i;
      }
      const int allowed = n.op == "SOFTMAX" ? 1 : 0;
      EXPECT_LE(worst, allowed) << model << " set " << s << " " << n.name << " (" << got.name << "): element "
                                << where << " differs by " << worst;
      if (worst > allowed) return;  // later layers only repeat the difference
    }
    EXPECT_EQ(compared, g.nodes.size()) << model << " set " << s << ": operators without a reference tensor";
  }
  EXPECT_GT(sets, 0);
}

TEST(TfliteLayers, HelloWorld) { check_layers("tflm_hello_world_int8"); }
TEST(TfliteLayers, AnomalyDetection) { check_layers("mlperf_ad_fc_autoencoder"); }
TEST(TfliteLayers, KeywordSpotting) { check_layers("mlperf_kws_dscnn"); }
TEST(TfliteLayers, ImageClassification) { check_layers("mlperf_ic_resnet8"); }
TEST(TfliteLayers, VisualWakeWords) { check_layers("mlperf_vww_mobilenetv1_025"); }

}  // namespace
}  // namespace eg
