// SPDX-License-Identifier: GPL-2.0
#include <linux/mmu_notifier.h>

/* The mm core unmapping a range tells the interval notifiers that cover it. */
void mm_unmap_range(struct mmu_interval_notifier *sub,
		    const struct mmu_notifier_range *range)
{
	sub->ops->invalidate(sub, range, 0);
}
