/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _MINI_LINUX_RWSEM_H
#define _MINI_LINUX_RWSEM_H

struct rw_semaphore {
	long count;
};

void down_read(struct rw_semaphore *sem);
int down_read_trylock(struct rw_semaphore *sem);
void up_read(struct rw_semaphore *sem);
void down_write(struct rw_semaphore *sem);
int down_write_trylock(struct rw_semaphore *sem);
void up_write(struct rw_semaphore *sem);

#endif /* _MINI_LINUX_RWSEM_H */
