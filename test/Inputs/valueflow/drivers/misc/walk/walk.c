// Two page walks: each reaches its own walker and no other.
#include <linux/dma-fence.h>
#include <linux/mmu_notifier.h>
#include <linux/pagewalk.h>

static struct dma_fence *walk_fence;

static int walk_quiet_pte(unsigned long addr, struct mm_walk *walk) { return 0; }
static int walk_wait_pte(unsigned long addr, struct mm_walk *walk)
{
	return dma_fence_wait(walk_fence, false);
}

static const struct mm_walk_ops walk_quiet_ops = { .pte_entry = walk_quiet_pte };
static const struct mm_walk_ops walk_wait_ops = { .pte_entry = walk_wait_pte };

static int walk_quiet_start(struct mmu_notifier *mn, const struct mmu_notifier_range *r)
{
	return walk_page_range(mn->mm, r->start, r->end, &walk_quiet_ops, NULL);
}

static int walk_wait_start(struct mmu_notifier *mn, const struct mmu_notifier_range *r)
{
	return walk_page_range(mn->mm, r->start, r->end, &walk_wait_ops, NULL);
}

const struct mmu_notifier_ops walk_quiet_mn = { .invalidate_range_start = walk_quiet_start };
const struct mmu_notifier_ops walk_wait_mn = { .invalidate_range_start = walk_wait_start };
