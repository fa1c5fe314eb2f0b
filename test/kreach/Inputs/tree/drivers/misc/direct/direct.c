#include <linux/mmu_notifier.h>
#include <linux/dma-fence.h>

struct direct_ctx {
	struct mmu_notifier mn;
	struct dma_fence *fence;
};
static struct direct_ctx ctx;

static int direct_invalidate_range_start(struct mmu_notifier *mn,
					 const struct mmu_notifier_range *range)
{
	dma_fence_wait(ctx.fence, false);
	return 0;
}

static const struct mmu_notifier_ops direct_mn_ops = {
	.invalidate_range_start = direct_invalidate_range_start,
};
const struct mmu_notifier_ops *direct_ops(void) { return &direct_mn_ops; }
