/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _VF_LINUX_WAIT_H
#define _VF_LINUX_WAIT_H

struct wait_queue_entry;
typedef int (*wait_queue_func_t)(struct wait_queue_entry *wq_entry, unsigned int mode,
				 int flags, void *key);

struct wait_queue_entry {
	wait_queue_func_t func;
	struct wait_queue_entry *next;
};

struct wait_queue_head {
	struct wait_queue_entry *head;
};

void add_wait_queue(struct wait_queue_head *wq_head, struct wait_queue_entry *wq_entry);
void init_wait_entry(struct wait_queue_entry *wq_entry, int flags);
void schedule(void);

/* Sleeps on a stack entry until woken, as the kernel's ___wait_event. */
#define wait_event(wq_head, condition)					\
	do {								\
		struct wait_queue_entry __wq_entry;			\
		init_wait_entry(&__wq_entry, 0);			\
		while (!(condition)) {					\
			add_wait_queue(&(wq_head), &__wq_entry);	\
			schedule();					\
		}							\
	} while (0)
int __wake_up(struct wait_queue_head *wq_head, unsigned int mode, int nr, void *key);
#define wake_up(x) __wake_up(x, 3, 1, (void *)0)

/* A waiter that is told when work is done, as drivers embed one. */
struct done_waiter {
	struct wait_queue_head done_wq;
	struct wait_queue_entry entry;
};

#endif
