/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _MINI_LINUX_RCUPDATE_H
#define _MINI_LINUX_RCUPDATE_H

#include <linux/types.h>

typedef void (*rcu_callback_t)(struct rcu_head *head);

void call_rcu(struct rcu_head *head, rcu_callback_t func);
void synchronize_rcu(void);

#endif /* _MINI_LINUX_RCUPDATE_H */
