// SPDX-License-Identifier: GPL-2.0
/*
 * xacc hw backend: flushing the device TLB first drains the last job.
 */
#include "xacc.h"

int xacc_fence_sync(struct xacc_dev *dev)
{
	signed long ret;

	if (!dev->fence)
		return 0;

	ret = dma_fence_wait_timeout(dev->fence, false, 100);
	return ret < 0 ? (int)ret : 0;
}

int xacc_hw_invalidate(struct xacc_dev *dev, unsigned long start,
		       unsigned long end)
{
	if (start >= end)
		return 0;

	return xacc_fence_sync(dev);
}

void xacc_hw_reset(struct xacc_dev *dev)
{
	dev->fence = NULL;
}
