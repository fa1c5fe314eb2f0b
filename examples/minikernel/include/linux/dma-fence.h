/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _MINI_LINUX_DMA_FENCE_H
#define _MINI_LINUX_DMA_FENCE_H

#include <linux/types.h>

struct dma_fence;

struct dma_fence_ops {
	const char *(*get_driver_name)(struct dma_fence *fence);
	bool (*signaled)(struct dma_fence *fence);
	signed long (*wait)(struct dma_fence *fence, bool intr,
			    signed long timeout);
	void (*release)(struct dma_fence *fence);
};

struct dma_fence {
	const struct dma_fence_ops *ops;
	unsigned long flags;
};

#define MAX_SCHEDULE_TIMEOUT	((long)(~0UL >> 1))

signed long dma_fence_wait_timeout(struct dma_fence *fence, bool intr,
				   signed long timeout);
signed long dma_fence_default_wait(struct dma_fence *fence, bool intr,
				   signed long timeout);
signed long dma_fence_wait_any_timeout(struct dma_fence **fences,
				       unsigned int count, bool intr,
				       signed long timeout, unsigned int *idx);

static inline signed long dma_fence_wait(struct dma_fence *fence, bool intr)
{
	signed long ret;

	ret = dma_fence_wait_timeout(fence, intr, MAX_SCHEDULE_TIMEOUT);
	return ret < 0 ? ret : 0;
}

/* Tests without waiting; what a reclaim callback uses instead of a wait. */
bool dma_fence_is_signaled(struct dma_fence *fence);

#endif /* _MINI_LINUX_DMA_FENCE_H */
