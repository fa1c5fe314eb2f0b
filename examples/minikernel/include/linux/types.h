/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _MINI_LINUX_TYPES_H
#define _MINI_LINUX_TYPES_H

#define NULL ((void *)0)

typedef _Bool bool;
enum {
	false = 0,
	true = 1
};

typedef __SIZE_TYPE__ size_t;
typedef __PTRDIFF_TYPE__ ptrdiff_t;

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;
typedef signed long long s64;

typedef unsigned int gfp_t;

struct callback_head {
	struct callback_head *next;
	void (*func)(struct callback_head *head);
};
#define rcu_head callback_head

#endif /* _MINI_LINUX_TYPES_H */
