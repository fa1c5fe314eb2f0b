// Two shortest chains of equal length from one callback, one of them
// through an ops field, so explain has more than one chain to show.
#include <linux/types.h>
#include <linux/dma-fence.h>
#include <linux/mmu_notifier.h>

struct diamond_ops {
	void (*flush)(struct dma_fence *f);
};

static struct dma_fence *diamond_fence;

static void diamond_flush_hw(struct dma_fence *f)
{
	dma_fence_wait_timeout(f, false, 10);
}

static const struct diamond_ops diamond_hw_ops = {
	.flush = diamond_flush_hw,
};
static const struct diamond_ops *diamond_ops = &diamond_hw_ops;

static void diamond_sync(void)
{
	dma_fence_wait_timeout(diamond_fence, false, 10);
}

static int diamond_invalidate_range_start(struct mmu_notifier *mn,
					  const struct mmu_notifier_range *range)
{
	(void)mn;
	(void)range;
	diamond_sync();
	diamond_ops->flush(diamond_fence);
	return 0;
}

static const struct mmu_notifier_ops diamond_mn_ops = {
	.invalidate_range_start = diamond_invalidate_range_start,
};

int diamond_attach(struct mmu_notifier *mn, struct mm_struct *mm)
{
	mn->ops = &diamond_mn_ops;
	return mmu_notifier_register(mn, mm);
}
