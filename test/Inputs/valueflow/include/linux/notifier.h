/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _VF_LINUX_NOTIFIER_H
#define _VF_LINUX_NOTIFIER_H

#include <linux/types.h>

struct notifier_block;
typedef int (*notifier_fn_t)(struct notifier_block *nb, unsigned long action, void *data);

struct notifier_block {
	notifier_fn_t notifier_call;
	struct notifier_block *next;
	int priority;
};

struct blocking_notifier_head {
	struct notifier_block *head;
};

#define BLOCKING_NOTIFIER_HEAD(name) \
	struct blocking_notifier_head name = { .head = NULL }

int blocking_notifier_chain_register(struct blocking_notifier_head *nh,
				     struct notifier_block *nb);
int blocking_notifier_call_chain(struct blocking_notifier_head *nh, unsigned long val,
				 void *v);

int register_vmap_purge_notifier(struct notifier_block *nb);
void vmap_purge(void);
int register_reboot_notifier(struct notifier_block *nb);
void kernel_restart_prepare(void);
int register_gfx_unbind_notifier(struct notifier_block *nb);
void gfx_unbind_notify(void);

#endif
