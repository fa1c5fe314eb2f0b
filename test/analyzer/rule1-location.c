// Rule 1: a dma_fence wait reached on a feasible path from a notifier callback
// defined outside the allowed paths (drivers/gpu/ by default; this file is in
// no kernel tree, so its path is outside). invalidate_finish is a root for
// rule 1 but not a rule-2 callback, so only the location rule speaks here.
//
// REQUIRES: analyzer-plugin
// RUN: %clang --analyze -Xclang -load -Xclang %analyzer-plugin \
// RUN:   -Xclang -analyzer-checker=linuxkernel.MmuNotifierDmaFenceWait -Xclang -analyzer-config -Xclang linuxkernel.MmuNotifierDmaFenceWait:IndexFile=none,linuxkernel.MmuNotifierDmaFenceWait:SourceRoot=%S \
// RUN:   -Xclang -analyzer-output=text -Xclang -verify \
// RUN:   -nostdinc -I%kernel_headers %s
// RUN: %clang --analyze -fplugin=%analyzer-plugin \
// RUN:   -Xclang -analyzer-checker=linuxkernel.MmuNotifierDmaFenceWait -Xclang -analyzer-config -Xclang linuxkernel.MmuNotifierDmaFenceWait:IndexFile=none,linuxkernel.MmuNotifierDmaFenceWait:SourceRoot=%S \
// RUN:   -Xclang -analyzer-output=text -Xclang -verify \
// RUN:   -nostdinc -I%kernel_headers %s
// RUN: %clang -cc1 -triple x86_64-unknown-linux-gnu -analyze -load %analyzer-plugin \
// RUN:   -analyzer-checker=linuxkernel.MmuNotifierDmaFenceWait -analyzer-config linuxkernel.MmuNotifierDmaFenceWait:IndexFile=none,linuxkernel.MmuNotifierDmaFenceWait:SourceRoot=%S \
// RUN:   -analyzer-output=text -verify -nostdsysteminc -nobuiltininc \
// RUN:   -I%kernel_headers %s

#include <linux/types.h>
#include <linux/dma-fence.h>
#include <linux/mmu_notifier.h>

struct fu {
	struct mmu_interval_notifier mni;
	struct dma_fence *fence;
	bool dirty;
};

// expected-note@+1 {{notifier entry: 'fu_finish_direct' runs as 'mmu_interval_notifier_ops::invalidate_finish'}}
static void fu_finish_direct(struct mmu_interval_notifier *mni,
			     const struct mmu_notifier_range *range,
			     unsigned long cur_seq)
{
	struct fu *f = (struct fu *)mni;

	dma_fence_wait(f->fence, false); // expected-warning {{mmu notifier callback 'fu_finish_direct' can reach dma_fence wait 'dma_fence_wait' outside drivers/gpu/}}
	// expected-note@-1 {{mmu notifier callback 'fu_finish_direct' can reach dma_fence wait 'dma_fence_wait' outside drivers/gpu/}}
}

static void fu_sync(struct fu *f)
{
	if (f->dirty) // expected-note {{Assuming field 'dirty' is true}}
		      // expected-note@-1 {{Taking true branch}}
		dma_fence_wait_timeout(f->fence, true, 100); // expected-warning {{mmu notifier callback 'fu_finish_inlined' can reach dma_fence wait 'dma_fence_wait_timeout' outside drivers/gpu/}}
		// expected-note@-1 {{mmu notifier callback 'fu_finish_inlined' can reach dma_fence wait 'dma_fence_wait_timeout' outside drivers/gpu/}}
}

// expected-note@+1 {{notifier entry: 'fu_finish_inlined' runs as 'mmu_interval_notifier_ops::invalidate_finish'}}
static void fu_finish_inlined(struct mmu_interval_notifier *mni,
			      const struct mmu_notifier_range *range,
			      unsigned long cur_seq)
{
	fu_sync((struct fu *)mni); // expected-note {{Calling 'fu_sync'}}
}

// A wait through the fence's own ops table counts as a wait.
// expected-note@+1 {{notifier entry: 'fu_finish_ops' runs as 'mmu_interval_notifier_ops::invalidate_finish'}}
static void fu_finish_ops(struct mmu_interval_notifier *mni,
			  const struct mmu_notifier_range *range,
			  unsigned long cur_seq)
{
	struct fu *f = (struct fu *)mni;

	f->fence->ops->wait(f->fence, false, MAX_SCHEDULE_TIMEOUT); // expected-warning {{mmu notifier callback 'fu_finish_ops' can reach dma_fence wait 'dma_fence_ops::wait' outside drivers/gpu/}}
	// expected-note@-1 {{mmu notifier callback 'fu_finish_ops' can reach dma_fence wait 'dma_fence_ops::wait' outside drivers/gpu/}}
}

static const struct mmu_interval_notifier_ops fu_direct_ops = {
	.invalidate_finish = fu_finish_direct, // expected-note {{'fu_finish_direct' is registered as 'mmu_interval_notifier_ops::invalidate_finish' here}}
};
static const struct mmu_interval_notifier_ops fu_inlined_ops = {
	.invalidate_finish = fu_finish_inlined, // expected-note {{'fu_finish_inlined' is registered as 'mmu_interval_notifier_ops::invalidate_finish' here}}
};
static const struct mmu_interval_notifier_ops fu_ops_ops = {
	.invalidate_finish = fu_finish_ops, // expected-note {{'fu_finish_ops' is registered as 'mmu_interval_notifier_ops::invalidate_finish' here}}
};

// Not registered in any notifier table: waiting here is none of our business.
void fu_flush(struct fu *f)
{
	dma_fence_wait(f->fence, true);
}

// Registered as release, which is not a root by default.
static void fu_release(struct mmu_notifier *mn, struct mm_struct *mm)
{
	struct fu *f = (struct fu *)mn;

	dma_fence_wait(f->fence, true);
}

static const struct mmu_notifier_ops fu_mn_ops = {
	.release = fu_release,
};

const void *fu_tables[] = { &fu_direct_ops, &fu_inlined_ops, &fu_ops_ops, &fu_mn_ops };
