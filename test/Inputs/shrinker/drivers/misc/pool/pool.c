// SPDX-License-Identifier: GPL-2.0
#include "pool.h"

static unsigned long pool_count(struct shrinker *s, struct shrink_control *sc)
{
	struct pool *pool = s->private_data;

	return pool->nr_cached ? pool->nr_cached : SHRINK_EMPTY;
}

static unsigned long pool_scan(struct shrinker *s, struct shrink_control *sc)
{
	struct pool *pool = s->private_data;

	return pool_evict(pool, sc->nr_to_scan);
}

int pool_init(struct pool *pool)
{
	pool->shrinker = shrinker_alloc(0, "pool");
	if (!pool->shrinker)
		return -1;
	pool->shrinker->count_objects = pool_count;
	pool->shrinker->scan_objects = pool_scan;
	pool->shrinker->private_data = pool;
	shrinker_register(pool->shrinker);
	return 0;
}
