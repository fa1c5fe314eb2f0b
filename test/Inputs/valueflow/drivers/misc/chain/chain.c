// Two notifiers firing notifier chains: vmalloc's purge chain, where a GPU
// driver registered a callback that waits (a real chain: a finding), and the
// reboot chain, where only a quiet callback is registered.
#include <linux/mmu_notifier.h>
#include <linux/notifier.h>

struct chain_dev {
	struct notifier_block reboot_nb;
};

static int chain_reboot(struct notifier_block *nb, unsigned long action, void *data)
{
	return 0;
}

int chain_probe(struct chain_dev *dev)
{
	dev->reboot_nb.notifier_call = chain_reboot;
	return register_reboot_notifier(&dev->reboot_nb);
}

static int chain_purge_start(struct mmu_notifier *mn, const struct mmu_notifier_range *r)
{
	vmap_purge();
	return 0;
}

static int chain_reboot_start(struct mmu_notifier *mn, const struct mmu_notifier_range *r)
{
	kernel_restart_prepare();
	return 0;
}

struct chain_driver {
	int (*probe)(struct chain_dev *dev);
};
const struct chain_driver chain_driver = { .probe = chain_probe };

const struct mmu_notifier_ops chain_purge_mn = { .invalidate_range_start = chain_purge_start };
const struct mmu_notifier_ops chain_reboot_mn = { .invalidate_range_start = chain_reboot_start };
