#include <linux/mmu_notifier.h>
#include <linux/dma-fence.h>

struct mm_walk_ops {
	int (*pte_hole)(unsigned long addr);
};
struct notifier_block {
	int (*notifier_call)(struct notifier_block *nb, unsigned long action, void *data);
	struct notifier_block *next;
};
int register_oom_notifier(struct notifier_block *nb);
static struct dma_fence *g_fence;

/* A GPU OOM notifier and a GPU page walker may wait: they are not notifiers. */
static int g_oom(struct notifier_block *nb, unsigned long action, void *data)
{
	return dma_fence_wait(g_fence, false);
}
struct notifier_block g_oom_nb = { .notifier_call = g_oom };
int g_init(void) { return register_oom_notifier(&g_oom_nb); }

static int g_hole(unsigned long addr) { return dma_fence_wait(g_fence, false); }
const struct mm_walk_ops g_walk_ops = { .pte_hole = g_hole };

static int g_invalidate_range_start(struct mmu_notifier *mn, const struct mmu_notifier_range *r)
{
	return dma_fence_wait(g_fence, false);
}
const struct mmu_notifier_ops g_mn_ops = { .invalidate_range_start = g_invalidate_range_start };
