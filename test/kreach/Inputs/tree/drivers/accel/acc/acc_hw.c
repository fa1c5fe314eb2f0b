#include "acc.h"

int acc_fence_sync(struct acc_dev *dev)
{
	return dma_fence_wait_timeout(dev->fence, false, 100) < 0;
}

int acc_hw_invalidate(struct acc_dev *dev, unsigned long start)
{
	return acc_fence_sync(dev);
}
