// SPDX-License-Identifier: GPL-2.0
/*
 * Toy GPU userptr: waiting on fences from an invalidate callback is
 * tolerated inside drivers/gpu, so this chain is reported as allowed.
 */
#include <linux/types.h>
#include <linux/container_of.h>
#include <linux/dma-fence.h>
#include <linux/dma-resv.h>
#include <linux/mmu_notifier.h>

struct toy_bo {
	struct mmu_interval_notifier notifier;
	struct dma_resv resv;
};

static bool toy_userptr_invalidate(struct mmu_interval_notifier *mni,
				   const struct mmu_notifier_range *range,
				   unsigned long cur_seq)
{
	struct toy_bo *bo = container_of(mni, struct toy_bo, notifier);

	if (!mmu_notifier_range_blockable(range))
		return false;

	mmu_interval_set_seq(mni, cur_seq);
	dma_resv_wait_timeout(&bo->resv, DMA_RESV_USAGE_BOOKKEEP, false,
			      MAX_SCHEDULE_TIMEOUT);
	return true;
}

const struct mmu_interval_notifier_ops toy_userptr_mn_ops = {
	.invalidate = toy_userptr_invalidate,
};

int toy_userptr_register(struct toy_bo *bo, struct mm_struct *mm,
			 unsigned long addr, unsigned long size)
{
	return mmu_interval_notifier_insert(&bo->notifier, mm, addr, size,
					    &toy_userptr_mn_ops);
}
