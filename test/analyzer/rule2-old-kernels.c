// Older kernels spell the same contexts differently: before 5.0 the range
// callbacks took `bool blockable`, 5.0 and 5.1 had range->blockable, and
// until 6.6 the page-table-lock callback was invalidate_range. The ops table
// below is the 4.19 shape (5.0 with -DV5_0), declared here because the test
// headers are 6.6.
//
// REQUIRES: analyzer-plugin
// RUN: %clang -cc1 -triple x86_64-unknown-linux-gnu -analyze -load %analyzer-plugin \
// RUN:   -analyzer-checker=linuxkernel.MmuNotifierDmaFenceWait -analyzer-config linuxkernel.MmuNotifierDmaFenceWait:IndexFile=none,linuxkernel.MmuNotifierDmaFenceWait:SourceRoot=%S \
// RUN:   -analyzer-config linuxkernel.MmuNotifierDmaFenceWait:AllowedPaths='*' \
// RUN:   -verify -nostdsysteminc -nobuiltininc -I%kernel_headers %s
// RUN: %clang -cc1 -triple x86_64-unknown-linux-gnu -analyze -load %analyzer-plugin \
// RUN:   -analyzer-checker=linuxkernel.MmuNotifierDmaFenceWait -analyzer-config linuxkernel.MmuNotifierDmaFenceWait:IndexFile=none,linuxkernel.MmuNotifierDmaFenceWait:SourceRoot=%S \
// RUN:   -analyzer-config linuxkernel.MmuNotifierDmaFenceWait:AllowedPaths='*' \
// RUN:   -DV5_0 -verify=v50 -nostdsysteminc -nobuiltininc -I%kernel_headers %s

#include <linux/types.h>
#include <linux/errno.h>
#include <linux/dma-fence.h>

struct mm_struct;
struct mmu_notifier;

struct old {
	struct mmu_notifier *mn;
	struct dma_fence *fence;
};

#ifndef V5_0

struct mmu_notifier_ops {
	int (*invalidate_range_start)(struct mmu_notifier *mn, struct mm_struct *mm,
				      unsigned long start, unsigned long end,
				      bool blockable);
	void (*invalidate_range)(struct mmu_notifier *mn, struct mm_struct *mm,
				 unsigned long start, unsigned long end);
};

static int old_start(struct mmu_notifier *mn, struct mm_struct *mm,
		     unsigned long start, unsigned long end, bool blockable)
{
	struct old *o = (struct old *)mn;

	if (!blockable)
		return -EAGAIN;
	dma_fence_wait(o->fence, false);
	return 0;
}

static int old_start_bad(struct mmu_notifier *mn, struct mm_struct *mm,
			 unsigned long start, unsigned long end, bool blockable)
{
	struct old *o = (struct old *)mn;

	dma_fence_wait(o->fence, false); // expected-warning {{dma_fence wait 'dma_fence_wait' in mmu notifier callback 'old_start_bad' where the range may not be blockable}}
	return 0;
}

static void old_invalidate_range(struct mmu_notifier *mn, struct mm_struct *mm,
				 unsigned long start, unsigned long end)
{
	struct old *o = (struct old *)mn;

	dma_fence_wait(o->fence, false); // expected-warning {{dma_fence wait 'dma_fence_wait' in mmu notifier callback 'old_invalidate_range' under the page-table lock}}
}

static const struct mmu_notifier_ops old_ops = {
	.invalidate_range_start = old_start,
	.invalidate_range = old_invalidate_range,
};
static const struct mmu_notifier_ops old_ops_bad = {
	.invalidate_range_start = old_start_bad,
};

#else

struct mmu_notifier_range {
	struct mm_struct *mm;
	unsigned long start, end;
	bool blockable;
};

struct mmu_notifier_ops {
	int (*invalidate_range_start)(struct mmu_notifier *mn,
				      const struct mmu_notifier_range *range);
};

static int old_start(struct mmu_notifier *mn,
		     const struct mmu_notifier_range *range)
{
	struct old *o = (struct old *)mn;

	if (!range->blockable)
		return -EAGAIN;
	dma_fence_wait(o->fence, false);
	return 0;
}

static int old_start_bad(struct mmu_notifier *mn,
			 const struct mmu_notifier_range *range)
{
	struct old *o = (struct old *)mn;

	if (range->blockable)
		return 0;
	dma_fence_wait(o->fence, false); // v50-warning {{dma_fence wait 'dma_fence_wait' in mmu notifier callback 'old_start_bad' where the range may not be blockable}}
	return 0;
}

static const struct mmu_notifier_ops old_ops = {
	.invalidate_range_start = old_start,
};
static const struct mmu_notifier_ops old_ops_bad = {
	.invalidate_range_start = old_start_bad,
};

#endif

const void *old_tables[] = { &old_ops, &old_ops_bad };
