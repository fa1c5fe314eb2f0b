#include <linux/dma-fence.h>
#include <linux/mmu_notifier.h>

struct ret_ops {
	int (*run)(void);
};
extern struct dma_fence *ret_fence;
const struct ret_ops *ret_quiet_ops(void);
const struct ret_ops *ret_wait_ops(void);
