// The false twin: kref_put with a release that frees without waiting.
#include "kref_obj.h"

static void kobj_release_quiet(struct kref *ref)
{
	ref->refcount = -1;
}

static bool kobj_quiet_invalidate(struct mmu_interval_notifier *mni,
				  const struct mmu_notifier_range *range, unsigned long seq)
{
	struct kobj *obj = (struct kobj *)mni;

	kref_put(&obj->ref, kobj_release_quiet);
	return true;
}

const struct mmu_interval_notifier_ops kobj_quiet_ops = {
	.invalidate = kobj_quiet_invalidate,
};
