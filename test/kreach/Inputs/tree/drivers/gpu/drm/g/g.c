#include <linux/mmu_notifier.h>
#include <linux/dma-resv.h>

static struct dma_resv *g_resv;

static bool g_invalidate(struct mmu_interval_notifier *mni,
			 const struct mmu_notifier_range *range, unsigned long seq)
{
	dma_resv_wait_timeout(g_resv, 0, false, 100);
	return true;
}

const struct mmu_interval_notifier_ops g_mn_ops = { .invalidate = g_invalidate };
