/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _MINI_LINUX_MUTEX_H
#define _MINI_LINUX_MUTEX_H

struct mutex {
	int owner;
};

void mutex_lock(struct mutex *lock);
int mutex_trylock(struct mutex *lock);
void mutex_unlock(struct mutex *lock);

#endif /* _MINI_LINUX_MUTEX_H */
