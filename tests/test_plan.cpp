#include <gtest/gtest.h>

#include "pipeline/compile.h"
#include "plan/memory_plan.h"
#include "test_util.h"

using namespace eg;

// Two blocks live at the same step must not share bytes.
static void expect_no_overlap(const plan::MemoryPlan& p) {
  for (size_t i = 0; i < p.blocks.size(); ++i)
    for (size_t j = i + 1; j < p.blocks.size(); ++j) {
      const auto& a = p.blocks[i];
      const auto& b = p.blocks[j];
      const bool time = !(a.last < b.first || b.last < a.first);
      const bool space = !(a.offset + a.size <= b.offset || b.offset + b.size <= a.offset);
      EXPECT_FALSE(time && space) << "blocks " << i << " and " << j << " overlap";
    }
}

class PlanOnModels : public ::testing::TestWithParam<std::string> {};

TEST_P(PlanOnModels, ValidAndCloseToLowerBound) {
  auto c = test::compile_model(GetParam());
  expect_no_overlap(c.plan);
  EXPECT_GE(c.plan.activations_bytes, c.plan.lower_bound);
  EXPECT_LE(static_cast<double>(c.plan.activations_bytes), 1.05 * static_cast<double>(c.plan.lower_bound) + 8)
      << "plan " << c.plan.activations_bytes << " vs lower bound " << c.plan.lower_bound;
  for (const auto& b : c.plan.blocks) EXPECT_EQ(b.offset % c.plan.alignment, 0u);
}

INSTANTIATE_TEST_SUITE_P(Models, PlanOnModels,
                         ::testing::Values("seed_cnn_gru_qdq", "seed_cnn_gru_f32", "ad_fc_ae_qdq", "ad_fc_ae_f32"));

TEST(Plan, ViewsShareTheirSourceBytes) {
  auto c = test::compile_model("seed_cnn_gru_qdq");
  const auto views = plan::view_sources(c.lowered);
  ASSERT_FALSE(views.empty());
  for (const auto& [v, src] : views) EXPECT_EQ(c.plan.offset.at(v), c.plan.offset.at(src));
}
