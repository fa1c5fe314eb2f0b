// The driver core's bus notifier chain: a head inside each bus's private
// part, registered on and fired through wrappers.
#include <linux/device.h>

int bus_register_notifier(struct bus_type *bus, struct notifier_block *nb)
{
	return blocking_notifier_chain_register(&bus->p->bus_notifier, nb);
}

void bus_notify(struct bus_type *bus, unsigned long action)
{
	blocking_notifier_call_chain(&bus->p->bus_notifier, action, NULL);
}
