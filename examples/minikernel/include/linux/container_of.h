/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _MINI_LINUX_CONTAINER_OF_H
#define _MINI_LINUX_CONTAINER_OF_H

#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - __builtin_offsetof(type, member)))

#endif /* _MINI_LINUX_CONTAINER_OF_H */
