// SPDX-License-Identifier: GPL-2.0
#include <linux/slab.h>
#include "rcl.h"

static void *rcl_ops_alloc(size_t n, gfp_t gfp)
{
	return kmalloc(n, gfp);
}

const struct rcl_dev_ops rcl_default_ops = {
	.alloc = rcl_ops_alloc,
};
