// SPDX-License-Identifier: GPL-2.0
/*
 * xacc core: binds the hw ops and registers the interval notifier.
 */
#include "xacc.h"

static const struct xacc_dev_ops xacc_hw_ops = {
	.hmm_invalidate = xacc_hw_invalidate,
	.reset = xacc_hw_reset,
};

int xacc_probe(struct xacc_dev *dev, struct mm_struct *mm,
	       unsigned long start, unsigned long length)
{
	dev->ops = &xacc_hw_ops;
	dev->fence = NULL;
	return mmu_interval_notifier_insert(&dev->notifier, mm, start, length,
					    &xacc_mn_ops);
}
