/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kreach suite only, on top of the shared mock headers: reservation objects
 * as kernels before 5.4 named them (dma_resv was reservation_object).
 */
#ifndef _MINI_LINUX_RESERVATION_H
#define _MINI_LINUX_RESERVATION_H

#include <linux/fence.h>

struct reservation_object {
	struct fence *fence_excl;
};

long reservation_object_wait_timeout_rcu(struct reservation_object *obj,
					 bool wait_all, bool intr,
					 unsigned long timeout);

#endif /* _MINI_LINUX_RESERVATION_H */
