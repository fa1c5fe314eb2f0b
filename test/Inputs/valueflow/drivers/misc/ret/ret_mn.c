#include "ret.h"

struct dma_fence *ret_fence;

static int ret_quiet_start(struct mmu_notifier *mn, const struct mmu_notifier_range *r)
{
	return ret_quiet_ops()->run();
}

static int ret_wait_start(struct mmu_notifier *mn, const struct mmu_notifier_range *r)
{
	const struct ret_ops *ops = ret_wait_ops();

	return ops->run();
}

const struct mmu_notifier_ops ret_quiet_mn = { .invalidate_range_start = ret_quiet_start };
const struct mmu_notifier_ops ret_wait_mn = { .invalidate_range_start = ret_wait_start };
