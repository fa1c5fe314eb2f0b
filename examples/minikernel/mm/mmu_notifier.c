// SPDX-License-Identifier: GPL-2.0
/*
 * Registration only; this mock never invokes the callbacks itself.
 */
#include <linux/types.h>
#include <linux/mmu_notifier.h>

int mmu_notifier_register(struct mmu_notifier *subscription,
			  struct mm_struct *mm)
{
	subscription->mm = mm;
	return 0;
}

int mmu_interval_notifier_insert(struct mmu_interval_notifier *interval_sub,
				 struct mm_struct *mm, unsigned long start,
				 unsigned long length,
				 const struct mmu_interval_notifier_ops *ops)
{
	(void)mm;
	(void)start;
	(void)length;
	interval_sub->ops = ops;
	interval_sub->invalidate_seq = 1;
	return 0;
}
