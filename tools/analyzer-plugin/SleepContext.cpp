//===- SleepContext.cpp - Rule 2's mm core contexts and locks, from data --===//
//
// The tables live in rules/mmu-notifier-nonblock-sleep.yaml.
//

#include "SleepContext.h"

namespace kreach_analyzer {

SleepContext sleepContextOf(const kreach::Rule *Sleep, llvm::StringRef Field) {
  if (!Sleep)
    return SleepContext::Unknown;
  if (Sleep->isPageTableLockField(Field))
    return SleepContext::PageTableLock;
  if (Sleep->isRangeField(Field))
    return SleepContext::MaybeNonBlockableRange;
  return SleepContext::Unknown;
}

bool isSleepingLock(const kreach::Rule *Sleep, llvm::StringRef Name) {
  return Sleep && Sleep->isSleepingFunction(Name);
}

} // namespace kreach_analyzer
