#include <linux/mmu_notifier.h>
#include <linux/dma-fence.h>
#include <linux/workqueue.h>

static struct dma_fence *deferred_fence;
static struct work_struct deferred_work;
static struct timer_list deferred_timer;
static struct rcu_head deferred_rcu;

static void deferred_worker(struct work_struct *w) { dma_fence_wait(deferred_fence, false); }
static void deferred_timer_fn(struct timer_list *t) { dma_fence_wait(deferred_fence, false); }
static void deferred_rcu_fn(struct rcu_head *h) { dma_fence_wait(deferred_fence, false); }

static int deferred_invalidate_range_start(struct mmu_notifier *mn,
					   const struct mmu_notifier_range *range)
{
	INIT_WORK(&deferred_work, deferred_worker);
	schedule_work(&deferred_work);
	timer_setup(&deferred_timer, deferred_timer_fn, 0);
	call_rcu(&deferred_rcu, deferred_rcu_fn);
	return 0;
}

static const struct mmu_notifier_ops deferred_mn_ops = {
	.invalidate_range_start = deferred_invalidate_range_start,
};
const struct mmu_notifier_ops *deferred_ops(void) { return &deferred_mn_ops; }

/* Something, somewhere, runs queued work: that is not the notifier's call. */
void run_work(struct work_struct *w) { w->func(w); }
