/* SPDX-License-Identifier: GPL-2.0 */
/* A header inline taking the caller's mask, as many kernel helpers do. */
#ifndef _RCL_LINUX_RCL_RING_H
#define _RCL_LINUX_RCL_RING_H

#include <linux/slab.h>

static inline void *ring_entry_alloc(gfp_t gfp)
{
	return kmalloc(64, gfp);
}

#endif
