// The mask-argument facts: every gfp_t argument, relative to its caller, as
// constants after macro expansion, parameters with the bits kept and forced
// on the way, locals (every definition), and unknown values.
// RUN: rm -rf %t && mkdir -p %t/drivers/x && cp %s %t/drivers/x/masks.c
// RUN: cp -r %kernel_headers %t/ && %python %inputs/mkdb.py %t
// RUN: %kreach facts -p %t %t/drivers/x/masks.c | FileCheck %s --implicit-check-not=maskarg
#include <linux/types.h>

#define __force
#define ___GFP_DIRECT_RECLAIM 0x400u
#define __GFP_DIRECT_RECLAIM ((__force gfp_t)___GFP_DIRECT_RECLAIM)
#define __GFP_NOWARN ((__force gfp_t)0x2000u)
#define GFP_KERNEL ((__force gfp_t)0xcc0u)
#define GFP_NOWAIT ((__force gfp_t)0x2800u)

void *alloc(unsigned long size, gfp_t gfp);
gfp_t mapping_mask(void *mapping);
struct ops { void *(*get)(gfp_t gfp); gfp_t gfp; };

void *pass(gfp_t gfp, unsigned long n)
{
	return alloc(n, gfp | __GFP_NOWARN);
	// CHECK-DAG: maskarg pass -> alloc = 1 = p0&0xffffffffffffffff|0x2000 = gfp | __GFP_NOWARN at drivers/x/masks.c:[[@LINE-1]]
}

void *strip(gfp_t gfp)
{
	return alloc(8, gfp & ~__GFP_DIRECT_RECLAIM);
	// CHECK-DAG: maskarg strip -> alloc = 1 = p0&0xfffffbff|0x0 = gfp & ~__GFP_DIRECT_RECLAIM
}

void *constants(int blocking)
{
	alloc(8, GFP_KERNEL);
	// CHECK-DAG: maskarg constants -> alloc = 1 = c0xcc0 = GFP_KERNEL at drivers/x/masks.c:[[@LINE-1]]
	return alloc(8, blocking ? GFP_KERNEL : GFP_NOWAIT);
	// CHECK-DAG: maskarg constants -> alloc = 1 = c0xcc0 = blocking ? GFP_KERNEL : GFP_NOWAIT at drivers/x/masks.c:[[@LINE-1]]
	// CHECK-DAG: maskarg constants -> alloc = 1 = c0x2800 = blocking ? GFP_KERNEL : GFP_NOWAIT at drivers/x/masks.c:[[@LINE-2]]
}

void *local(gfp_t gfp, int blocking)
{
	gfp_t mask = GFP_NOWAIT;

	if (blocking)
		mask = gfp;
	mask |= __GFP_NOWARN;
	return alloc(8, mask);
	// CHECK-DAG: maskarg local -> alloc = 1 = c0x2800 = mask at drivers/x/masks.c:[[@LINE-1]]
	// CHECK-DAG: maskarg local -> alloc = 1 = p0&0xffffffffffffffff|0x0 = mask at drivers/x/masks.c:[[@LINE-2]]
	// CHECK-DAG: maskarg local -> alloc = 1 = p0&0xffffffffffffffff|0x2000 = mask at drivers/x/masks.c:[[@LINE-3]]
}

void *unknown(void *mapping, struct ops *o)
{
	alloc(8, mapping_mask(mapping));
	// CHECK-DAG: maskarg unknown -> alloc = 1 = ?&0xffffffffffffffff|0x0 = mapping_mask(mapping) at drivers/x/masks.c:[[@LINE-1]]
	alloc(8, o->gfp & ~__GFP_DIRECT_RECLAIM);
	// CHECK-DAG: maskarg unknown -> alloc = 1 = ?&0xfffffbff|0x0 = o->gfp & ~__GFP_DIRECT_RECLAIM
	return o->get(GFP_KERNEL);
	// A call through a field: no callee, the site of the field.
	// CHECK-DAG: maskarg unknown ->  = 0 = c0xcc0 = GFP_KERNEL at drivers/x/masks.c:[[@LINE-2]]:12
}

/* A mask helper (one return computing it from its argument, as
 * gfp_nested_mask()) is evaluated with what its caller passes: no unknown. */
static inline gfp_t nested_mask(gfp_t flags)
{
	return (flags & (GFP_KERNEL | __GFP_NOWARN)) | __GFP_NOWARN;
}

void *nested(gfp_t gfp)
{
	alloc(8, nested_mask(GFP_NOWAIT));
	// CHECK-DAG: maskarg nested -> alloc = 1 = c0x2800 = nested_mask(GFP_NOWAIT) at drivers/x/masks.c:[[@LINE-1]]
	return alloc(8, nested_mask(gfp & ~__GFP_DIRECT_RECLAIM));
	// CHECK-DAG: maskarg nested -> alloc = 1 = p0&0x28c0|0x2000 = nested_mask(gfp & ~__GFP_DIRECT_RECLAIM) at drivers/x/masks.c:[[@LINE-1]]
}

/* A mask handed through a macro is spelled as its caller wrote it, not as
 * the macro's parameter ("(gfp_mask)"). */
#define alloc_page_of(gfp_mask) alloc(4096, (gfp_mask))

void *wrapped(void)
{
	return alloc_page_of(GFP_KERNEL | __GFP_NOWARN);
	// CHECK-DAG: maskarg wrapped -> alloc = 1 = c0x2cc0 = GFP_KERNEL | __GFP_NOWARN at drivers/x/masks.c:[[@LINE-1]]
}
