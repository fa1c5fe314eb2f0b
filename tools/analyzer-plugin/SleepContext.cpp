//===- SleepContext.cpp - Rule 2's tables of mm core contexts and locks ---===//

#include "SleepContext.h"

namespace kreach_analyzer {

namespace {

/// The fields whose callbacks the mm core calls with a range the OOM reaper
/// may mark non-blockable.
constexpr llvm::StringLiteral RangeFields[] = {
    "mmu_notifier_ops::invalidate_range_start",
    "mmu_notifier_ops::invalidate_range_end",
    "mmu_interval_notifier_ops::invalidate",
    "mmu_interval_notifier_ops::invalidate_start",
};

/// The fields whose callbacks run with the page-table lock held.
/// invalidate_range is the pre-6.6 name of arch_invalidate_secondary_tlbs.
constexpr llvm::StringLiteral PageTableLockFields[] = {
    "mmu_notifier_ops::arch_invalidate_secondary_tlbs",
    "mmu_notifier_ops::invalidate_range",
    "mmu_notifier_ops::clear_flush_young",
    "mmu_notifier_ops::clear_young",
    "mmu_notifier_ops::test_young",
};

/// Locks that sleep when contended. Trylocks are absent on purpose: they are
/// the documented way to take a lock in a non-blockable callback.
constexpr llvm::StringLiteral SleepingLocks[] = {
    "mutex_lock",
    "mutex_lock_nested",
    "mutex_lock_io",
    "mutex_lock_interruptible",
    "mutex_lock_interruptible_nested",
    "mutex_lock_killable",
    "mutex_lock_killable_nested",
    "down",
    "down_interruptible",
    "down_killable",
    "down_timeout",
    "down_read",
    "down_read_nested",
    "down_read_interruptible",
    "down_read_killable",
    "down_write",
    "down_write_nested",
    "down_write_killable",
    "ww_mutex_lock",
    "ww_mutex_lock_interruptible",
    "ww_mutex_lock_slow",
    "ww_mutex_lock_slow_interruptible",
    "dma_resv_lock",
    "dma_resv_lock_interruptible",
    "dma_resv_lock_slow",
    "dma_resv_lock_slow_interruptible",
    "mmap_read_lock",
    "mmap_read_lock_killable",
    "mmap_write_lock",
    "mmap_write_lock_killable",
    "i_mmap_lock_read",
    "i_mmap_lock_write",
};

} // namespace

SleepContext sleepContextOf(llvm::StringRef Field) {
  for (llvm::StringRef F : PageTableLockFields)
    if (F == Field)
      return SleepContext::PageTableLock;
  for (llvm::StringRef F : RangeFields)
    if (F == Field)
      return SleepContext::MaybeNonBlockableRange;
  return SleepContext::Unknown;
}

bool isSleepingLock(llvm::StringRef Name) {
  for (llvm::StringRef L : SleepingLocks)
    if (L == Name)
      return true;
  return false;
}

} // namespace kreach_analyzer
