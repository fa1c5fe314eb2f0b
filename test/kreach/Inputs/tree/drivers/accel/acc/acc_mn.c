#include "acc.h"

static bool acc_mn_invalidate(struct mmu_interval_notifier *mni,
			      const struct mmu_notifier_range *range,
			      unsigned long cur_seq)
{
	struct acc_dev *dev = container_of(mni, struct acc_dev, notifier);

	return dev->ops->hmm_invalidate(dev, range->start) == 0;
}

const struct mmu_interval_notifier_ops acc_mn_ops = {
	.invalidate = acc_mn_invalidate,
};
