/* Reservation objects: a lock and a wait on all their fences. */
#ifndef _TEST_LINUX_DMA_RESV_H
#define _TEST_LINUX_DMA_RESV_H

#include <linux/types.h>

struct ww_acquire_ctx;

struct dma_resv {
	int lock;
};

enum dma_resv_usage { DMA_RESV_USAGE_KERNEL, DMA_RESV_USAGE_BOOKKEEP };

int dma_resv_lock(struct dma_resv *obj, struct ww_acquire_ctx *ctx);
bool dma_resv_trylock(struct dma_resv *obj);
void dma_resv_unlock(struct dma_resv *obj);
long dma_resv_wait_timeout(struct dma_resv *obj, enum dma_resv_usage usage,
			   bool intr, unsigned long timeout);

#endif
