#ifndef _TEST_LINUX_CONTAINER_OF_H
#define _TEST_LINUX_CONTAINER_OF_H

#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - __builtin_offsetof(type, member)))

#endif
