#ifndef XTU_H
#define XTU_H

#include <linux/types.h>
#include <linux/dma-resv.h>
#include <linux/mmu_notifier.h>

struct xtu {
	struct mmu_notifier mn;
	struct mmu_interval_notifier mni;
	struct dma_resv *resv;
	bool idle;
};

/* xtu_hw.c */
void xtu_hw_flush(struct xtu *x);
void xtu_hw_poke(struct xtu *x);

/* xtu_mn.c, registered by xtu_core.c */
bool xtu_invalidate(struct mmu_interval_notifier *mni,
		    const struct mmu_notifier_range *range,
		    unsigned long cur_seq);

#endif
