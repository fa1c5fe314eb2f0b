/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _VF_LINUX_SLAB_H
#define _VF_LINUX_SLAB_H

#include <linux/types.h>

/* Defined outside the tree's indexed code: what they return is a fresh
 * object that only its caller holds. */
void *kzalloc(size_t size, unsigned int flags);
void *kcalloc(size_t n, size_t size, unsigned int flags);

#endif
