// SPDX-License-Identifier: GPL-2.0
/*
 * xacc mmu interval notifier: forwards invalidations to the hw backend
 * through the device ops table.
 */
#include <linux/container_of.h>
#include "xacc.h"

static bool xacc_mn_invalidate(struct mmu_interval_notifier *mni,
			       const struct mmu_notifier_range *range,
			       unsigned long cur_seq)
{
	struct xacc_dev *dev = container_of(mni, struct xacc_dev, notifier);

	mmu_interval_set_seq(mni, cur_seq);
	dev->ops->hmm_invalidate(dev, range->start, range->end);
	return true;
}

const struct mmu_interval_notifier_ops xacc_mn_ops = {
	.invalidate = xacc_mn_invalidate,
};
