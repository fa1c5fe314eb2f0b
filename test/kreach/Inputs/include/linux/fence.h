/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kreach suite only, on top of the shared mock headers: the fence API as
 * kernels before 4.10 named it (dma_fence was called fence).
 */
#ifndef _MINI_LINUX_FENCE_H
#define _MINI_LINUX_FENCE_H

#include <linux/types.h>

struct fence;

struct fence_ops {
	signed long (*wait)(struct fence *fence, bool intr, signed long timeout);
	void (*release)(struct fence *fence);
};

struct fence {
	const struct fence_ops *ops;
	unsigned long flags;
};

signed long fence_wait_timeout(struct fence *fence, bool intr,
			       signed long timeout);

#endif /* _MINI_LINUX_FENCE_H */
