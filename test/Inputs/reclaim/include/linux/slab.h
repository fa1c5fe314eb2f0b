/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _RCL_LINUX_SLAB_H
#define _RCL_LINUX_SLAB_H

#include <linux/gfp.h>

void *__kmalloc_noprof(size_t size, gfp_t flags);

static inline void *kmalloc_noprof(size_t size, gfp_t flags)
{
	return __kmalloc_noprof(size, flags);
}
#define kmalloc(...)		alloc_hooks(kmalloc_noprof(__VA_ARGS__))

static inline void *kzalloc_noprof(size_t size, gfp_t flags)
{
	return kmalloc_noprof(size, flags | __GFP_ZERO);
}
#define kzalloc(...)		alloc_hooks(kzalloc_noprof(__VA_ARGS__))

void *kvmalloc_node_noprof(size_t size, gfp_t flags, int node);
#define kvmalloc_node(...)	alloc_hooks(kvmalloc_node_noprof(__VA_ARGS__))
#define kvmalloc(_size, _flags)	kvmalloc_node(_size, _flags, -1)

struct kmem_cache;
void *kmem_cache_alloc_noprof(struct kmem_cache *s, gfp_t flags);
#define kmem_cache_alloc(...)	alloc_hooks(kmem_cache_alloc_noprof(__VA_ARGS__))

void kfree(const void *objp);

#endif
