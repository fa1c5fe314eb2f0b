// SPDX-License-Identifier: GPL-2.0
/*
 * Arming only; the timer callback is never called from here.
 */
#include <linux/types.h>
#include <linux/timer.h>

void init_timer_key(struct timer_list *timer,
		    void (*func)(struct timer_list *timer),
		    unsigned int flags)
{
	(void)flags;
	timer->function = func;
	timer->expires = 0;
}

int mod_timer(struct timer_list *timer, unsigned long expires)
{
	int was_pending = timer->expires != 0;

	timer->expires = expires;
	return was_pending;
}
