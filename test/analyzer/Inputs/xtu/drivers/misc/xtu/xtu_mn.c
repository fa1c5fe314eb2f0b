// The interval notifier: its only wait is in another TU, and it is
// registered in another TU; both are known from the kreach index.
#include "xtu.h"

// Without the index nothing here is a notifier or a wait.
// noindex-no-diagnostics

bool xtu_invalidate(struct mmu_interval_notifier *mni,
		    const struct mmu_notifier_range *range,
		    unsigned long cur_seq)
{
	struct xtu *x = (struct xtu *)mni;

	xtu_hw_poke(x);
	xtu_hw_flush(x); // expected-warning {{mmu notifier callback 'xtu_invalidate' can reach dma_fence wait 'dma_resv_wait_timeout' outside drivers/gpu/}}
			 // expected-warning@-1 {{dma_fence wait 'dma_resv_wait_timeout' in mmu notifier callback 'xtu_invalidate' where the range may not be blockable}}
	return true;
}

// The rest of the chain, from the index, in the TU that has it (both reports).
// expected-note@xtu_hw.c:11 2 {{'xtu_hw_flush' calls 'xtu_hw_wait_idle'}}
// expected-note@xtu_hw.c:6 2 {{'xtu_hw_wait_idle' calls 'dma_resv_wait_timeout'}}
