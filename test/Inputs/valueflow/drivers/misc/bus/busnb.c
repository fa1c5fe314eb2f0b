// Blocks allocated at run time, their callback written before they are
// registered (as iommu_subsys_init does for every bus, one array element
// each): the dispatch calls
// what was written into each block, not every notifier_call of the tree.
//
// False twin: the bus chain holds only a quiet block, so the notifier firing
// it reaches no wait (by the field's type it would reach the GPU driver's
// waiting vmap purge callback). True twin: the GPU driver registers an
// allocated block whose callback waits on a chain of its own, and the
// notifier firing that chain reaches the wait through the block.
#include <linux/mmu_notifier.h>
#include <linux/device.h>
#include <linux/slab.h>

static struct bus_type busnb_bus, busnb_other_bus;
static struct bus_type *busnb_buses[] = { &busnb_bus, &busnb_other_bus };

static int busnb_quiet_notify(struct notifier_block *nb, unsigned long action, void *data)
{
	return 0;
}

int busnb_init(void)
{
	struct notifier_block *nb;

	nb = kcalloc(2, sizeof(*nb), 0);
	if (!nb)
		return -1;
	for (int i = 0; i < 2; i++) {
		nb[i].notifier_call = busnb_quiet_notify;
		bus_register_notifier(busnb_buses[i], &nb[i]);
	}
	return 0;
}

static int busnb_del_start(struct mmu_notifier *mn, const struct mmu_notifier_range *r)
{
	bus_notify(&busnb_bus, 2);
	return 0;
}

static int busnb_wait_start(struct mmu_notifier *mn, const struct mmu_notifier_range *r)
{
	gfx_unbind_notify();
	return 0;
}

struct busnb_driver {
	int (*init)(void);
};
const struct busnb_driver busnb_driver = { .init = busnb_init };

const struct mmu_notifier_ops busnb_del_mn = { .invalidate_range_start = busnb_del_start };
const struct mmu_notifier_ops busnb_wait_mn = { .invalidate_range_start = busnb_wait_start };
