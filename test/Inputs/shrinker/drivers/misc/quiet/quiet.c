// SPDX-License-Identifier: GPL-2.0
#include <linux/dma-fence.h>
#include <linux/shrinker.h>

static struct dma_fence *quiet_fence;
static unsigned long quiet_cached;

static unsigned long quiet_count(struct shrinker *s, struct shrink_control *sc)
{
	return quiet_cached;
}

/* Busy objects are skipped, never waited for. */
static unsigned long quiet_scan(struct shrinker *s, struct shrink_control *sc)
{
	if (!dma_fence_is_signaled(quiet_fence))
		return SHRINK_STOP;
	quiet_cached = 0;
	return sc->nr_to_scan;
}

static struct shrinker quiet_shrinker = {
	.count_objects = quiet_count,
	.scan_objects = quiet_scan,
	.seeks = DEFAULT_SEEKS,
};

int quiet_init(void)
{
	return register_shrinker(&quiet_shrinker, "quiet");
}
