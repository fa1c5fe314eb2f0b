/* Minimal stand-in for the kernel's linux/types.h. */
#ifndef _LINUX_TYPES_H
#define _LINUX_TYPES_H
typedef _Bool bool;
#define true 1
#define false 0
#define NULL ((void *)0)
#define MAX_SCHEDULE_TIMEOUT 0x7fffffffL
#endif
