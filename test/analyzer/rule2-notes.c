// The path notes of rule 2: where the callback entered notifier context and
// where the path learned that the range is not blockable.
//
// REQUIRES: analyzer-plugin
// RUN: %clang -cc1 -triple x86_64-unknown-linux-gnu -analyze -load %analyzer-plugin \
// RUN:   -analyzer-checker=linuxkernel.MmuNotifierDmaFenceWait -analyzer-config linuxkernel.MmuNotifierDmaFenceWait:IndexFile=none,linuxkernel.MmuNotifierDmaFenceWait:SourceRoot=%S \
// RUN:   -analyzer-config linuxkernel.MmuNotifierDmaFenceWait:AllowedPaths='drivers/gpu/;drivers/accel/' \
// RUN:   -analyzer-output=text -verify -nostdsysteminc -nobuiltininc -I%kernel_headers %s

#include <linux/types.h>
#include <linux/errno.h>
#include <linux/dma-fence.h>
#include <linux/mmu_notifier.h>

struct obj {
	struct mmu_notifier mn;
	struct dma_fence *fence;
};

// Rule 2 explains the context, rule 1 only names the callback.
// expected-note@+2 {{notifier entry: 'obj_start' runs as 'mmu_notifier_ops::invalidate_range_start', possibly with a range that is not blockable}}
// expected-note@+1 {{notifier entry: 'obj_start' runs as 'mmu_notifier_ops::invalidate_range_start'}}
static int obj_start(struct mmu_notifier *mn,
		     const struct mmu_notifier_range *range)
{
	struct obj *o = (struct obj *)mn;

	if (!mmu_notifier_range_blockable(range)) { // expected-note 2 {{Assuming the condition is true}}
						    // expected-note@-1 {{range is not blockable here}}
						    // expected-note@-2 2 {{Taking true branch}}
		dma_fence_wait(o->fence, false); // expected-warning {{dma_fence wait 'dma_fence_wait' in mmu notifier callback 'obj_start' where the range may not be blockable}}
						 // expected-note@-1 {{dma_fence wait 'dma_fence_wait' in mmu notifier callback 'obj_start' where the range may not be blockable}}
						 // expected-warning@-2 {{mmu notifier callback 'obj_start' can reach dma_fence wait 'dma_fence_wait' outside drivers/gpu/, drivers/accel/}}
						 // expected-note@-3 {{mmu notifier callback 'obj_start' can reach dma_fence wait 'dma_fence_wait' outside drivers/gpu/, drivers/accel/}}
		return -EAGAIN;
	}
	return 0;
}

// expected-note@+2 {{notifier entry: 'obj_end' runs as 'mmu_notifier_ops::invalidate_range_end', possibly with a range that is not blockable}}
// expected-note@+1 {{notifier entry: 'obj_end' runs as 'mmu_notifier_ops::invalidate_range_end'}}
static void obj_end(struct mmu_notifier *mn,
		    const struct mmu_notifier_range *range)
{
	struct obj *o = (struct obj *)mn;

	dma_fence_wait(o->fence, false); // expected-warning {{dma_fence wait 'dma_fence_wait' in mmu notifier callback 'obj_end' where the range may not be blockable}}
					 // expected-note@-1 {{dma_fence wait 'dma_fence_wait' in mmu notifier callback 'obj_end' where the range may not be blockable}}
					 // expected-warning@-2 {{mmu notifier callback 'obj_end' can reach dma_fence wait 'dma_fence_wait' outside drivers/gpu/, drivers/accel/}}
					 // expected-note@-3 {{mmu notifier callback 'obj_end' can reach dma_fence wait 'dma_fence_wait' outside drivers/gpu/, drivers/accel/}}
}

static const struct mmu_notifier_ops obj_ops = {
	.invalidate_range_start = obj_start, // expected-note {{'obj_start' is registered as 'mmu_notifier_ops::invalidate_range_start' here}}
	.invalidate_range_end = obj_end, // expected-note {{'obj_end' is registered as 'mmu_notifier_ops::invalidate_range_end' here}}
};

const void *obj_table = &obj_ops;
