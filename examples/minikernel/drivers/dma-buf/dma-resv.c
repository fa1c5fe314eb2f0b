// SPDX-License-Identifier: GPL-2.0
/*
 * Minimal reservation object: every usage class maps to one fence slot.
 */
#include <linux/types.h>
#include <linux/dma-fence.h>
#include <linux/dma-resv.h>

static struct dma_fence *dma_resv_slot[DMA_RESV_USAGE_BOOKKEEP + 1];

long dma_resv_wait_timeout(struct dma_resv *obj, enum dma_resv_usage usage,
			   bool intr, unsigned long timeout)
{
	struct dma_fence *fence = dma_resv_slot[usage];

	(void)obj;
	if (!fence)
		return timeout ? (long)timeout : 1;

	return dma_fence_wait_timeout(fence, intr, (signed long)timeout);
}
