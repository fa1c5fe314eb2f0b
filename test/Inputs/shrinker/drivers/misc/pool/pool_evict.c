// SPDX-License-Identifier: GPL-2.0
#include "pool.h"

/* Waits for the GPU to stop using the pool before freeing it. */
unsigned long pool_evict(struct pool *pool, unsigned long nr)
{
	dma_fence_wait(pool->last_use, false);
	pool->nr_cached = nr < pool->nr_cached ? pool->nr_cached - nr : 0;
	return nr;
}
