#include <linux/mmu_notifier.h>
#include <linux/dma-fence.h>
#include <linux/container_of.h>
struct acc_dev;
struct acc_dev_ops {
	int (*hmm_invalidate)(struct acc_dev *dev, unsigned long start);
};
struct acc_dev {
	const struct acc_dev_ops *ops;
	struct mmu_interval_notifier notifier;
	struct dma_fence *fence;
};
int acc_hw_invalidate(struct acc_dev *dev, unsigned long start);
int acc_fence_sync(struct acc_dev *dev);
