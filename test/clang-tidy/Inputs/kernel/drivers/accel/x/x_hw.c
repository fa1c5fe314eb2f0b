// The hardware backend of "x": idling waits for the last fence.
#include "x.h"

static void x_hw_wait_idle(struct x_engine *engine)
{
	if (engine->last)
		dma_fence_wait(engine->last, false);
}

const struct x_engine_ops x_hw_engine_ops = {
	.wait_idle = x_hw_wait_idle,
};
