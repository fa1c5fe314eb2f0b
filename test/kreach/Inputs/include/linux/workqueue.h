#ifndef _LINUX_WORKQUEUE_H
#define _LINUX_WORKQUEUE_H
#include <linux/types.h>
struct work_struct;
typedef void (*work_func_t)(struct work_struct *);
struct work_struct {
	work_func_t func;
};
#define INIT_WORK(_work, _func) do { (_work)->func = (_func); } while (0)
bool schedule_work(struct work_struct *work);
struct timer_list {
	void (*function)(struct timer_list *);
};
void init_timer_key(struct timer_list *timer, void (*func)(struct timer_list *), unsigned int flags);
#define timer_setup(timer, callback, flags) init_timer_key((timer), (callback), (flags))
struct callback_head {
	void (*func)(struct callback_head *head);
};
#define rcu_head callback_head
void call_rcu(struct rcu_head *head, void (*func)(struct rcu_head *head));
#endif
