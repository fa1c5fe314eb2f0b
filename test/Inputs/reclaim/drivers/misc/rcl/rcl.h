/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _RCL_H
#define _RCL_H

#include <linux/gfp.h>
#include <linux/mmu_notifier.h>

struct rcl_dev_ops {
	void *(*alloc)(size_t n, gfp_t gfp);
};

struct rcl_dev {
	struct mmu_interval_notifier notifier;
	const struct rcl_dev_ops *ops;
};

void *rcl_buf_get(size_t n, gfp_t gfp);
void *rcl_buf_get_twice(size_t n, gfp_t gfp);
void *rcl_buf_get_noreclaim(size_t n, gfp_t gfp);
void *rcl_buf_get_blocking(size_t n, gfp_t gfp);

#endif
