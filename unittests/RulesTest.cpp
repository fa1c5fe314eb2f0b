//===- RulesTest.cpp - Built-in rules, patterns and .kreach.yaml ----------===//

#include "kreach/Rules.h"
#include "gtest/gtest.h"

using namespace kreach;

namespace {

constexpr const char *Notifier = "linuxkernel-mmu-notifier-dma-fence-wait";
constexpr const char *Shrinker = "linuxkernel-shrinker-dma-fence-wait";
constexpr const char *Sleep = "linuxkernel-mmu-notifier-nonblock-sleep";

Rule builtinRule(const char *Name) {
  return llvm::cantFail(Rule::create(*RulesConfig::builtin().find(Name)));
}

RuleSet parseRules(llvm::StringRef Text) {
  llvm::Expected<RulesConfig> C = parseConfig(Text, ".kreach.yaml");
  if (!C) {
    ADD_FAILURE() << llvm::toString(C.takeError());
    return RuleSet::builtin();
  }
  return llvm::cantFail(RuleSet::create(*C));
}

std::string parseError(llvm::StringRef Text) {
  llvm::Expected<RulesConfig> C = parseConfig(Text, "cfg.yaml");
  if (C)
    return "(parsed)";
  return llvm::toString(C.takeError());
}

TEST(RulesTest, BuiltinRulesComeFromTheDataFiles) {
  RulesConfig C = RulesConfig::builtin();
  ASSERT_EQ(C.Rules.size(), 5u);
  EXPECT_EQ(C.Rules[0].Name, Notifier);
  EXPECT_EQ(C.Rules[1].Name, Shrinker);
  EXPECT_EQ(C.Rules[2].Name, Sleep);
  EXPECT_EQ(C.Rules[2].Kind, RuleKind::NonBlockingSleep);
  EXPECT_EQ(C.Rules[3].Name, "linuxkernel-mmu-notifier-reclaim");
  EXPECT_EQ(C.Rules[4].Name, "linuxkernel-dma-fence-signalling");
  for (const RuleConfig &R : C.Rules) {
    EXPECT_FALSE(R.Summary.empty()) << R.Name;
    EXPECT_FALSE(R.Description.empty()) << R.Name;
    EXPECT_NE(R.Origin.find("rules/"), std::string::npos) << R.Origin;
  }
  RuleSet Set = RuleSet::builtin();
  EXPECT_EQ(Set.ofKind(RuleKind::Reachability).size(), 4u);
  EXPECT_EQ(Set.find(Shrinker)->camelName(), "ShrinkerDmaFenceWait");
}

TEST(RulesTest, ReclaimRulesHaveAllocationSinksOthersDoNot) {
  Rule Reclaim = builtinRule("linuxkernel-mmu-notifier-reclaim");
  Rule Signalling = builtinRule("linuxkernel-dma-fence-signalling");
  EXPECT_TRUE(Reclaim.hasReclaimSinks());
  EXPECT_EQ(Reclaim.reclaimFlags(), 0x400u);
  EXPECT_FALSE(Reclaim.isSinkFunction("dma_fence_wait")); // Allocations only.
  EXPECT_TRUE(Signalling.isSinkFunction("dma_fence_wait"));
  EXPECT_TRUE(Signalling.hasReclaimSinks());
  EXPECT_TRUE(Signalling.hasSections());
  EXPECT_TRUE(Signalling.isSectionBegin("dma_fence_begin_signalling"));
  EXPECT_TRUE(Signalling.isSectionEnd("dma_fence_end_signalling"));
  EXPECT_TRUE(Signalling.isRootField("drm_sched_backend_ops::run_job"));
  EXPECT_FALSE(builtinRule(Notifier).hasReclaimSinks()); // Inherits the list, not the sinks.
  EXPECT_FALSE(builtinRule(Notifier).hasSections());
  bool Always = false;
  llvm::SmallVector<unsigned, 2> Masks;
  EXPECT_TRUE(Reclaim.isAllocation("kmalloc_noprof", Always, Masks));
  EXPECT_FALSE(Always);
  EXPECT_EQ(Masks, (llvm::SmallVector<unsigned, 2>{1}));
  EXPECT_TRUE(Reclaim.isAllocation("kcalloc", Always, Masks));
  EXPECT_EQ(Masks, (llvm::SmallVector<unsigned, 2>{2}));
  EXPECT_TRUE(Reclaim.isAllocation("vmalloc", Always, Masks));
  EXPECT_TRUE(Always);
  EXPECT_FALSE(Reclaim.isAllocation("kfree", Always, Masks));
  // Allocation sinks are part of the summaries' fingerprint.
  EXPECT_NE(Reclaim.summaryFingerprint(), builtinRule(Notifier).summaryFingerprint());
}

TEST(RulesTest, NotifierRuleCoversEveryKernelGeneration) {
  Rule P = builtinRule(Notifier);
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
  // Value flow binds each walk to its own ops: no field is left unresolved.
  EXPECT_FALSE(P.isUnresolvedField("mm_walk_ops::pte_hole"));
  EXPECT_EQ(P.expand("outside {allowed}."), "outside drivers/gpu/.");
}

TEST(RulesTest, ShrinkerRuleSharesTheNotifierRulesSinks) {
  Rule S = builtinRule(Shrinker);
  EXPECT_TRUE(S.isRootField("shrinker::scan_objects"));
  EXPECT_TRUE(S.isRootField("shrinker::count_objects"));
  EXPECT_FALSE(S.isRootField("mmu_notifier_ops::invalidate_range_start"));
  EXPECT_TRUE(S.isSinkFunction("dma_resv_wait_timeout"));
  EXPECT_TRUE(S.isAllowedPath("drivers/gpu/drm/i915/gem/i915_gem_shrinker.c"));
  // Different roots, so different summaries: calls through root fields are
  // not followed.
  EXPECT_NE(S.summaryFingerprint(), builtinRule(Notifier).summaryFingerprint());
}

TEST(RulesTest, EachRuleStopsAtEveryRulesRoots) {
  RuleSet Set = RuleSet::builtin();
  const Rule &S = *Set.find(Shrinker);
  EXPECT_TRUE(S.isOtherRulesRootField("mmu_interval_notifier_ops::invalidate"));
  EXPECT_FALSE(S.isOtherRulesRootField("shrinker::scan_objects"));
  EXPECT_TRUE(Set.find(Notifier)->isOtherRulesRootField("shrinker::scan_objects"));
  // A rule compiled alone knows no other rule.
  EXPECT_FALSE(builtinRule(Shrinker).isOtherRulesRootField(
      "mmu_interval_notifier_ops::invalidate"));
  EXPECT_NE(S.summaryFingerprint(), builtinRule(Shrinker).summaryFingerprint());
}

TEST(RulesTest, SleepRuleListsContextsAndLocks) {
  Rule S = builtinRule(Sleep);
  EXPECT_TRUE(S.isRangeField("mmu_notifier_ops::invalidate_range_start"));
  EXPECT_TRUE(S.isPageTableLockField("mmu_notifier_ops::clear_young"));
  EXPECT_TRUE(S.isSleepingFunction("mutex_lock"));
  EXPECT_FALSE(S.isSleepingFunction("mutex_trylock"));
  EXPECT_TRUE(S.isSinkFunction("dma_fence_wait"));
  EXPECT_FALSE(S.isAllowedPath("drivers/gpu/x.c"));
}

TEST(RulesTest, SummaryFingerprintFollowsWhatShapesTheGraph) {
  RuleConfig C = *RulesConfig::builtin().find(Notifier);
  std::string Default = builtinRule(Notifier).summaryFingerprint();
  C.AllowedPaths = {"drivers/"};
  EXPECT_EQ(llvm::cantFail(Rule::create(C)).summaryFingerprint(), Default);
  C.UnresolvedFields = {"mm_walk_ops::*"};
  EXPECT_NE(llvm::cantFail(Rule::create(C)).summaryFingerprint(), Default);
}

// Registries shape the graph every rule reads: they are part of each rule's
// summary fingerprint, and `registries:` replaces the built-in list.
TEST(RulesTest, RegistriesAreDataAndShapeTheFingerprint) {
  RulesConfig Builtin = RulesConfig::builtin();
  ASSERT_EQ(Builtin.Registries.size(), 2u);
  EXPECT_EQ(Builtin.Registries[0].Field, "notifier_block::notifier_call");
  EXPECT_EQ(Builtin.Registries[1].Field, "wait_queue_entry::func");
  EXPECT_FALSE(Builtin.Registries[0].Register.empty());
  std::string Default = RuleSet::builtin().find(Notifier)->summaryFingerprint();
  llvm::Expected<RulesConfig> Mine = parseConfig(
      "registries:\n"
      "  - name: my chain\n"
      "    field: my_item::cb\n"
      "    register: [{function: my_register, head: 1, item: 0}]\n"
      "    call: [{function: my_call, head: 0}]\n",
      "mine.yaml");
  ASSERT_TRUE(bool(Mine)) << llvm::toString(Mine.takeError());
  ASSERT_EQ(Mine->Registries.size(), 1u);
  EXPECT_EQ(Mine->Registries[0].Register[0].Head, 1u);
  EXPECT_EQ(Mine->Registries[0].Register[0].Item, 0u);
  RuleSet Set = llvm::cantFail(RuleSet::create(*Mine));
  EXPECT_NE(Set.find(Notifier)->summaryFingerprint(), Default);
  for (const char *Bad :
       {"registries: [{name: x, field: y}]\n",
        "registries: [{name: x, field: a::b, register: [{function: f, head: 0}], "
        "call: [{function: g, head: 0}]}]\n",
        "registries: [{name: x, field: a::b, register: [{function: f, head: 0, item: 0}], "
        "call: [{function: g, head: 0}]}]\n",
        "registries: [{name: x, field: a::b, colour: red}]\n"}) {
    llvm::Expected<RulesConfig> C = parseConfig(Bad, "bad.yaml");
    EXPECT_FALSE(bool(C)) << Bad;
    if (!C)
      llvm::consumeError(C.takeError());
  }
}

TEST(RulesTest, RulesCopySafely) {
  Rule Copy = [] {
    RuleConfig C = *RulesConfig::builtin().find(Notifier);
    C.AllowedPaths = {std::string("drivers/accel/") + "x/"};
    return llvm::cantFail(Rule::create(C));
  }();
  Rule Second = Copy;
  EXPECT_TRUE(Second.isAllowedPath("drivers/accel/x/y.c"));
  EXPECT_FALSE(Second.isAllowedPath("drivers/gpu/y.c"));
}

TEST(RulesTest, TopLevelSettingsChangeEveryRuleThatInheritsThem) {
  RuleSet Set = parseRules("allowed_paths: [drivers/gpu/, drivers/accel/]\n"
                           "add_root_fields:\n  - mmu_notifier_ops::release\n"
                           "add_sink_functions: [my_wait]\n"
                           "add_ignore_functions: [trusted_*]\n");
  const Rule &P = *Set.find(Notifier);
  EXPECT_TRUE(P.isAllowedPath("drivers/accel/a.c"));
  EXPECT_TRUE(P.isRootField("mmu_notifier_ops::release"));
  EXPECT_TRUE(P.isRootField("mmu_notifier_ops::invalidate_range_start"));
  EXPECT_TRUE(P.isSinkFunction("my_wait"));
  EXPECT_TRUE(P.isSinkFunction("dma_fence_wait"));
  EXPECT_TRUE(P.isIgnored("trusted_helper"));
  EXPECT_TRUE(P.isIgnored("panic"));
  const Rule &S = *Set.find(Shrinker);
  EXPECT_TRUE(S.isAllowedPath("drivers/accel/a.c"));
  EXPECT_TRUE(S.isSinkFunction("my_wait"));
  // Roots are the first rule's alone; rule 2 keeps the allowed paths it set.
  EXPECT_FALSE(S.isRootField("mmu_notifier_ops::release"));
  EXPECT_FALSE(Set.find(Sleep)->isAllowedPath("drivers/accel/a.c"));
}

TEST(RulesTest, RulesEntriesAddAndChangeRules) {
  RuleSet Set = parseRules("rules:\n"
                           "  - name: linuxkernel-oom-notifier-fence-wait\n"
                           "    root_kind: oom notifier callback\n"
                           "    root_fields: [notifier_block::notifier_call]\n"
                           "    severity: error\n"
                           "  - name: linuxkernel-shrinker-dma-fence-wait\n"
                           "    add_allowed_paths: [drivers/accel/]\n"
                           "  - name: linuxkernel-mmu-notifier-nonblock-sleep\n"
                           "    enabled: false\n"
                           "allowed_paths: [drivers/gpu/, drivers/misc/]\n");
  const Rule *Added = Set.find("linuxkernel-oom-notifier-fence-wait");
  ASSERT_TRUE(Added);
  EXPECT_TRUE(Added->isRootField("notifier_block::notifier_call"));
  EXPECT_TRUE(Added->isSinkFunction("dma_fence_wait")); // Inherited.
  EXPECT_EQ(Added->config().Severity, "error");
  EXPECT_TRUE(Added->isAllowedPath("drivers/misc/a.c")); // Set later, still inherited.
  const Rule &S = *Set.find(Shrinker);
  EXPECT_TRUE(S.isAllowedPath("drivers/accel/a.c"));
  // The shrinker rule owns its allowed paths now: the later top-level key
  // leaves them alone.
  EXPECT_FALSE(S.isAllowedPath("drivers/misc/a.c"));
  EXPECT_FALSE(Set.find(Sleep));
  EXPECT_EQ(Set.rules().size(), 5u);
}

TEST(RulesTest, BadRulesNameFileLineAndColumn) {
  EXPECT_EQ(parseError("rules:\n  - name: linuxkernel-x\n    root_feilds: [a::b]\n"),
            "cfg.yaml:3:5: unknown rule key 'root_feilds'");
  EXPECT_EQ(parseError("rules:\n  - name: linuxkernel-x\n    root_fields: ['a::[b']\n"),
            "cfg.yaml:3:19: bad pattern 'a::[b': invalid glob pattern, unmatched '['");
  EXPECT_EQ(parseError("rules:\n  - name: linuxkernel-x\n    root_fields: [a::b]\n"
                       "  - name: linuxkernel-x\n    root_fields: [a::c]\n"),
            "cfg.yaml:4:11: duplicate rule 'linuxkernel-x' (first given at cfg.yaml:2:11)");
  EXPECT_EQ(parseError("rules:\n  - root_fields: [a::b]\n    name: linuxkernel-x\n"),
            "cfg.yaml:2:5: a rule starts with its name ('name: linuxkernel-...')");
  EXPECT_EQ(parseError("rules:\n  - name: Linux_Kernel\n"),
            "cfg.yaml:2:11: bad rule name 'Linux_Kernel' (lower-case letters, digits and "
            "'-', as in linuxkernel-my-rule)");
  EXPECT_EQ(parseError("rules:\n  - name: linuxkernel-x\n"),
            "cfg.yaml:2:5: rule 'linuxkernel-x' has no root_fields or section_begin_functions");
  EXPECT_EQ(parseError("rules:\n  - name: linuxkernel-x\n    root_fields: [a::b]\n"
                       "    sink_functions: []\n    sink_fields: []\n"),
            "cfg.yaml:2:5: rule 'linuxkernel-x' has no sink_functions, sink_fields or "
            "reclaim_sinks");
  EXPECT_EQ(parseError("rules:\n  - name: linuxkernel-x\n    root_fields: [a::b]\n"
                       "    allocation_functions: [kmalloc:x]\n"),
            "cfg.yaml:4:28: expected 'function' or 'function:N' (N: the mask argument, "
            "from 0), not 'kmalloc:x'");
  EXPECT_EQ(parseError("rules:\n  - name: linuxkernel-x\n    root_fields: [a::b]\n"
                       "    reclaim_flags: none\n"),
            "cfg.yaml:4:20: expected a non-zero number (0x400)");
  EXPECT_EQ(parseError("rules:\n  - name: linuxkernel-x\n    root_fields: [a::b]\n"
                       "    reclaim_sinks: perhaps\n"),
            "cfg.yaml:4:20: expected true or false");
  EXPECT_EQ(parseError("rules:\n  - name: linuxkernel-x\n    root_fields: [a::b]\n"
                       "    root_fields: [a::c]\n"),
            "cfg.yaml:4:5: duplicate key 'root_fields' (first given at cfg.yaml:3:5)");
  EXPECT_EQ(parseError("rules:\n  - name: linuxkernel-x\n    root_fields: [a::b]\n"
                       "    severity: fatal\n"),
            "cfg.yaml:4:15: severity must be warning, error or note");
  EXPECT_EQ(parseError("rules:\n  - name: linuxkernel-x\n    root_fields: [a::b]\n"
                       "    enabled: maybe\n"),
            "cfg.yaml:4:14: expected true or false");
  EXPECT_EQ(parseError("rules: linuxkernel-x\n"), "cfg.yaml:1:8: expected a list of rules");
  EXPECT_EQ(parseError("rules:\n  - linuxkernel-x\n"),
            "cfg.yaml:2:5: expected a rule (a mapping with a name)");
}

TEST(RulesTest, ConfigErrorsNameFileLineAndColumn) {
  EXPECT_EQ(parseError("allowed_paths: [drivers/gpu/]\nroot_feilds: [x]\n"),
            "cfg.yaml:2:1: unknown key 'root_feilds'");
  EXPECT_EQ(parseError("allowed_paths: drivers/gpu/\n"),
            "cfg.yaml:1:16: expected a list of strings");
  EXPECT_NE(parseError("allowed_paths: [\n").find("cfg.yaml:"), std::string::npos);
}

TEST(RulesTest, SplitListAcceptsTidyStyle) {
  EXPECT_EQ(splitList("a; b,c;;"), (std::vector<std::string>{"a", "b", "c"}));
}

} // namespace
