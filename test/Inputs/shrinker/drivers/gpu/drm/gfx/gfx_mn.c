// SPDX-License-Identifier: GPL-2.0
#include <linux/dma-fence.h>
#include <linux/mmu_notifier.h>

static struct dma_fence *gfx_mn_busy;

/* A GPU driver's notifier waits for its own work: allowed in drivers/gpu. */
static bool gfx_mn_invalidate(struct mmu_interval_notifier *sub,
			      const struct mmu_notifier_range *range,
			      unsigned long cur_seq)
{
	dma_fence_wait(gfx_mn_busy, false);
	return true;
}

const struct mmu_interval_notifier_ops gfx_mn_ops = {
	.invalidate = gfx_mn_invalidate,
};
