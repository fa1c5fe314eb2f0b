/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _MINI_LINUX_SHRINKER_H
#define _MINI_LINUX_SHRINKER_H

#include <linux/types.h>

/* What reclaim asks a shrinker to do, and what it reports back. */
struct shrink_control {
	gfp_t gfp_mask;
	int nid;
	unsigned long nr_to_scan;
	unsigned long nr_scanned;
};

#define SHRINK_STOP	(~0UL)
#define SHRINK_EMPTY	(~0UL - 1)

struct shrinker {
	unsigned long (*count_objects)(struct shrinker *,
				       struct shrink_control *sc);
	unsigned long (*scan_objects)(struct shrinker *,
				      struct shrink_control *sc);
	long batch;
	int seeks;
	unsigned flags;
	void *private_data;
};

#define DEFAULT_SEEKS	2

/* 6.7 and later: allocated by the core, then registered. */
__attribute__((__format__(printf, 2, 3)))
struct shrinker *shrinker_alloc(unsigned int flags, const char *fmt, ...);
void shrinker_register(struct shrinker *shrinker);
void shrinker_free(struct shrinker *shrinker);

/* Before 6.7: embedded in the driver's own structure. */
__attribute__((__format__(printf, 2, 3)))
int register_shrinker(struct shrinker *shrinker, const char *fmt, ...);
void unregister_shrinker(struct shrinker *shrinker);

#endif /* _MINI_LINUX_SHRINKER_H */
