// run_callback copies its parameter to a local (through a void *) and calls
// it: a quiet callback in one notifier, a waiting one in the other.
#include <linux/callback.h>
#include <linux/dma-fence.h>
#include <linux/mmu_notifier.h>

static struct dma_fence *local_fence;

static int local_quiet_cb(void *arg) { return 0; }
static int local_wait_cb(void *arg) { return dma_fence_wait(local_fence, false); }

static int local_quiet_start(struct mmu_notifier *mn, const struct mmu_notifier_range *r)
{
	return run_callback(local_quiet_cb, mn);
}

static int local_wait_start(struct mmu_notifier *mn, const struct mmu_notifier_range *r)
{
	vf_callback_t chosen = local_wait_cb;

	return run_callback(chosen, mn);
}

const struct mmu_notifier_ops local_quiet_ops = { .invalidate_range_start = local_quiet_start };
const struct mmu_notifier_ops local_wait_ops = { .invalidate_range_start = local_wait_start };
