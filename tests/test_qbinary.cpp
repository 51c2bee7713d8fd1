// int8 QDQ Add/Sub/Mul through the whole compiler: a small model with a scalar
// constant operand on either side (emitted as eg_lut_s8 tables computed with
// the kernel's formula) and with two runtime operands (eg_qaddsub_s8_tab's
// folded tables under --optimization time, eg_qbinary_s8 otherwise), built
// with gcc and compared with the reference interpreter on random inputs
// (within 1 LSB: the reference computes in double).
#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>

#include <fstream>

#include "pipeline/compile.h"
#include "qdq_builder.h"
#include "test_util.h"
#include "validate/host_runner.h"
#include "validate/validate.h"

using namespace eg;

namespace {

// One op between QDQ pairs (a chain would add up the reference's 1-LSB differences):
// 0: x + c, 1: c - x, 2: c * x, 3: x + x2, 4: x2 - x, 5: x * x2; float output as in the shared models.
std::string make_model(const std::string& dir, int op) {
  test::QdqBuilder b("qbinary");
  b.io(b.g->add_input(), "x", onnx::TensorProto::FLOAT, {1, 8, 8, 6});
  b.io(b.g->add_input(), "x2", onnx::TensorProto::FLOAT, {1, 8, 8, 6});
  const std::string x = b.qdq("x", 0.02f, 3), x2 = b.qdq("x2", 0.031f, -7);
  std::string t;
  switch (op) {
    case 0: t = b.node("Add", {x, b.scalar_f(0.7f)}); break;
    case 1: t = b.node("Sub", {b.scalar_f(1.3f), x}); break;
    case 2: t = b.node("Mul", {b.scalar_f(-0.9f), x}); break;
    case 3: t = b.node("Add", {x, x2}); break;
    case 4: t = b.node("Sub", {x2, x}); break;
    default: t = b.node("Mul", {x, x2}); break;
  }
  const std::string y = b.qdq(t, op == 5 ? 0.01f : 0.025f, -20);
  b.io(b.g->add_output(), y, onnx::TensorProto::FLOAT, {1, 8, 8, 6});
  return b.save(dir + "/model.onnx");
}

// Each op on 8 random samples: within 1 LSB of the reference, and the expected kernel call.
void check(const std::string& optimization, const std::vector<std::string>& calls) {
  for (int op = 0; op < 6; ++op) {
    const std::string dir = test::temp_dir("qbin-" + optimization + std::to_string(op));
    pipeline::Options o;
    o.model = make_model(dir, op);
    o.optimization = *parse_optimization(optimization);
    const auto c = pipeline::compile(o);
    const std::string& net = c.code.files.at("network.c");
    EXPECT_NE(net.find(calls[static_cast<size_t>(op)]), std::string::npos)
        << "op " << op << ": no " << calls[static_cast<size_t>(op)] << " in\n" << net;
    validate::ValidateOptions vo;
    vo.batches = 8;
    auto build = validate::build_host(c, dir, "gcc");
    auto runner = [&](const std::vector<std::vector<uint8_t>>& in, size_t n) {
      return validate::run_host(c, build, dir, in, n);
    };
    const auto r = validate::run_validate(c, vo, runner);
    ASSERT_EQ(r.outputs.size(), 1u);
    const auto& m = r.outputs[0].metrics;
    ASSERT_TRUE(m.max_lsb.has_value());
    EXPECT_LE(*m.max_lsb, 1.0 + 1e-6) << "op " << op;
    std::printf("[ qbinary %s op %d ] max %.2f LSB, bit-exact %.1f%%\n", optimization.c_str(), op, *m.max_lsb,
                100.0 * *m.bitexact);
  }
}

}  // namespace

// (x + c and c * x may already be lookup tables made by the QDQ folding pass.)
TEST(QBinary, TimeTablesAndScalarConstants) {
  check("time", {"eg_lut_s8(", "eg_lut_s8(", "eg_lut_s8(", "eg_qaddsub_s8_tab(", "eg_qaddsub_s8_tab(", "eg_qbinary_s8("});
}

TEST(QBinary, BalancedComputed) {
  check("balanced", {"eg_lut_s8(", "eg_lut_s8(", "eg_lut_s8(", "eg_qbinary_s8(", "eg_qbinary_s8(", "eg_qbinary_s8("});
}
