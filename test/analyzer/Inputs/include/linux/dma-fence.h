/* dma_fence waits: an out-of-line wait and the inline wrapper around it. */
#ifndef _TEST_LINUX_DMA_FENCE_H
#define _TEST_LINUX_DMA_FENCE_H

#include <linux/types.h>

struct dma_fence;

struct dma_fence_ops {
	bool (*signaled)(struct dma_fence *fence);
	long (*wait)(struct dma_fence *fence, bool intr, long timeout);
};

struct dma_fence {
	const struct dma_fence_ops *ops;
	unsigned long flags;
};

#define MAX_SCHEDULE_TIMEOUT ((long)(~0UL >> 1))

long dma_fence_wait_timeout(struct dma_fence *fence, bool intr, long timeout);

static inline long dma_fence_wait(struct dma_fence *fence, bool intr)
{
	long ret = dma_fence_wait_timeout(fence, intr, MAX_SCHEDULE_TIMEOUT);

	return ret < 0 ? ret : 0;
}

#endif
