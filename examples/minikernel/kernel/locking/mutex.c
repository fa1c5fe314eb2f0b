// SPDX-License-Identifier: GPL-2.0
/*
 * Uncontended-only mutex: no sleeping, no waiters.
 */
#include <linux/mutex.h>

void mutex_lock(struct mutex *lock)
{
	lock->owner = 1;
}

int mutex_trylock(struct mutex *lock)
{
	if (lock->owner)
		return 0;
	lock->owner = 1;
	return 1;
}

void mutex_unlock(struct mutex *lock)
{
	lock->owner = 0;
}
