#include <linux/mmu_notifier.h>

static int sync_fn(void) { return 0; }

static int clash_invalidate_range_start(struct mmu_notifier *mn,
					const struct mmu_notifier_range *range)
{
	return sync_fn();
}

const struct mmu_notifier_ops clash_mn_ops = {
	.invalidate_range_start = clash_invalidate_range_start,
};
