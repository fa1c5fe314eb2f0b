// The true twin: the same kref_put, with a release (in another TU) that waits.
#include "kref_obj.h"

static bool kobj_wait_invalidate(struct mmu_interval_notifier *mni,
				 const struct mmu_notifier_range *range, unsigned long seq)
{
	struct kobj *obj = (struct kobj *)mni;

	kref_put(&obj->ref, kobj_release_waiting);
	return true;
}

const struct mmu_interval_notifier_ops kobj_wait_ops = {
	.invalidate = kobj_wait_invalidate,
};
