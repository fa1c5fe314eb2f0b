// SPDX-License-Identifier: GPL-2.0
/*
 * Queueing only; the work function is never called from here.
 */
#include <linux/types.h>
#include <linux/workqueue.h>

bool queue_work(struct workqueue_struct *wq, struct work_struct *work)
{
	(void)wq;
	work->data |= 1UL;
	return true;
}

bool schedule_work(struct work_struct *work)
{
	return queue_work(NULL, work);
}
