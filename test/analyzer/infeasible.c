// Waits on paths the analyzer proves infeasible are not reported, although
// the call graph (and so the kreach CLI) sees them.
//
// REQUIRES: analyzer-plugin
// RUN: %clang -cc1 -triple x86_64-unknown-linux-gnu -analyze -load %analyzer-plugin \
// RUN:   -analyzer-checker=linuxkernel.MmuNotifierDmaFenceWait -analyzer-config linuxkernel.MmuNotifierDmaFenceWait:IndexFile=none,linuxkernel.MmuNotifierDmaFenceWait:SourceRoot=%S \
// RUN:   -verify -nostdsysteminc -nobuiltininc -I%kernel_headers %s
// expected-no-diagnostics

#include <linux/types.h>
#include <linux/dma-fence.h>
#include <linux/mmu_notifier.h>

struct inf {
	struct mmu_interval_notifier mni;
	struct dma_fence *fence;
	int state;
};

static void inf_maybe_wait(struct inf *p, bool wait)
{
	if (wait)
		dma_fence_wait(p->fence, true);
}

/* The helper waits only when asked to, and this caller never asks. */
static bool inf_invalidate(struct mmu_interval_notifier *mni,
			   const struct mmu_notifier_range *range,
			   unsigned long cur_seq)
{
	struct inf *p = (struct inf *)mni;

	inf_maybe_wait(p, false);
	return true;
}

/* Contradictory conditions. */
static void inf_finish(struct mmu_interval_notifier *mni,
		       const struct mmu_notifier_range *range,
		       unsigned long cur_seq)
{
	struct inf *p = (struct inf *)mni;

	if (p->state > 2 && p->state < 1)
		dma_fence_wait(p->fence, true);
}

/* Cleared just before it is tested. */
static bool inf_invalidate_start(struct mmu_interval_notifier *mni,
				 const struct mmu_notifier_range *range,
				 unsigned long cur_seq)
{
	struct inf *p = (struct inf *)mni;

	p->fence = NULL;
	if (p->fence)
		dma_fence_wait(p->fence, true);
	return true;
}

static const struct mmu_interval_notifier_ops inf_ops = {
	.invalidate = inf_invalidate,
	.invalidate_start = inf_invalidate_start,
	.invalidate_finish = inf_finish,
};

const void *inf_table = &inf_ops;
