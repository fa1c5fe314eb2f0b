//===- SleepContext.h - Where the mm core forbids a callback to sleep -----===//
//
// Rule 2's knowledge of the mm core, behind two functions so that the tables
// (SleepContext.cpp) can be replaced without touching the checker.
//
//===----------------------------------------------------------------------===//

#ifndef KREACH_ANALYZER_SLEEPCONTEXT_H
#define KREACH_ANALYZER_SLEEPCONTEXT_H

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

/// The context the callbacks stored into Field ("struct::field") run in.
SleepContext sleepContextOf(llvm::StringRef Field);

/// Whether Name is a lock function that sleeps when the lock is contended.
bool isSleepingLock(llvm::StringRef Name);

} // namespace kreach_analyzer

#endif
