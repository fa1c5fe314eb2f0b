//===- ConfigFuzzer.cpp - Fuzz the .kreach.yaml reader --------------------===//
//
// parseConfig must turn any text into a RulesConfig or one llvm::Error, and
// RuleSet::create must accept or refuse what it returns, never crash.
//
//===----------------------------------------------------------------------===//

#include "kreach/Rules.h"

#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  // Exactly Size bytes, no terminator: the reader must not look past the end.
  llvm::StringRef Text(reinterpret_cast<const char *>(Data), Size);
  llvm::Expected<kreach::RulesConfig> Config = kreach::parseConfig(Text, "fuzz.kreach.yaml");
  if (!Config) {
    llvm::consumeError(Config.takeError());
    return 0;
  }
  llvm::Expected<kreach::RuleSet> Rules = kreach::RuleSet::create(*Config);
  if (!Rules) {
    llvm::consumeError(Rules.takeError());
    return 0;
  }
  // Use what was built: every rule's pattern lists, texts and fingerprint.
  for (const kreach::Rule &R : Rules->rules()) {
    (void)R.isRootField("mmu_notifier_ops::invalidate_range_start");
    (void)R.isSinkFunction("dma_fence_wait_timeout");
    (void)R.isSinkField("dma_fence_ops::wait");
    (void)R.isIgnored("panic");
    (void)R.isAsyncField("work_struct::func");
    (void)R.isUnresolvedField("file_operations::read");
    (void)R.isSleepingFunction("mutex_lock");
    (void)R.isRangeField("mmu_notifier_ops::invalidate_range_start");
    (void)R.isPageTableLockField("mmu_notifier_ops::clear_young");
    (void)R.isAllowedPath("drivers/gpu/drm/x.c");
    (void)R.expand(R.config().Description);
    (void)R.camelName();
    (void)R.summaryFingerprint();
  }
  return 0;
}
