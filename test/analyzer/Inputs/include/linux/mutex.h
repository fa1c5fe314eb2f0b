/* Sleeping locks and their trylock forms. */
#ifndef _TEST_LINUX_MUTEX_H
#define _TEST_LINUX_MUTEX_H

struct mutex {
	int owner;
};

struct rw_semaphore {
	int count;
};

void mutex_lock(struct mutex *lock);
int mutex_trylock(struct mutex *lock);
void mutex_unlock(struct mutex *lock);
void down_read(struct rw_semaphore *sem);
int down_read_trylock(struct rw_semaphore *sem);
void up_read(struct rw_semaphore *sem);

#endif
