// SPDX-License-Identifier: GPL-2.0
#include <linux/dma-fence.h>
#include <linux/shrinker.h>

static struct dma_fence *gfx_busy;

/* drivers/gpu signals its fences without reclaim, so it may wait here. */
static unsigned long gfx_scan(struct shrinker *s, struct shrink_control *sc)
{
	dma_fence_wait_timeout(gfx_busy, false, 100);
	return sc->nr_to_scan;
}

static unsigned long gfx_count(struct shrinker *s, struct shrink_control *sc)
{
	return 1;
}

int gfx_shrinker_init(void)
{
	struct shrinker *s = shrinker_alloc(0, "gfx");

	if (!s)
		return -1;
	s->scan_objects = gfx_scan;
	s->count_objects = gfx_count;
	shrinker_register(s);
	return 0;
}
