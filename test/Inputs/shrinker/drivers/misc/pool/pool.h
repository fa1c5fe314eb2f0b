/* SPDX-License-Identifier: GPL-2.0 */
#ifndef POOL_H
#define POOL_H

#include <linux/dma-fence.h>
#include <linux/shrinker.h>

struct pool {
	struct shrinker *shrinker;
	struct dma_fence *last_use;
	unsigned long nr_cached;
};

unsigned long pool_evict(struct pool *pool, unsigned long nr);

#endif
