// SPDX-License-Identifier: GPL-2.0
#include <linux/dma-fence.h>

void sig_wait_prev(struct dma_fence *prev)
{
	dma_fence_wait(prev, false);
}
