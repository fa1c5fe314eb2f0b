// SPDX-License-Identifier: GPL-2.0
#include "pool.h"

/* The pool's own reclaim hook: what the user-defined rule in user-rule.yaml
 * (not a built-in rule) calls a root. */
struct pool_ops {
	unsigned long (*reclaim)(struct pool *pool, unsigned long nr);
};

static unsigned long pool_reclaim(struct pool *pool, unsigned long nr)
{
	return pool_evict(pool, nr);
}

const struct pool_ops pool_default_ops = {
	.reclaim = pool_reclaim,
};
