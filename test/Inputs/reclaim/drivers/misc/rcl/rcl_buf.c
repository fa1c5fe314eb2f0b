// SPDX-License-Identifier: GPL-2.0
/* Helpers that take their caller's mask, called from notifiers in another
 * TU. What a mask does to reclaim is decided at each call site. */
#include <linux/slab.h>

void *rcl_buf_get(size_t n, gfp_t gfp)
{
	return kzalloc(n, gfp | __GFP_NOWARN);
}

void *rcl_buf_get_twice(size_t n, gfp_t gfp)
{
	return rcl_buf_get(n, gfp);
}

/* Strips direct reclaim whatever the caller passes. */
void *rcl_buf_get_noreclaim(size_t n, gfp_t gfp)
{
	return kmalloc(n, gfp & ~__GFP_DIRECT_RECLAIM);
}

/* Forces it whatever the caller passes. */
void *rcl_buf_get_blocking(size_t n, gfp_t gfp)
{
	return kmalloc(n, gfp | __GFP_DIRECT_RECLAIM);
}

/* Not a notifier: the same helper with GFP_KERNEL here must not make the
 * notifiers' GFP_NOWAIT calls reclaim. */
void *rcl_buf_init(void)
{
	return rcl_buf_get(128, GFP_KERNEL);
}
