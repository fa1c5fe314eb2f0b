// SPDX-License-Identifier: GPL-2.0
/* A pool whose refill hook runs from its own shrinker: a root only for a
 * rule a project writes itself (test/kreach/Inputs/reclaim-pool.yaml). */
#include "rcl.h"

struct rcl_pool_ops {
	int (*refill)(void *pool);
};

static int rcl_pool_refill(void *pool)
{
	return rcl_buf_get(4096, GFP_KERNEL) ? 0 : -1;
}

static int rcl_pool_refill_quiet(void *pool)
{
	return rcl_buf_get(4096, GFP_ATOMIC) ? 0 : -1;
}

const struct rcl_pool_ops rcl_pools[] = {
	{ .refill = rcl_pool_refill },
	{ .refill = rcl_pool_refill_quiet },
};
