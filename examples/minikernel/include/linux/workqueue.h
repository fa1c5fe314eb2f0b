/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _MINI_LINUX_WORKQUEUE_H
#define _MINI_LINUX_WORKQUEUE_H
#include <linux/rcupdate.h>
#include <linux/timer.h>
#include <linux/types.h>
struct workqueue_struct;
struct work_struct;

typedef void (*work_func_t)(struct work_struct *work);

struct work_struct {
	unsigned long data;
	work_func_t func;
};

#define INIT_WORK(_work, _func)				\
	do {						\
		(_work)->data = 0;			\
		(_work)->func = (_func);		\
	} while (0)

bool queue_work(struct workqueue_struct *wq, struct work_struct *work);
bool schedule_work(struct work_struct *work);

#endif /* _MINI_LINUX_WORKQUEUE_H */
