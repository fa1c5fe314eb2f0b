#include <linux/mmu_notifier.h>

struct mm_walk_ops {
	int (*pte_hole)(unsigned long addr);
};
void *alloc_thing(void);
int walk_page_range(const struct mm_walk_ops *ops, unsigned long addr);
void mn_invalidate_start(const struct mmu_notifier_range *range);

static int b_hole(unsigned long addr) { return 0; }
static const struct mm_walk_ops b_walk_ops = { .pte_hole = b_hole };

static int b_alloc_start(struct mmu_notifier *mn, const struct mmu_notifier_range *r)
{
	return alloc_thing() != 0;
}

static int b_walk_start(struct mmu_notifier *mn, const struct mmu_notifier_range *r)
{
	return walk_page_range(&b_walk_ops, r->start);
}

static void b_nested_end(struct mmu_notifier *mn, const struct mmu_notifier_range *r)
{
	mn_invalidate_start(r);
}

const struct mmu_notifier_ops b_alloc_ops = { .invalidate_range_start = b_alloc_start };
const struct mmu_notifier_ops b_walk_mn_ops = { .invalidate_range_start = b_walk_start };
const struct mmu_notifier_ops b_nested_ops = { .invalidate_range_end = b_nested_end };
