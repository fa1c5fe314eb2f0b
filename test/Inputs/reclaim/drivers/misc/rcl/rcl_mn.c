// SPDX-License-Identifier: GPL-2.0
/* Interval-notifier callbacks, each with one way to allocate. The *_quiet
 * ones may not reclaim; the others may. */
#include <linux/container_of.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/rcl_ring.h>
#include "rcl.h"

static bool rcl_kernel_invalidate(struct mmu_interval_notifier *mni,
				  const struct mmu_notifier_range *range,
				  unsigned long cur_seq)
{
	return rcl_buf_get(8, GFP_KERNEL) != NULL;
}

static bool rcl_nowait_quiet(struct mmu_interval_notifier *mni,
			     const struct mmu_notifier_range *range,
			     unsigned long cur_seq)
{
	return rcl_buf_get(8, GFP_NOWAIT) && rcl_buf_get(8, GFP_ATOMIC);
}

static bool rcl_nofs_invalidate(struct mmu_interval_notifier *mni,
				const struct mmu_notifier_range *range,
				unsigned long cur_seq)
{
	return rcl_buf_get_twice(8, GFP_NOFS) != NULL;
}

static bool rcl_cleared_quiet(struct mmu_interval_notifier *mni,
			      const struct mmu_notifier_range *range,
			      unsigned long cur_seq)
{
	return rcl_buf_get_noreclaim(8, GFP_NOIO) != NULL;
}

static bool rcl_forced_invalidate(struct mmu_interval_notifier *mni,
				  const struct mmu_notifier_range *range,
				  unsigned long cur_seq)
{
	return rcl_buf_get_blocking(8, GFP_NOWAIT) != NULL;
}

static bool rcl_direct_invalidate(struct mmu_interval_notifier *mni,
				  const struct mmu_notifier_range *range,
				  unsigned long cur_seq)
{
	void *p = kmalloc(16, GFP_KERNEL);

	kfree(p);
	return true;
}

static bool rcl_vmalloc_invalidate(struct mmu_interval_notifier *mni,
				   const struct mmu_notifier_range *range,
				   unsigned long cur_seq)
{
	return vmalloc(4096) != NULL;
}

static bool rcl_kvmalloc_quiet(struct mmu_interval_notifier *mni,
			       const struct mmu_notifier_range *range,
			       unsigned long cur_seq)
{
	return kvmalloc(4096, GFP_NOWAIT) != NULL;
}

static bool rcl_ring_invalidate(struct mmu_interval_notifier *mni,
				const struct mmu_notifier_range *range,
				unsigned long cur_seq)
{
	return ring_entry_alloc(GFP_KERNEL) != NULL;
}

static bool rcl_ring_quiet(struct mmu_interval_notifier *mni,
			   const struct mmu_notifier_range *range,
			   unsigned long cur_seq)
{
	return ring_entry_alloc(GFP_ATOMIC) != NULL;
}

/* Flow-insensitive on purpose: one of the values may reclaim. */
static bool rcl_local_invalidate(struct mmu_interval_notifier *mni,
				 const struct mmu_notifier_range *range,
				 unsigned long cur_seq)
{
	gfp_t gfp = GFP_NOWAIT;

	if (mmu_notifier_range_blockable(range))
		gfp = GFP_KERNEL;
	return kmalloc(8, gfp) != NULL;
}

static bool rcl_local_quiet(struct mmu_interval_notifier *mni,
			    const struct mmu_notifier_range *range,
			    unsigned long cur_seq)
{
	gfp_t gfp = GFP_NOWAIT;

	gfp |= __GFP_ZERO;
	return kmalloc(8, gfp) != NULL;
}

static bool rcl_ops_invalidate(struct mmu_interval_notifier *mni,
			       const struct mmu_notifier_range *range,
			       unsigned long cur_seq)
{
	struct rcl_dev *d = container_of(mni, struct rcl_dev, notifier);

	return d->ops->alloc(8, GFP_KERNEL) != NULL;
}

static bool rcl_ops_quiet(struct mmu_interval_notifier *mni,
			  const struct mmu_notifier_range *range,
			  unsigned long cur_seq)
{
	struct rcl_dev *d = container_of(mni, struct rcl_dev, notifier);

	return d->ops->alloc(8, GFP_NOWAIT) != NULL;
}

#define RCL_OPS(fn) { .invalidate = fn }
const struct mmu_interval_notifier_ops rcl_mn_ops[] = {
	RCL_OPS(rcl_kernel_invalidate),
	RCL_OPS(rcl_nowait_quiet),
	RCL_OPS(rcl_nofs_invalidate),
	RCL_OPS(rcl_cleared_quiet),
	RCL_OPS(rcl_forced_invalidate),
	RCL_OPS(rcl_direct_invalidate),
	RCL_OPS(rcl_vmalloc_invalidate),
	RCL_OPS(rcl_kvmalloc_quiet),
	RCL_OPS(rcl_ring_invalidate),
	RCL_OPS(rcl_ring_quiet),
	RCL_OPS(rcl_local_invalidate),
	RCL_OPS(rcl_local_quiet),
	RCL_OPS(rcl_ops_invalidate),
	RCL_OPS(rcl_ops_quiet),
};
