#include <linux/mmu_notifier.h>
#include <linux/dma-fence.h>

struct mm_walk_ops {
	int (*pte_hole)(unsigned long addr);
};
struct notifier_block {
	int (*notifier_call)(struct notifier_block *nb, unsigned long action, void *data);
	struct notifier_block *next;
};
struct blocking_notifier_head {
	struct notifier_block *head;
};
static struct blocking_notifier_head oom_notify_list;
static struct mmu_notifier *subscriptions;

int blocking_notifier_chain_register(struct blocking_notifier_head *nh,
				     struct notifier_block *nb)
{
	nb->next = nh->head;
	nh->head = nb;
	return 0;
}

int blocking_notifier_call_chain(struct blocking_notifier_head *nh, unsigned long val, void *v)
{
	struct notifier_block *nb = nh->head;
	int ret = 0;

	while (nb) {
		ret = nb->notifier_call(nb, val, v);
		nb = nb->next;
	}
	return ret;
}

int register_oom_notifier(struct notifier_block *nb)
{
	return blocking_notifier_chain_register(&oom_notify_list, nb);
}

/* Memory reclaim re-entered from an allocation. */
void out_of_memory(void) { blocking_notifier_call_chain(&oom_notify_list, 0, 0); }
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
