//===- PolicyTest.cpp - Defaults, patterns and .kreach.yaml ---------------===//

#include "kreach/Policy.h"
#include "gtest/gtest.h"

using namespace kreach;

namespace {

TEST(PolicyTest, DefaultsCoverEveryKernelGeneration) {
  Policy P = Policy::defaults();
  for (const char *F : {"mmu_notifier_ops::invalidate_range_start",
                        "mmu_notifier_ops::invalidate_range",
                        "mmu_notifier_ops::arch_invalidate_secondary_tlbs",
                        "mmu_interval_notifier_ops::invalidate",
                        "mmu_interval_notifier_ops::invalidate_start",
                        "mmu_interval_notifier_ops::invalidate_finish"})
    EXPECT_TRUE(P.isRootField(F)) << F;
  EXPECT_FALSE(P.isRootField("mmu_notifier_ops::release"));
  for (const char *S : {"dma_fence_wait", "dma_resv_wait_timeout_rcu",
                        "reservation_object_wait_timeout_rcu", "fence_wait_timeout"})
    EXPECT_TRUE(P.isSinkFunction(S)) << S;
  EXPECT_TRUE(P.isSinkField("dma_fence_ops::wait"));
  EXPECT_TRUE(P.isAllowedPath("drivers/gpu/drm/amd/amdgpu/amdgpu_hmm.c"));
  EXPECT_FALSE(P.isAllowedPath("drivers/gpux/a.c"));
  EXPECT_FALSE(P.isAllowedPath("drivers/infiniband/core/umem_odp.c"));
  EXPECT_TRUE(P.isAsyncField("work_struct::func"));
  EXPECT_TRUE(P.isIgnored("out_of_memory"));
  EXPECT_TRUE(P.isIgnored("__schedule"));
  EXPECT_FALSE(P.isIgnored("schedule_work"));
  EXPECT_TRUE(P.isUnresolvedField("mm_walk_ops::pte_hole"));
}

TEST(PolicyTest, SummaryFingerprintFollowsWhatShapesTheGraph) {
  PolicyConfig C = PolicyConfig::defaults();
  std::string Default = Policy::defaults().summaryFingerprint();
  C.AllowedPaths = {"drivers/"};
  EXPECT_EQ(llvm::cantFail(Policy::create(C)).summaryFingerprint(), Default);
  C.UnresolvedFields.clear();
  EXPECT_NE(llvm::cantFail(Policy::create(C)).summaryFingerprint(), Default);
}

TEST(PolicyTest, PoliciesCopySafely) {
  Policy Copy = [] {
    PolicyConfig C = PolicyConfig::defaults();
    C.AllowedPaths = {std::string("drivers/accel/") + "x/"};
    return llvm::cantFail(Policy::create(C));
  }();
  Policy Second = Copy;
  EXPECT_TRUE(Second.isAllowedPath("drivers/accel/x/y.c"));
  EXPECT_FALSE(Second.isAllowedPath("drivers/gpu/y.c"));
}

TEST(PolicyTest, ConfigReplacesAndExtends) {
  llvm::Expected<PolicyConfig> C = parseConfig(
      "allowed_paths: [drivers/gpu/, drivers/accel/]\n"
      "add_root_fields:\n  - mmu_notifier_ops::release\n"
      "add_sink_functions: [my_wait]\n"
      "add_ignore_functions: [trusted_*]\n",
      ".kreach.yaml");
  ASSERT_TRUE(bool(C)) << llvm::toString(C.takeError());
  Policy P = llvm::cantFail(Policy::create(*C));
  EXPECT_TRUE(P.isAllowedPath("drivers/accel/a.c"));
  EXPECT_TRUE(P.isRootField("mmu_notifier_ops::release"));
  EXPECT_TRUE(P.isRootField("mmu_notifier_ops::invalidate_range_start"));
  EXPECT_TRUE(P.isSinkFunction("my_wait"));
  EXPECT_TRUE(P.isSinkFunction("dma_fence_wait"));
  EXPECT_TRUE(P.isIgnored("trusted_helper"));
  EXPECT_TRUE(P.isIgnored("panic"));
}

TEST(PolicyTest, ConfigErrorsNameFileLineAndColumn) {
  llvm::Expected<PolicyConfig> C =
      parseConfig("allowed_paths: [drivers/gpu/]\nroot_feilds: [x]\n", "cfg.yaml");
  ASSERT_FALSE(bool(C));
  EXPECT_EQ(llvm::toString(C.takeError()), "cfg.yaml:2:1: unknown key 'root_feilds'");
  C = parseConfig("allowed_paths: drivers/gpu/\n", "cfg.yaml");
  ASSERT_FALSE(bool(C));
  EXPECT_EQ(llvm::toString(C.takeError()), "cfg.yaml:1:16: expected a list of strings");
  C = parseConfig("allowed_paths: [\n", "cfg.yaml");
  ASSERT_FALSE(bool(C));
  EXPECT_NE(llvm::toString(C.takeError()).find("cfg.yaml:"), std::string::npos);
}

TEST(PolicyTest, SplitListAcceptsTidyStyle) {
  EXPECT_EQ(splitList("a; b,c;;"), (std::vector<std::string>{"a", "b", "c"}));
}

} // namespace
