/* Deferred work: storing into work_struct::func is not a call. */
#ifndef _LINUX_WORKQUEUE_H
#define _LINUX_WORKQUEUE_H
#include <linux/types.h>

struct work_struct;
typedef void (*work_func_t)(struct work_struct *work);

struct work_struct {
	work_func_t func;
};

#define INIT_WORK(w, f) ((w)->func = (f))
bool schedule_work(struct work_struct *work);
#endif
