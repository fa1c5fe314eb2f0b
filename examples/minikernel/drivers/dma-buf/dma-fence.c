// SPDX-License-Identifier: GPL-2.0
/*
 * Minimal fence core: just enough for the call graph to be realistic.
 */
#include <linux/types.h>
#include <linux/errno.h>
#include <linux/dma-fence.h>

signed long dma_fence_default_wait(struct dma_fence *fence, bool intr,
				   signed long timeout)
{
	while (timeout > 0) {
		if (fence->flags & 1UL)
			return timeout;
		if (intr)
			return -EINTR;
		timeout--;
	}
	return 0;
}

signed long dma_fence_wait_timeout(struct dma_fence *fence, bool intr,
				   signed long timeout)
{
	if (timeout < 0)
		return -EINVAL;

	if (fence->ops->wait)
		return fence->ops->wait(fence, intr, timeout);

	return dma_fence_default_wait(fence, intr, timeout);
}

signed long dma_fence_wait_any_timeout(struct dma_fence **fences,
				       unsigned int count, bool intr,
				       signed long timeout, unsigned int *idx)
{
	unsigned int i;
	signed long ret;

	for (i = 0; i < count; i++) {
		ret = dma_fence_wait_timeout(fences[i], intr, timeout);
		if (ret != 0) {
			if (idx)
				*idx = i;
			return ret;
		}
	}
	return 0;
}
