// The reclaim rules path by path: a gfp mask is judged by the value it holds
// on the path that reaches the allocation, and a signalling section is open
// from dma_fence_begin_signalling() to dma_fence_end_signalling() on that
// path. The call graph (and so the kreach CLI) takes every value a local may
// hold in the function; the cases marked "CLI" below are findings there.
//
// REQUIRES: analyzer-plugin
// RUN: %clang -cc1 -triple x86_64-unknown-linux-gnu -analyze -load %analyzer-plugin \
// RUN:   -analyzer-checker=linuxkernel.MmuNotifierDmaFenceWait -analyzer-config linuxkernel.MmuNotifierDmaFenceWait:IndexFile=none,linuxkernel.MmuNotifierDmaFenceWait:SourceRoot=%S \
// RUN:   -verify -nostdsysteminc -nobuiltininc -I%S/../Inputs/reclaim/include -I%kernel_headers %s

#include <linux/container_of.h>
#include <linux/slab.h>
#include <linux/mmu_notifier.h>
#include <linux/dma-fence-signal.h>

struct pth {
	struct mmu_interval_notifier mni;
	struct dma_fence *fence;
	gfp_t gfp;
};

/* CLI: the local may hold GFP_KERNEL; on the one path that allocates it
 * holds GFP_NOWAIT. */
static bool pth_blockable_returns(struct mmu_interval_notifier *mni,
				  const struct mmu_notifier_range *range,
				  unsigned long cur_seq)
{
	bool blockable = mmu_notifier_range_blockable(range);
	gfp_t gfp = blockable ? GFP_KERNEL : GFP_NOWAIT;

	if (blockable)
		return true;
	return kmalloc(8, gfp) != NULL;
}

/* The blockable path allocates with GFP_KERNEL: reclaim inside a notifier
 * all the same. */
static bool pth_blockable_allocates(struct mmu_interval_notifier *mni,
				    const struct mmu_notifier_range *range,
				    unsigned long cur_seq)
{
	gfp_t gfp = mmu_notifier_range_blockable(range) ? GFP_KERNEL : GFP_NOWAIT;

	return kmalloc(8, gfp) != NULL; // expected-warning {{mmu notifier callback 'pth_blockable_allocates' can reach allocation that may enter direct reclaim 'kmalloc_noprof'}}
}

/* A mask cleared of direct reclaim on one path. CLI: pth_helper_atomic
 * reaches the allocation with either value; its one path clears it. */
static void *pth_alloc(gfp_t gfp, bool atomic)
{
	if (atomic)
		gfp &= ~__GFP_DIRECT_RECLAIM;
	/* Judged where the helper allocates, for each caller's path. */
	// expected-warning@+2 {{mmu notifier callback 'pth_helper_blocking' can reach allocation that may enter direct reclaim 'kzalloc_noprof'}}
	// expected-warning@+1 {{fence-signalling section in 'pth_signal_inside' can reach allocation that may enter direct reclaim 'kzalloc_noprof'}}
	return kzalloc(16, gfp);
}

static bool pth_helper_atomic(struct mmu_interval_notifier *mni,
			      const struct mmu_notifier_range *range,
			      unsigned long cur_seq)
{
	return pth_alloc(GFP_KERNEL, true) != NULL;
}

static bool pth_helper_blocking(struct mmu_interval_notifier *mni,
				const struct mmu_notifier_range *range,
				unsigned long cur_seq)
{
	return pth_alloc(GFP_KERNEL, false) != NULL;
}

/* A mask from a field: no path says what it holds, so it may reclaim, as
 * the CLI judges it. */
static bool pth_field_mask(struct mmu_interval_notifier *mni,
			   const struct mmu_notifier_range *range,
			   unsigned long cur_seq)
{
	struct pth *p = container_of(mni, struct pth, mni);

	return kmalloc(8, p->gfp) != NULL; // expected-warning {{mmu notifier callback 'pth_field_mask' can reach allocation that may enter direct reclaim 'kmalloc_noprof'}}
}

static const struct mmu_interval_notifier_ops pth_ops[] = {
	{ .invalidate = pth_blockable_returns },
	{ .invalidate = pth_blockable_allocates }, // expected-note {{'pth_blockable_allocates' is registered as 'mmu_interval_notifier_ops::invalidate' here}}
	{ .invalidate = pth_helper_atomic },
	{ .invalidate = pth_helper_blocking }, // expected-note {{'pth_helper_blocking' is registered as 'mmu_interval_notifier_ops::invalidate' here}}
	{ .invalidate = pth_field_mask }, // expected-note {{'pth_field_mask' is registered as 'mmu_interval_notifier_ops::invalidate' here}}
};

/* Sections: open only between begin and end on the path. */
void pth_signal_after(struct pth *p)
{
	bool cookie = dma_fence_begin_signalling();

	dma_fence_signal(p->fence);
	dma_fence_end_signalling(cookie);
	kfree(kmalloc(8, GFP_KERNEL));
	dma_fence_wait(p->fence, false);
}

/* CLI: the section holds the GFP_KERNEL call in source order; on the path
 * that allocates with it, no section was opened. */
void pth_signal_maybe(struct pth *p, bool signal)
{
	bool cookie = false;

	if (signal)
		cookie = dma_fence_begin_signalling();
	if (!signal)
		kfree(kmalloc(8, GFP_KERNEL));
	if (signal) {
		kfree(kmalloc(8, GFP_NOWAIT));
		dma_fence_signal(p->fence);
		dma_fence_end_signalling(cookie);
	}
}

void pth_signal_inside(struct pth *p)
{
	bool cookie = dma_fence_begin_signalling();

	kfree(pth_alloc(GFP_NOIO, false));
	kfree(pth_alloc(GFP_NOIO, true));
	dma_fence_wait(p->fence, false); // expected-warning {{fence-signalling section in 'pth_signal_inside' can reach dma_fence wait 'dma_fence_wait'}}
	dma_fence_end_signalling(cookie);
}
