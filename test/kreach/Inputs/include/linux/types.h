#ifndef _LINUX_TYPES_H
#define _LINUX_TYPES_H
typedef _Bool bool;
#define true 1
#define false 0
#define NULL ((void *)0)
#define EAGAIN 11
#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - __builtin_offsetof(type, member)))
#endif
