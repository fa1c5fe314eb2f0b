// REQUIRES: tidy-plugin
// NOLINT at the root callback suppresses the finding; NOLINT for another
// check does not.
// RUN: %clang-tidy --load=%tidy-plugin -checks='-*,linuxkernel-mmu-notifier-dma-fence-wait' \
// RUN:   -config="{CheckOptions: {linuxkernel-mmu-notifier-dma-fence-wait.IndexFile: '%S/Inputs/no-such-index-on-purpose.db'}}" \
// RUN:   %s -- -nostdinc -I%kernel_headers 2>&1 | FileCheck %s --implicit-check-not='mmu notifier callback'
#include <linux/dma-fence.h>
#include <linux/mmu_notifier.h>

struct nl_dev {
	struct mmu_interval_notifier mni;
	struct dma_fence *fence;
};

static bool nl_suppressed(struct mmu_interval_notifier *mni, // NOLINT(linuxkernel-mmu-notifier-dma-fence-wait)
			  const struct mmu_notifier_range *range, unsigned long seq)
{
	dma_fence_wait(((struct nl_dev *)mni)->fence, false);
	return true;
}

// NOLINTNEXTLINE(linuxkernel-mmu-notifier-dma-fence-wait)
static bool nl_suppressed_next(struct mmu_interval_notifier *mni,
			       const struct mmu_notifier_range *range, unsigned long seq)
{
	dma_fence_wait(((struct nl_dev *)mni)->fence, false);
	return true;
}

static bool nl_other_check(struct mmu_interval_notifier *mni, // NOLINT(bugprone-unused-return-value)
			   const struct mmu_notifier_range *range, unsigned long seq)
// CHECK: :[[@LINE-2]]:13: warning: mmu notifier callback 'nl_other_check' can reach dma_fence wait 'dma_fence_wait' outside drivers/gpu/ [linuxkernel-mmu-notifier-dma-fence-wait]
{
	dma_fence_wait(((struct nl_dev *)mni)->fence, false);
	return true;
}

static const struct mmu_interval_notifier_ops nl_ops[] = {
	{ .invalidate = nl_suppressed },
	{ .invalidate = nl_suppressed_next },
	{ .invalidate = nl_other_check },
};

int nl_register(struct nl_dev *dev, struct mm_struct *mm, int i)
{
	return mmu_interval_notifier_insert(&dev->mni, mm, 0, 4096, &nl_ops[i]);
}
// CHECK: Suppressed 2 warnings (2 NOLINT)
