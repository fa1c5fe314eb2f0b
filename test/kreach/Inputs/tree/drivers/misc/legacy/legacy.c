#include <linux/mmu_notifier.h>
#include <linux/reservation.h>

static struct fence *legacy_fence;
static struct reservation_object *legacy_resv;

/* A 4.x-era driver: invalidate_range and the old fence API names. */
static void legacy_invalidate_range(struct mmu_notifier *mn, struct mm_struct *mm,
				    unsigned long start, unsigned long end)
{
	fence_wait_timeout(legacy_fence, false, 10);
}

static void legacy_invalidate_range_end(struct mmu_notifier *mn,
					const struct mmu_notifier_range *range)
{
	reservation_object_wait_timeout_rcu(legacy_resv, true, false, 10);
}

static const struct mmu_notifier_ops legacy_mn_ops = {
	.invalidate_range = legacy_invalidate_range,
	.invalidate_range_end = legacy_invalidate_range_end,
};
const struct mmu_notifier_ops *legacy_ops(void) { return &legacy_mn_ops; }
