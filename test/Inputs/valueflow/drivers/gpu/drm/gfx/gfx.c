// A GPU driver: its vmap purge callback and its page walker wait (allowed
// under drivers/gpu/, and no notifier of its own).
#include <linux/dma-fence.h>
#include <linux/notifier.h>
#include <linux/pagewalk.h>
#include <linux/wait.h>

static struct dma_fence *gfx_fence;

static int gfx_vmap_purge(struct notifier_block *nb, unsigned long action, void *data)
{
	return dma_fence_wait(gfx_fence, false);
}

/* As i915 does: the notifier block lives in the device, its callback is
 * assigned at run time. */
struct gfx_dev {
	struct notifier_block vmap_notifier;
};

int gfx_init(struct gfx_dev *gfx)
{
	gfx->vmap_notifier.notifier_call = gfx_vmap_purge;
	return register_vmap_purge_notifier(&gfx->vmap_notifier);
}

/* How the driver core reaches it: through the driver's ops. */
struct gfx_driver {
	int (*probe)(struct gfx_dev *gfx);
	void (*watch)(struct done_waiter *w);
};
void gfx_watch(struct done_waiter *w);
const struct gfx_driver gfx_driver = { .probe = gfx_init, .watch = gfx_watch };

static int gfx_pte(unsigned long addr, struct mm_walk *walk)
{
	return dma_fence_wait(gfx_fence, false);
}

const struct mm_walk_ops gfx_walk_ops = { .pte_entry = gfx_pte };

/* A wake function that waits, queued on a done_waiter's head. */
static int gfx_done_wake(struct wait_queue_entry *wq_entry, unsigned int mode, int flags,
			 void *key)
{
	return dma_fence_wait(gfx_fence, false);
}

void gfx_watch(struct done_waiter *w)
{
	w->entry.func = gfx_done_wake;
	add_wait_queue(&w->done_wq, &w->entry);
}

/* The GPU driver's own chain, fired from outside drivers/gpu, with a block
 * it allocates and fills before registering: the wait is reached through
 * what was written into the block. */
#include <linux/slab.h>

static BLOCKING_NOTIFIER_HEAD(gfx_unbind_list);

int register_gfx_unbind_notifier(struct notifier_block *nb)
{
	return blocking_notifier_chain_register(&gfx_unbind_list, nb);
}

void gfx_unbind_notify(void)
{
	blocking_notifier_call_chain(&gfx_unbind_list, 0, NULL);
}

static int gfx_unbind_wait(struct notifier_block *nb, unsigned long action, void *data)
{
	return dma_fence_wait(gfx_fence, false);
}

int gfx_unbind_init(void)
{
	struct notifier_block *nb = kzalloc(sizeof(*nb), 0);

	if (!nb)
		return -1;
	nb->notifier_call = gfx_unbind_wait;
	return register_gfx_unbind_notifier(nb);
}
const struct gfx_driver gfx_unbind_driver = { .probe = (int (*)(struct gfx_dev *))gfx_unbind_init };
