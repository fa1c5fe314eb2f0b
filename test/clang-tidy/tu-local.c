// REQUIRES: tidy-plugin
// Without an index the check sees this TU alone: its roots, its calls, the
// static inline functions of the headers it includes and its ops tables.
// RUN: %clang-tidy --load=%tidy-plugin -checks='-*,linuxkernel-mmu-notifier-dma-fence-wait' \
// RUN:   -config="{CheckOptions: {linuxkernel-mmu-notifier-dma-fence-wait.IndexFile: '%S/Inputs/no-such-index-on-purpose.db', linuxkernel-mmu-notifier-dma-fence-wait.SourceRoot: '%S'}}" \
// RUN:   %s -- -nostdinc -I%kernel_headers 2>&1 | FileCheck %s --implicit-check-not='warning:'
#include <linux/dma-fence.h>
#include <linux/mmu_notifier.h>
#include <linux/workqueue.h>

// CHECK: tu-local.c:1:1: warning: kreach index '{{.*}}no-such-index-on-purpose.db' does not exist; analysing this translation unit alone [linuxkernel-mmu-notifier-dma-fence-wait]
struct tu_dev {
	struct mmu_notifier mn;
	struct mmu_interval_notifier mni;
	struct dma_fence *fence;
	struct work_struct work;
};

// A direct chain through a static helper and the header's static inline.
static void tu_drain(struct tu_dev *dev)
{
	dma_fence_wait(dev->fence, true);
}

static int tu_invalidate_range_start(struct mmu_notifier *mn,
// CHECK: :[[@LINE-1]]:12: warning: mmu notifier callback 'tu_invalidate_range_start' can reach dma_fence wait 'dma_fence_wait' outside drivers/gpu/ [linuxkernel-mmu-notifier-dma-fence-wait]
				     const struct mmu_notifier_range *range)
{
	struct tu_dev *dev = (struct tu_dev *)mn;

	tu_drain(dev);
// CHECK: :[[@LINE-1]]:2: note: 'tu_invalidate_range_start' calls 'tu_drain'
// CHECK: :22:2: note: 'tu_drain' calls 'dma_fence_wait'
// CHECK: :[[@LINE+21]]:28: note: 'tu_invalidate_range_start' is registered as 'mmu_notifier_ops::invalidate_range_start' here
	return 0;
}

// Deferred to a worker: the wait does not run in the notifier.
static void tu_work(struct work_struct *work)
{
	struct tu_dev *dev = (struct tu_dev *)work;

	dma_fence_wait(dev->fence, false);
}

static void tu_invalidate_range_end(struct mmu_notifier *mn,
				    const struct mmu_notifier_range *range)
{
	struct tu_dev *dev = (struct tu_dev *)mn;

	schedule_work(&dev->work);
}

static const struct mmu_notifier_ops tu_mn_ops = {
	.invalidate_range_start = tu_invalidate_range_start,
	.invalidate_range_end = tu_invalidate_range_end,
};

// An ops table of the driver's own, visible in this TU.
struct tu_backend_ops {
	void (*quiesce)(struct tu_dev *dev);
};

static void tu_backend_quiesce(struct tu_dev *dev)
{
	dev->fence->ops->wait(dev->fence, false, 100);
}

static const struct tu_backend_ops tu_backend = {
	.quiesce = tu_backend_quiesce,
};

static bool tu_interval_invalidate(struct mmu_interval_notifier *mni,
// CHECK: :[[@LINE-1]]:13: warning: mmu notifier callback 'tu_interval_invalidate' can reach dma_fence wait 'dma_fence_ops::wait' outside drivers/gpu/ [linuxkernel-mmu-notifier-dma-fence-wait]
				   const struct mmu_notifier_range *range,
				   unsigned long cur_seq)
{
	const struct tu_backend_ops *ops = &tu_backend;

	ops->quiesce((struct tu_dev *)mni);
// CHECK: :[[@LINE-1]]:7: note: 'tu_interval_invalidate' calls 'tu_backend_quiesce' through 'tu_backend_ops::quiesce'
// CHECK: :[[@LINE-16]]:19: note: 'tu_backend_quiesce' waits through 'dma_fence_ops::wait'
// CHECK: :[[@LINE+16]]:16: note: 'tu_interval_invalidate' is registered as 'mmu_interval_notifier_ops::invalidate' here
	return true;
}

// Calls a function this TU does not define: without an index its body is
// unknown, so nothing is reported (the cross-TU tests cover the index).
extern void tu_elsewhere(struct tu_dev *dev);
static bool tu_interval_invalidate_extern(struct mmu_interval_notifier *mni,
				   const struct mmu_notifier_range *range,
				   unsigned long cur_seq)
{
	tu_elsewhere((struct tu_dev *)mni);
	return true;
}

static const struct mmu_interval_notifier_ops tu_mni_ops = {
	.invalidate = tu_interval_invalidate,
};

static const struct mmu_interval_notifier_ops tu_mni_ops_extern = {
	.invalidate = tu_interval_invalidate_extern,
};

// Waits, but is not registered as a notifier callback.
void tu_not_a_root(struct tu_dev *dev)
{
	dma_fence_wait(dev->fence, false);
}

int tu_register(struct tu_dev *dev, struct mm_struct *mm)
{
	dev->mn.ops = &tu_mn_ops;
	return mmu_interval_notifier_insert(&dev->mni, mm, 0, 4096, &tu_mni_ops) ?:
	       mmu_interval_notifier_insert(&dev->mni, mm, 0, 4096, &tu_mni_ops_extern);
}
