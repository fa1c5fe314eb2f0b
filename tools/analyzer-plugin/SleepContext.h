//===- SleepContext.h - Where the mm core forbids a callback to sleep -----===//
//
// Rule 2's knowledge of the mm core: which callbacks may not sleep, and what
// sleeps. The lists are the nonblocking-sleep rule's data
// (rules/mmu-notifier-nonblock-sleep.yaml, changed by .kreach.yaml).
//
//===----------------------------------------------------------------------===//

#ifndef KREACH_ANALYZER_SLEEPCONTEXT_H
#define KREACH_ANALYZER_SLEEPCONTEXT_H

#include "kreach/Rules.h"
#include "llvm/ADT/StringRef.h"

namespace kreach_analyzer {

/// What the mm core guarantees about the context a callback runs in. Ordered
/// from the least to the most strict.
enum class SleepContext {
  /// Not one of the callbacks rule 2 knows.
  Unknown,
  /// Gets a range that may not be blockable (the OOM reaper passes one).
  MaybeNonBlockableRange,
  /// Runs under the page-table lock: never sleeps.
  PageTableLock,
};

/// The context the callbacks stored into Field ("struct::field") run in;
/// Unknown for every field when the rule is disabled (Sleep is null).
SleepContext sleepContextOf(const kreach::Rule *Sleep, llvm::StringRef Field);

/// Whether Name is a function that sleeps (a lock that sleeps when
/// contended) by the rule's sleeping_functions.
bool isSleepingLock(const kreach::Rule *Sleep, llvm::StringRef Name);

} // namespace kreach_analyzer

#endif
