// A GPU driver: waiting in its notifier is allowed under drivers/gpu/.
#include <linux/dma-fence.h>
#include <linux/mmu_notifier.h>

struct y_bo {
	struct mmu_interval_notifier notifier;
	struct dma_fence *fence;
};

static bool y_invalidate(struct mmu_interval_notifier *mni,
			 const struct mmu_notifier_range *range,
			 unsigned long cur_seq)
{
	struct y_bo *bo = (struct y_bo *)mni;

	dma_fence_wait(bo->fence, false);
	return true;
}

static const struct mmu_interval_notifier_ops y_mn_ops = {
	.invalidate = y_invalidate,
};

int y_bo_register(struct y_bo *bo, struct mm_struct *mm)
{
	return mmu_interval_notifier_insert(&bo->notifier, mm, 0, 4096, &y_mn_ops);
}
