// SPDX-License-Identifier: GPL-2.0
/*
 * fenceuser: a misc driver that (wrongly) waits for its last fence from
 * an mmu notifier callback.  Expected finding: direct, single TU.
 */
#include <linux/types.h>
#include <linux/container_of.h>
#include <linux/dma-fence.h>
#include <linux/mmu_notifier.h>
#include <linux/mutex.h>

struct fenceuser {
	struct mmu_notifier mn;
	struct mutex lock;
	struct dma_fence *last_fence;
};

static void fenceuser_sync(struct fenceuser *fu)
{
	mutex_lock(&fu->lock);
	if (fu->last_fence)
		dma_fence_wait(fu->last_fence, false);
	mutex_unlock(&fu->lock);
}

static int fenceuser_invalidate_range_start(struct mmu_notifier *mn,
					    const struct mmu_notifier_range *range)
{
	struct fenceuser *fu = container_of(mn, struct fenceuser, mn);

	(void)range;
	fenceuser_sync(fu);
	return 0;
}

static void fenceuser_release(struct mmu_notifier *mn, struct mm_struct *mm)
{
	struct fenceuser *fu = container_of(mn, struct fenceuser, mn);

	(void)mm;
	fu->last_fence = NULL;
}

static const struct mmu_notifier_ops fenceuser_mn_ops = {
	.invalidate_range_start = fenceuser_invalidate_range_start,
	.release = fenceuser_release,
};

int fenceuser_attach(struct fenceuser *fu, struct mm_struct *mm)
{
	fu->mn.ops = &fenceuser_mn_ops;
	return mmu_notifier_register(&fu->mn, mm);
}
