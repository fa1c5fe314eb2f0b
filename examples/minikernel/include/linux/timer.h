/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _MINI_LINUX_TIMER_H
#define _MINI_LINUX_TIMER_H

struct timer_list {
	void (*function)(struct timer_list *timer);
	unsigned long expires;
};

void init_timer_key(struct timer_list *timer,
		    void (*func)(struct timer_list *timer),
		    unsigned int flags);

#define timer_setup(timer, callback, flags)			\
	init_timer_key((timer), (callback), (flags))

int mod_timer(struct timer_list *timer, unsigned long expires);

#endif /* _MINI_LINUX_TIMER_H */
