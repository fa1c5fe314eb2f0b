// The hardware side: flushing waits for the reservation's fences.
#include "xtu.h"

static void xtu_hw_wait_idle(struct xtu *x)
{
	dma_resv_wait_timeout(x->resv, DMA_RESV_USAGE_BOOKKEEP, false, 100);
}

void xtu_hw_flush(struct xtu *x)
{
	xtu_hw_wait_idle(x);
}

void xtu_hw_poke(struct xtu *x)
{
	x->idle = false;
}
