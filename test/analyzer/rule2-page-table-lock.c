// Rule 2, page-table-lock callbacks: arch_invalidate_secondary_tlbs,
// clear_flush_young, clear_young and test_young run under the page-table
// lock, so any wait or sleeping lock on any path is a bug, whatever the
// callback checks first. They are reported even where rule 1 allows waits
// (AllowedPaths=* here), because the lock is the mm core's, not the driver's.
//
// REQUIRES: analyzer-plugin
// RUN: %clang -cc1 -triple x86_64-unknown-linux-gnu -analyze -load %analyzer-plugin \
// RUN:   -analyzer-checker=linuxkernel.MmuNotifierDmaFenceWait -analyzer-config linuxkernel.MmuNotifierDmaFenceWait:IndexFile=none,linuxkernel.MmuNotifierDmaFenceWait:SourceRoot=%S \
// RUN:   -analyzer-config linuxkernel.MmuNotifierDmaFenceWait:AllowedPaths='*' \
// RUN:   -verify -nostdsysteminc -nobuiltininc -I%kernel_headers %s

#include <linux/types.h>
#include <linux/dma-fence.h>
#include <linux/mmu_notifier.h>
#include <linux/mutex.h>

struct sec {
	struct mmu_notifier mn;
	struct dma_fence *fence;
	struct mutex lock;
	bool busy;
};

static void sec_flush(struct sec *s)
{
	if (s->busy)
		dma_fence_wait(s->fence, false); // expected-warning {{dma_fence wait 'dma_fence_wait' in mmu notifier callback 'sec_invalidate_tlbs' under the page-table lock}}
}

static void sec_invalidate_tlbs(struct mmu_notifier *mn, struct mm_struct *mm,
				unsigned long start, unsigned long end)
{
	sec_flush((struct sec *)mn);
}

static int sec_clear_flush_young(struct mmu_notifier *mn, struct mm_struct *mm,
				 unsigned long start, unsigned long end)
{
	struct sec *s = (struct sec *)mn;

	mutex_lock(&s->lock); // expected-warning {{sleeping lock 'mutex_lock' in mmu notifier callback 'sec_clear_flush_young' under the page-table lock}}
	mutex_unlock(&s->lock);
	return 0;
}

static int sec_clear_young(struct mmu_notifier *mn, struct mm_struct *mm,
			   unsigned long start, unsigned long end)
{
	struct sec *s = (struct sec *)mn;

	s->fence->ops->wait(s->fence, false, 1); // expected-warning {{dma_fence wait 'dma_fence_ops::wait' in mmu notifier callback 'sec_clear_young' under the page-table lock}}
	return 0;
}

/* A trylock is fine under a spinlock. */
static int sec_test_young(struct mmu_notifier *mn, struct mm_struct *mm,
			  unsigned long address)
{
	struct sec *s = (struct sec *)mn;
	int young = 0;

	if (mutex_trylock(&s->lock)) {
		young = s->busy;
		mutex_unlock(&s->lock);
	}
	return young;
}

static const struct mmu_notifier_ops sec_ops = {
	.arch_invalidate_secondary_tlbs = sec_invalidate_tlbs,
	.clear_flush_young = sec_clear_flush_young,
	.clear_young = sec_clear_young,
	.test_young = sec_test_young,
};

const void *sec_table = &sec_ops;
