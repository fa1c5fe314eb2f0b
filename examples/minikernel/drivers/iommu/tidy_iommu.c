// SPDX-License-Identifier: GPL-2.0
/*
 * tidy_iommu: the notifier only bumps counters.  tidy_iommu_sync() does
 * wait on a fence, but no notifier callback can reach it.
 */
#include <linux/types.h>
#include <linux/container_of.h>
#include <linux/dma-fence.h>
#include <linux/mmu_notifier.h>

struct tidy_iommu {
	struct mmu_notifier mn;
	struct dma_fence *fence;
	unsigned long flushes;
	unsigned long flushed_bytes;
};

static void tidy_iommu_invalidate_tlbs(struct mmu_notifier *mn,
				       struct mm_struct *mm,
				       unsigned long start, unsigned long end)
{
	struct tidy_iommu *ti = container_of(mn, struct tidy_iommu, mn);

	(void)mm;
	ti->flushes++;
	ti->flushed_bytes += end - start;
}

static const struct mmu_notifier_ops tidy_iommu_mn_ops = {
	.arch_invalidate_secondary_tlbs = tidy_iommu_invalidate_tlbs,
};

int tidy_iommu_bind(struct tidy_iommu *ti, struct mm_struct *mm)
{
	ti->mn.ops = &tidy_iommu_mn_ops;
	return mmu_notifier_register(&ti->mn, mm);
}

int tidy_iommu_sync(struct tidy_iommu *ti)
{
	return (int)dma_fence_wait(ti->fence, true);
}
