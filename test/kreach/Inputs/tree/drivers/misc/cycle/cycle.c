#include <linux/mmu_notifier.h>
#include <linux/dma-fence.h>

static struct dma_fence *cycle_fence;
static int walk_b(int depth);

static int walk_a(int depth) { return depth ? walk_b(depth - 1) : 0; }
static int walk_b(int depth) { return depth ? walk_a(depth - 1) : dma_fence_wait(cycle_fence, false); }
static int spin(int n) { return n ? spin(n - 1) : 0; }

static void cycle_invalidate_range_end(struct mmu_notifier *mn,
				       const struct mmu_notifier_range *range)
{
	spin(3);
	walk_a(4);
}

static const struct mmu_notifier_ops cycle_mn_ops = {
	.invalidate_range_end = cycle_invalidate_range_end,
};
const struct mmu_notifier_ops *cycle_ops(void) { return &cycle_mn_ops; }
