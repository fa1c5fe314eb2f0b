/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _VF_LINUX_KREF_H
#define _VF_LINUX_KREF_H

struct kref {
	int refcount;
};

/* Drops a reference; the last one calls release (a static inline helper, as
 * the kernel's). */
static inline int kref_put(struct kref *kref, void (*release)(struct kref *kref))
{
	if (--kref->refcount == 0) {
		release(kref);
		return 1;
	}
	return 0;
}

#endif
