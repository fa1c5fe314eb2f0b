/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _MINI_LINUX_DMA_RESV_H
#define _MINI_LINUX_DMA_RESV_H

#include <linux/types.h>

struct dma_resv {
	int dummy;
};

enum dma_resv_usage {
	DMA_RESV_USAGE_KERNEL,
	DMA_RESV_USAGE_WRITE,
	DMA_RESV_USAGE_READ,
	DMA_RESV_USAGE_BOOKKEEP,
};

long dma_resv_wait_timeout(struct dma_resv *obj, enum dma_resv_usage usage,
			   bool intr, unsigned long timeout);

struct ww_acquire_ctx;

int dma_resv_lock(struct dma_resv *obj, struct ww_acquire_ctx *ctx);
bool dma_resv_trylock(struct dma_resv *obj);
void dma_resv_unlock(struct dma_resv *obj);

#endif /* _MINI_LINUX_DMA_RESV_H */
