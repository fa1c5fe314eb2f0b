/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _XACC_H
#define _XACC_H

#include <linux/types.h>
#include <linux/dma-fence.h>
#include <linux/dma-resv.h>
#include <linux/mmu_notifier.h>

struct xacc_dev;

struct xacc_dev_ops {
	int (*hmm_invalidate)(struct xacc_dev *dev, unsigned long start,
			      unsigned long end);
	void (*reset)(struct xacc_dev *dev);
};

struct xacc_dev {
	const struct xacc_dev_ops *ops;
	struct mmu_interval_notifier notifier;
	struct dma_fence *fence;
	struct dma_resv resv;
};

/* xacc_mn.c */
extern const struct mmu_interval_notifier_ops xacc_mn_ops;

/* xacc_hw.c */
int xacc_hw_invalidate(struct xacc_dev *dev, unsigned long start,
		       unsigned long end);
void xacc_hw_reset(struct xacc_dev *dev);
int xacc_fence_sync(struct xacc_dev *dev);

/* xacc_core.c */
int xacc_probe(struct xacc_dev *dev, struct mm_struct *mm,
	       unsigned long start, unsigned long length);

#endif /* _XACC_H */
