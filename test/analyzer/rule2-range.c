// Rule 2, range callbacks: invalidate_range_start/_end and the interval
// invalidate/invalidate_start may be called with a range that is not
// blockable (the OOM reaper does), wherever the driver lives. A wait or a
// sleeping lock on a path that has not established
// mmu_notifier_range_blockable(range) is a bug; returning early or taking a
// trylock when the range is not blockable is the correct pattern.
// AllowedPaths=* keeps rule 1 quiet so only rule 2 speaks.
//
// REQUIRES: analyzer-plugin
// RUN: %clang -cc1 -triple x86_64-unknown-linux-gnu -analyze -load %analyzer-plugin \
// RUN:   -analyzer-checker=linuxkernel.MmuNotifierDmaFenceWait -analyzer-config linuxkernel.MmuNotifierDmaFenceWait:IndexFile=none,linuxkernel.MmuNotifierDmaFenceWait:SourceRoot=%S \
// RUN:   -analyzer-config linuxkernel.MmuNotifierDmaFenceWait:AllowedPaths='*' \
// RUN:   -verify=expected,lock -nostdsysteminc -nobuiltininc -I%kernel_headers %s
// RUN: %clang -cc1 -triple x86_64-unknown-linux-gnu -analyze -load %analyzer-plugin \
// RUN:   -analyzer-checker=linuxkernel.MmuNotifierDmaFenceWait -analyzer-config linuxkernel.MmuNotifierDmaFenceWait:IndexFile=none,linuxkernel.MmuNotifierDmaFenceWait:SourceRoot=%S \
// RUN:   -analyzer-config linuxkernel.MmuNotifierDmaFenceWait:AllowedPaths='*' \
// RUN:   -analyzer-config linuxkernel.MmuNotifierDmaFenceWait:ReportSleepingLocks=false \
// RUN:   -verify=expected -nostdsysteminc -nobuiltininc -I%kernel_headers %s

#include <linux/types.h>
#include <linux/errno.h>
#include <linux/dma-fence.h>
#include <linux/dma-resv.h>
#include <linux/mmu_notifier.h>
#include <linux/mutex.h>
#include <linux/rwsem.h>

struct ctx {
	struct mmu_notifier mn;
	struct mmu_interval_notifier mni;
	struct dma_fence *fence;
	struct dma_resv *resv;
	struct mutex lock;
	struct rw_semaphore sem;
};

/* Never asks: the OOM reaper's non-blockable range reaches the wait. */
static int never_checks(struct mmu_notifier *mn,
			const struct mmu_notifier_range *range)
{
	struct ctx *c = (struct ctx *)mn;

	dma_fence_wait(c->fence, false); // expected-warning {{dma_fence wait 'dma_fence_wait' in mmu notifier callback 'never_checks' where the range may not be blockable}}
	return 0;
}

/* Asks, and waits exactly when the answer is no. */
static int waits_when_not_blockable(struct mmu_notifier *mn,
				    const struct mmu_notifier_range *range)
{
	struct ctx *c = (struct ctx *)mn;

	if (!mmu_notifier_range_blockable(range)) {
		dma_resv_wait_timeout(c->resv, DMA_RESV_USAGE_BOOKKEEP, false, 10); // expected-warning {{dma_fence wait 'dma_resv_wait_timeout' in mmu notifier callback 'waits_when_not_blockable' where the range may not be blockable}}
		return -EAGAIN;
	}
	return 0;
}

/* The correct pattern: bail out early, then sleep as much as needed. */
static void early_return(struct mmu_notifier *mn,
			 const struct mmu_notifier_range *range)
{
	struct ctx *c = (struct ctx *)mn;

	if (!mmu_notifier_range_blockable(range))
		return;
	mutex_lock(&c->lock);
	dma_fence_wait(c->fence, false);
	mutex_unlock(&c->lock);
}

/* The other correct pattern: a trylock when the range is not blockable. */
static bool trylock_pattern(struct mmu_interval_notifier *mni,
			    const struct mmu_notifier_range *range,
			    unsigned long cur_seq)
{
	struct ctx *c = (struct ctx *)mni;

	if (mmu_notifier_range_blockable(range))
		mutex_lock(&c->lock);
	else if (!mutex_trylock(&c->lock))
		return false;
	mni->invalidate_seq = cur_seq;
	mutex_unlock(&c->lock);
	return true;
}

/* The flag test written out, through a local, is the same check. */
static bool flag_test(struct mmu_interval_notifier *mni,
		      const struct mmu_notifier_range *range,
		      unsigned long cur_seq)
{
	struct ctx *c = (struct ctx *)mni;
	bool blockable = range->flags & MMU_NOTIFIER_RANGE_BLOCKABLE;

	if (!blockable)
		return false;
	down_read(&c->sem);
	dma_fence_wait(c->fence, true);
	up_read(&c->sem);
	return true;
}

/* The check in a helper the callback calls is seen through inlining. */
static bool ctx_can_sleep(const struct mmu_notifier_range *range)
{
	return mmu_notifier_range_blockable(range);
}

static bool helper_check(struct mmu_interval_notifier *mni,
			 const struct mmu_notifier_range *range,
			 unsigned long cur_seq)
{
	struct ctx *c = (struct ctx *)mni;

	if (ctx_can_sleep(range))
		dma_fence_wait(c->fence, true);
	return true;
}

/* Checked, but the lock is taken before the check. */
static void lock_before_check(struct mmu_notifier *mn,
			      const struct mmu_notifier_range *range)
{
	struct ctx *c = (struct ctx *)mn;

	mutex_lock(&c->lock); // lock-warning {{sleeping lock 'mutex_lock' in mmu notifier callback 'lock_before_check' where the range may not be blockable}}
	if (mmu_notifier_range_blockable(range))
		dma_fence_wait(c->fence, true);
	mutex_unlock(&c->lock);
}

/* The flag tested the wrong way round. */
static bool inverted(struct mmu_interval_notifier *mni,
		     const struct mmu_notifier_range *range,
		     unsigned long cur_seq)
{
	struct ctx *c = (struct ctx *)mni;

	if (range->flags & MMU_NOTIFIER_RANGE_BLOCKABLE)
		return true;
	dma_resv_lock(c->resv, NULL); // lock-warning {{sleeping lock 'dma_resv_lock' in mmu notifier callback 'inverted' where the range may not be blockable}}
	dma_fence_wait(c->fence, true); // expected-warning {{dma_fence wait 'dma_fence_wait' in mmu notifier callback 'inverted' where the range may not be blockable}}
	dma_resv_unlock(c->resv);
	return true;
}

static const struct mmu_notifier_ops ctx_mn_ops = {
	.invalidate_range_start = never_checks,
	.invalidate_range_end = early_return,
};
static const struct mmu_notifier_ops ctx_mn_ops2 = {
	.invalidate_range_start = waits_when_not_blockable,
	.invalidate_range_end = lock_before_check,
};
static const struct mmu_interval_notifier_ops ctx_mni_ops = {
	.invalidate = trylock_pattern,
	.invalidate_start = flag_test,
};
static const struct mmu_interval_notifier_ops ctx_mni_ops2 = {
	.invalidate = helper_check,
	.invalidate_start = inverted,
};

const void *ctx_tables[] = { &ctx_mn_ops, &ctx_mn_ops2, &ctx_mni_ops, &ctx_mni_ops2 };
