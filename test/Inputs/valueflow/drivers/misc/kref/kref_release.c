#include "kref_obj.h"

static struct dma_fence *kobj_last_fence;

void kobj_release_waiting(struct kref *ref)
{
	dma_fence_wait(kobj_last_fence, false);
}
