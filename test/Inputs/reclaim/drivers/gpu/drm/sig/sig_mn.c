// SPDX-License-Identifier: GPL-2.0
/* A GPU driver's notifier: the fence-wait rule allows drivers/gpu, the
 * reclaim rule allows no path. */
#include <linux/slab.h>
#include <linux/mmu_notifier.h>

static bool sig_mn_invalidate(struct mmu_interval_notifier *mni,
			      const struct mmu_notifier_range *range,
			      unsigned long cur_seq)
{
	return kzalloc(64, GFP_KERNEL) != NULL;
}

const struct mmu_interval_notifier_ops sig_mn_ops = {
	.invalidate = sig_mn_invalidate,
};
