#include <linux/dma-fence.h>
#include <linux/kref.h>
#include <linux/mmu_notifier.h>

struct kobj {
	struct kref ref;
	struct dma_fence *fence;
	struct mmu_interval_notifier notifier;
};

void kobj_release_waiting(struct kref *ref);
