#ifndef _LINUX_DMA_FENCE_H
#define _LINUX_DMA_FENCE_H
#include <linux/types.h>
struct dma_fence;
struct dma_fence_ops {
	signed long (*wait)(struct dma_fence *, bool, signed long);
	void (*release)(struct dma_fence *);
};
struct dma_fence {
	const struct dma_fence_ops *ops;
};
signed long dma_fence_wait_timeout(struct dma_fence *, bool intr, signed long timeout);
signed long dma_fence_default_wait(struct dma_fence *, bool intr, signed long timeout);
static inline signed long dma_fence_wait(struct dma_fence *fence, bool intr)
{
	return dma_fence_wait_timeout(fence, intr, 100);
}
struct dma_resv;
long dma_resv_wait_timeout(struct dma_resv *obj, int usage, bool intr, unsigned long timeout);
/* Names from older kernels. */
struct fence;
signed long fence_wait_timeout(struct fence *, bool intr, signed long timeout);
struct reservation_object;
long reservation_object_wait_timeout_rcu(struct reservation_object *obj, bool wait_all, bool intr, unsigned long timeout);
#endif
