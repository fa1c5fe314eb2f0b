/* SPDX-License-Identifier: GPL-2.0 */
/* The signalling annotations of dma-fence.h (lockdep maps them to a fake
 * lock that reclaim and fence waits "take"). */
#ifndef _RCL_LINUX_DMA_FENCE_SIGNAL_H
#define _RCL_LINUX_DMA_FENCE_SIGNAL_H

#include <linux/dma-fence.h>

bool dma_fence_begin_signalling(void);
void dma_fence_end_signalling(bool cookie);
int dma_fence_signal(struct dma_fence *fence);

#endif
