// A GPU driver: allowed to wait on its fences from invalidate_range_start
// once it knows the range is blockable, never under the page-table lock.
#include <linux/types.h>
#include <linux/errno.h>
#include <linux/dma-fence.h>
#include <linux/mmu_notifier.h>

struct toy {
	struct mmu_notifier mn;
	struct dma_fence *fence;
};

static int toy_start(struct mmu_notifier *mn,
		     const struct mmu_notifier_range *range)
{
	struct toy *t = (struct toy *)mn;

	if (!mmu_notifier_range_blockable(range))
		return -EAGAIN;
	dma_fence_wait(t->fence, false); // outside-warning {{mmu notifier callback 'toy_start' can reach dma_fence wait 'dma_fence_wait' outside drivers/accel/}}
	return 0;
}

static void toy_invalidate_tlbs(struct mmu_notifier *mn, struct mm_struct *mm,
				unsigned long start, unsigned long end)
{
	struct toy *t = (struct toy *)mn;

	dma_fence_wait(t->fence, false); // expected-warning {{dma_fence wait 'dma_fence_wait' in mmu notifier callback 'toy_invalidate_tlbs' under the page-table lock}}
					 // outside-warning@-1 {{mmu notifier callback 'toy_invalidate_tlbs' can reach dma_fence wait 'dma_fence_wait' outside drivers/accel/}}
}

static const struct mmu_notifier_ops toy_ops = {
	.invalidate_range_start = toy_start, // outside-note {{'toy_start' is registered as 'mmu_notifier_ops::invalidate_range_start' here}}
	.arch_invalidate_secondary_tlbs = toy_invalidate_tlbs, // outside-note {{'toy_invalidate_tlbs' is registered as 'mmu_notifier_ops::arch_invalidate_secondary_tlbs' here}}
};

const void *toy_table = &toy_ops;
