/* SPDX-License-Identifier: GPL-2.0 */
/* Allocation masks and allocators in 6.12's shape: bit numbers from an
 * enum, flags from macros, and the allocation-profiling macros in front of
 * the *_noprof functions that calls really name. */
#ifndef _RCL_LINUX_GFP_H
#define _RCL_LINUX_GFP_H

#include <linux/types.h>

#ifndef __force
#define __force
#endif

enum {
	___GFP_DMA_BIT,
	___GFP_HIGHMEM_BIT,
	___GFP_DMA32_BIT,
	___GFP_MOVABLE_BIT,
	___GFP_RECLAIMABLE_BIT,
	___GFP_HIGH_BIT,
	___GFP_IO_BIT,
	___GFP_FS_BIT,
	___GFP_ZERO_BIT,
	___GFP_UNUSED_BIT,
	___GFP_DIRECT_RECLAIM_BIT,
	___GFP_KSWAPD_RECLAIM_BIT,
	___GFP_WRITE_BIT,
	___GFP_NOWARN_BIT,
};

#define ___GFP_HIGH		(1u << ___GFP_HIGH_BIT)
#define ___GFP_IO		(1u << ___GFP_IO_BIT)
#define ___GFP_FS		(1u << ___GFP_FS_BIT)
#define ___GFP_ZERO		(1u << ___GFP_ZERO_BIT)
#define ___GFP_DIRECT_RECLAIM	(1u << ___GFP_DIRECT_RECLAIM_BIT)
#define ___GFP_KSWAPD_RECLAIM	(1u << ___GFP_KSWAPD_RECLAIM_BIT)
#define ___GFP_NOWARN		(1u << ___GFP_NOWARN_BIT)

#define __GFP_HIGH		((__force gfp_t)___GFP_HIGH)
#define __GFP_IO		((__force gfp_t)___GFP_IO)
#define __GFP_FS		((__force gfp_t)___GFP_FS)
#define __GFP_ZERO		((__force gfp_t)___GFP_ZERO)
#define __GFP_DIRECT_RECLAIM	((__force gfp_t)___GFP_DIRECT_RECLAIM)
#define __GFP_KSWAPD_RECLAIM	((__force gfp_t)___GFP_KSWAPD_RECLAIM)
#define __GFP_RECLAIM		((__force gfp_t)(___GFP_DIRECT_RECLAIM | ___GFP_KSWAPD_RECLAIM))
#define __GFP_NOWARN		((__force gfp_t)___GFP_NOWARN)

#define GFP_ATOMIC	(__GFP_HIGH | __GFP_KSWAPD_RECLAIM)
#define GFP_KERNEL	(__GFP_RECLAIM | __GFP_IO | __GFP_FS)
#define GFP_NOWAIT	(__GFP_KSWAPD_RECLAIM | __GFP_NOWARN)
#define GFP_NOIO	(__GFP_RECLAIM)
#define GFP_NOFS	(__GFP_RECLAIM | __GFP_IO)

static inline bool gfpflags_allow_blocking(const gfp_t gfp_flags)
{
	return !!(gfp_flags & __GFP_DIRECT_RECLAIM);
}

#define alloc_hooks(_do_alloc)	(_do_alloc)

struct page;
struct page *alloc_pages_noprof(gfp_t gfp, unsigned int order);
#define alloc_pages(...)	alloc_hooks(alloc_pages_noprof(__VA_ARGS__))
unsigned long get_free_pages_noprof(gfp_t gfp_mask, unsigned int order);
#define __get_free_pages(...)	alloc_hooks(get_free_pages_noprof(__VA_ARGS__))

#endif
