// SPDX-License-Identifier: GPL-2.0
#include <linux/dma-fence.h>
#include <linux/shrinker.h>
#include <linux/workqueue.h>

static struct dma_fence *defer_fence;
static struct work_struct defer_work;

static void defer_release(struct work_struct *work)
{
	dma_fence_wait(defer_fence, false);
}

/* The wait runs in a worker, after reclaim has moved on. */
static unsigned long defer_scan(struct shrinker *s, struct shrink_control *sc)
{
	schedule_work(&defer_work);
	return SHRINK_STOP;
}

static unsigned long defer_count(struct shrinker *s, struct shrink_control *sc)
{
	return 1;
}

int defer_init(void)
{
	struct shrinker *s = shrinker_alloc(0, "defer");

	if (!s)
		return -1;
	INIT_WORK(&defer_work, defer_release);
	s->scan_objects = defer_scan;
	s->count_objects = defer_count;
	shrinker_register(s);
	return 0;
}
