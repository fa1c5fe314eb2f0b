/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _RCL_LINUX_VMALLOC_H
#define _RCL_LINUX_VMALLOC_H

#include <linux/types.h>

/* Page tables are allocated with GFP_KERNEL whatever the caller wants. */
void *vmalloc_noprof(unsigned long size);
#define vmalloc(...)		alloc_hooks(vmalloc_noprof(__VA_ARGS__))
void vfree(const void *addr);

#endif
