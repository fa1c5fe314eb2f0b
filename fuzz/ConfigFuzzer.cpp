//===- ConfigFuzzer.cpp - Fuzz the .kreach.yaml reader --------------------===//
//
// parseConfig must turn any text into a PolicyConfig or one llvm::Error, and
// Policy::create must accept or refuse what it returns, never crash.
//
//===----------------------------------------------------------------------===//

#include "kreach/Rules.h"

#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  // Exactly Size bytes, no terminator: the reader must not look past the end.
  llvm::StringRef Text(reinterpret_cast<const char *>(Data), Size);
  llvm::Expected<kreach::PolicyConfig> Config = kreach::parseConfig(Text, "fuzz.kreach.yaml");
  if (!Config) {
    llvm::consumeError(Config.takeError());
    return 0;
  }
  llvm::Expected<kreach::Policy> P = kreach::Policy::create(*Config);
  if (!P) {
    llvm::consumeError(P.takeError());
    return 0;
  }
  // Use what was built: every pattern list, the messages, the fingerprint.
  (void)P->isRootField("mmu_notifier_ops::invalidate_range_start");
  (void)P->isSinkFunction("dma_fence_wait_timeout");
  (void)P->isSinkField("dma_fence_ops::wait");
  (void)P->isIgnored("panic");
  (void)P->isAsyncField("work_struct::func");
  (void)P->isUnresolvedField("file_operations::read");
  (void)P->isAllowedPath("drivers/gpu/drm/x.c");
  (void)P->allowedPathsDescription();
  (void)P->summaryFingerprint();
  return 0;
}
