// Registration lives apart from the callbacks.
#include "xtu.h"

static int xtu_start(struct mmu_notifier *mn,
		     const struct mmu_notifier_range *range)
{
	return 0;
}

static const struct mmu_notifier_ops xtu_mn_ops = {
	.invalidate_range_start = xtu_start,
};

static const struct mmu_interval_notifier_ops xtu_mni_ops = {
	.invalidate = xtu_invalidate,
};

const void *xtu_tables[] = { &xtu_mn_ops, &xtu_mni_ops };
