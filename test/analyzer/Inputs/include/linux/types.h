/* Minimal kernel types for the analyzer tests. */
#ifndef _TEST_LINUX_TYPES_H
#define _TEST_LINUX_TYPES_H

typedef _Bool bool;
#define true 1
#define false 0
#define NULL ((void *)0)
#define EAGAIN 11

#endif
