/* The dma_fence waits kreach treats as sinks, shaped like the kernel's. */
#ifndef _LINUX_DMA_FENCE_H
#define _LINUX_DMA_FENCE_H
#include <linux/types.h>

struct dma_fence;

struct dma_fence_ops {
	const char *(*get_driver_name)(struct dma_fence *fence);
	long (*wait)(struct dma_fence *fence, bool intr, long timeout);
};

struct dma_fence {
	const struct dma_fence_ops *ops;
	unsigned long flags;
};

long dma_fence_wait_timeout(struct dma_fence *fence, bool intr, long timeout);

static inline long dma_fence_wait(struct dma_fence *fence, bool intr)
{
	return dma_fence_wait_timeout(fence, intr, MAX_SCHEDULE_TIMEOUT);
}

static inline bool dma_fence_is_signaled(struct dma_fence *fence)
{
	return fence->flags & 1;
}
#endif
