// TFLite import against TensorFlow Lite Micro's reference kernels: every shared TFLite model, every
// test set, every operator output (intermediates/tensor_<index>.bin) through edgegen's reference
// interpreter (the portable C kernels with TFLite's arithmetic), plus the importer's error handling.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "ops/registry.h"
#include "pipeline/compile.h"
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

const char* const kModels[] = {"tflm_hello_world_int8", "mlperf_ad_fc_autoencoder", "mlperf_kws_dscnn",
                               "mlperf_ic_resnet8", "mlperf_vww_mobilenetv1_025"};

void write_bytes(const fs::path& p, const std::vector<uint8_t>& b) {
  std::ofstream(p, std::ios::binary).write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
}

// The CLI on a file cut short: exit code 2, one line on stderr naming the file, no output folder.
TEST(TfliteImport, TruncatedFilesFailWithOneLine) {
  const std::string dir = test::temp_dir("tflite-cut");
  for (const char* m : kModels) {
    const auto bytes = read_bytes(tflite_dir(m) + "/model.tflite");
    for (int k = 1; k <= 10; ++k) {
      const size_t cut = bytes.size() * static_cast<size_t>(k) / 11;
      const fs::path file = fs::path(dir) / (std::string(m) + "_cut" + std::to_string(k) + ".tflite");
      write_bytes(file, std::vector<uint8_t>(bytes.begin(), bytes.begin() + static_cast<long>(cut)));
      const fs::path out = fs::path(dir) / "out", err = fs::path(dir) / "err.txt";
      const std::string cmd = std::string(EDGEGEN_BIN) + " generate --model " + file.string() + " --output " +
                              out.string() + " >/dev/null 2>" + err.string();
      const int rc = std::system(cmd.c_str());
      ASSERT_TRUE(WIFEXITED(rc)) << cmd;
      EXPECT_EQ(WEXITSTATUS(rc), 2) << cmd;
      std::ifstream e(err);
      std::string all((std::istreambuf_iterator<char>(e)), std::istreambuf_iterator<char>());
      EXPECT_EQ(std::count(all.begin(), all.end(), '\n'), 1) << cmd << ": " << all;
      EXPECT_NE(all.find(file.string()), std::string::npos) << all;
      EXPECT_FALSE(fs::exists(out)) << cmd;
    }
  }
  fs::remove_all(dir);
}

// Flipped bits anywhere in the file: the compile either succeeds (a flip in the weights) or stops with
// one CompileError; never a crash, a hang or another exception.
TEST(TfliteImport, BitFlipsCompileOrFailCleanly) {
  const std::string dir = test::temp_dir("tflite-flip");
  uint64_t state = 0x9E3779B97F4A7C15ull;
  auto next = [&] {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  };
  int failed = 0, compiled = 0;
  for (const char* m : kModels) {
    const auto bytes = read_bytes(tflite_dir(m) + "/model.tflite");
    for (int k = 0; k < 12; ++k) {
      auto b = bytes;
      // half the flips in the first 4 KB and the last 1 KB (tables, vtables, offsets), half anywhere
      const size_t span = k % 2 ? b.size() : std::min<size_t>(b.size(), 4096);
      size_t at = static_cast<size_t>(next() % span);
      if (k % 4 == 2) at = b.size() - 1 - at % std::min<size_t>(b.size(), 1024);
      b[at] ^= static_cast<uint8_t>(1u << (next() % 8));
      const fs::path file = fs::path(dir) / "flipped.tflite";
      write_bytes(file, b);
      pipeline::Options o;
      o.model = file.string();
      o.output = dir + "/out";
      try {
        (void)pipeline::compile(o);
        ++compiled;
      } catch (const CompileError& e) {
        ++failed;
        EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos) << e.what();
      }
    }
  }
  EXPECT_EQ(failed + compiled, 60);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace eg
