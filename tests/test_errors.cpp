// Bad input: one clear line naming the file (and node/op), exit code 2, and
// no output folder left behind.
#include <gtest/gtest.h>

#include <onnx/onnx_pb.h>

#include <filesystem>
#include <fstream>

#include "toolchain/tools.h"
#include "test_util.h"
#include "validate/host_runner.h"

namespace fs = std::filesystem;
using eg::toolchain::run_command;

namespace {

struct CmdResult {
  int rc;
  std::string out;
};

CmdResult edgegen(const std::string& args) {
  CmdResult r;
  r.rc = run_command(std::string(EDGEGEN_BIN) + " " + args, &r.out);
  return r;
}

void expect_clean_error(const std::string& model, const std::vector<std::string>& words) {
  const std::string out = eg::test::temp_dir("err") + "/out";
  const CmdResult r = edgegen("generate --model '" + model + "' --target stm32f4 --output '" + out + "'");
  EXPECT_EQ(r.rc, 2) << r.out;
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1) << "one line expected:\n" << r.out;
  EXPECT_NE(r.out.find(model), std::string::npos) << r.out;
  for (const auto& w : words) EXPECT_NE(r.out.find(w), std::string::npos) << "missing '" << w << "' in: " << r.out;
  EXPECT_FALSE(fs::exists(out)) << "output folder was created";
  for (const auto& e : fs::directory_iterator(fs::path(out).parent_path()))
    EXPECT_EQ(e.path().filename().string().find("out"), std::string::npos) << "left behind: " << e.path();
}

}  // namespace

TEST(Errors, MissingFile) { expect_clean_error("/nonexistent/dir/model.onnx", {"not found"}); }

TEST(Errors, NotOnnx) {
  const std::string p = eg::test::temp_dir("notonnx") + "/model.onnx";
  std::ofstream(p) << "this is not a protobuf \xff\xff\xff\xff at all";
  expect_clean_error(p, {"not a valid ONNX model"});
}

TEST(Errors, TruncatedModel) {
  std::ifstream in(eg::test::model_path("seed_cnn_gru_qdq"), std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string p = eg::test::temp_dir("trunc") + "/model.onnx";
  std::ofstream(p, std::ios::binary) << bytes.substr(0, bytes.size() / 2);
  expect_clean_error(p, {"ONNX"});
}

TEST(Errors, UnsupportedOpNamesNodeAndOp) {
  onnx::ModelProto m;
  m.set_ir_version(7);
  m.add_opset_import()->set_version(13);
  auto* g = m.mutable_graph();
  g->set_name("bad");
  auto add_io = [](onnx::ValueInfoProto* v, const char* name) {
    v->set_name(name);
    auto* tt = v->mutable_type()->mutable_tensor_type();
    tt->set_elem_type(1);
    tt->mutable_shape()->add_dim()->set_dim_value(4);
  };
  add_io(g->add_input(), "x");
  add_io(g->add_output(), "y");
  auto* n = g->add_node();
  n->set_name("mystery_node");
  n->set_op_type("FrobnicateTensor");
  n->add_input("x");
  n->add_output("y");
  const std::string p = eg::test::temp_dir("unsup") + "/model.onnx";
  std::ofstream f(p, std::ios::binary);
  m.SerializeToOstream(&f);
  f.close();
  expect_clean_error(p, {"mystery_node", "FrobnicateTensor", "unsupported"});
}

TEST(Errors, UnknownTargetListsKnownOnes) {
  const CmdResult r = edgegen("analyze --model " + eg::test::model_path("seed_cnn_gru_qdq") + " --target stm32zz");
  EXPECT_EQ(r.rc, 2);
  EXPECT_NE(r.out.find("stm32f4"), std::string::npos) << r.out;
}

TEST(Errors, UnknownOptimizationListsTheModes) {
  const CmdResult r = edgegen("analyze --model " + eg::test::model_path("seed_cnn_gru_qdq") + " --optimization fast");
  EXPECT_EQ(r.rc, 2);
  for (const char* mode : {"time", "balanced", "ram"}) EXPECT_NE(r.out.find(mode), std::string::npos) << r.out;
}
