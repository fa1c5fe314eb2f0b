#include <linux/mmu_notifier.h>
#include <linux/dma-fence.h>

static struct dma_fence *interval_fence;

/* Waits through the fence's own ops, the indirect sink. */
static bool interval_invalidate_start(struct mmu_interval_notifier *mni,
				      const struct mmu_notifier_range *range,
				      unsigned long seq)
{
	return interval_fence->ops->wait(interval_fence, false, 10) == 0;
}

const struct mmu_interval_notifier_ops interval_mn_ops = {
	.invalidate_start = interval_invalidate_start,
};
