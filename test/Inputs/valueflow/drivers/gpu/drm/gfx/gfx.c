// A GPU driver: its vmap purge callback and its page walker wait (allowed
// under drivers/gpu/, and no notifier of its own).
#include <linux/dma-fence.h>
#include <linux/notifier.h>
#include <linux/pagewalk.h>

static struct dma_fence *gfx_fence;

static int gfx_vmap_purge(struct notifier_block *nb, unsigned long action, void *data)
{
	return dma_fence_wait(gfx_fence, false);
}

static struct notifier_block gfx_vmap_nb = {
	.notifier_call = gfx_vmap_purge,
};

int gfx_init(void)
{
	return register_vmap_purge_notifier(&gfx_vmap_nb);
}

static int gfx_pte(unsigned long addr, struct mm_walk *walk)
{
	return dma_fence_wait(gfx_fence, false);
}

const struct mm_walk_ops gfx_walk_ops = { .pte_entry = gfx_pte };
