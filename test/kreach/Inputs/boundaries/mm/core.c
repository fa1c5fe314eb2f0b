#include <linux/mmu_notifier.h>
#include <linux/dma-fence.h>

struct mm_walk_ops {
	int (*pte_hole)(unsigned long addr);
};
struct notifier_block {
	int (*notifier_call)(struct notifier_block *nb, unsigned long action, void *data);
};
static struct notifier_block *oom_chain;
static struct mmu_notifier *subscriptions;

/* Memory reclaim re-entered from an allocation. */
void out_of_memory(void) { oom_chain->notifier_call(oom_chain, 0, 0); }
void *alloc_thing(void) { out_of_memory(); return 0; }

/* A page walk calls the ops it was handed. */
int walk_page_range(const struct mm_walk_ops *ops, unsigned long addr)
{
	return ops->pte_hole(addr);
}

/* The mm core dispatching to every registered notifier. */
void mn_invalidate_start(const struct mmu_notifier_range *range)
{
	subscriptions->ops->invalidate_range_start(subscriptions, range);
}
