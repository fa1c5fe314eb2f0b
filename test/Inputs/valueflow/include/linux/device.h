/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _VF_LINUX_DEVICE_H
#define _VF_LINUX_DEVICE_H

#include <linux/notifier.h>

/* As in drivers/base: each bus keeps its notifier chain in its private
 * part, so the head is known by the field that holds it. */
struct subsys_private {
	struct blocking_notifier_head bus_notifier;
};

struct bus_type {
	const char *name;
	struct subsys_private *p;
};

int bus_register_notifier(struct bus_type *bus, struct notifier_block *nb);
void bus_notify(struct bus_type *bus, unsigned long action);

#endif
