// An ops table copied into a local struct, then called through the copy.
#include <linux/dma-fence.h>
#include <linux/mmu_notifier.h>

struct copy_ops {
	int (*flush)(int);
};

static struct dma_fence *copy_fence;
static int copy_quiet_flush(int x) { return x; }
static int copy_wait_flush(int x) { return dma_fence_wait(copy_fence, false); }
static const struct copy_ops copy_quiet_table = { .flush = copy_quiet_flush };
static const struct copy_ops copy_wait_table = { .flush = copy_wait_flush };

static int copy_quiet_start(struct mmu_notifier *mn, const struct mmu_notifier_range *r)
{
	struct copy_ops local = copy_quiet_table;

	return local.flush(1);
}

static int copy_wait_start(struct mmu_notifier *mn, const struct mmu_notifier_range *r)
{
	struct copy_ops local;

	local = copy_wait_table;
	return local.flush(1);
}

const struct mmu_notifier_ops copy_quiet_mn = { .invalidate_range_start = copy_quiet_start };
const struct mmu_notifier_ops copy_wait_mn = { .invalidate_range_start = copy_wait_start };
