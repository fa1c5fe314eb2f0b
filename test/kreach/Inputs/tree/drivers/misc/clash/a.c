#include <linux/dma-fence.h>

static struct dma_fence *a_fence;
/* Same name as b.c's helper; this one waits. */
static int sync_fn(void) { return dma_fence_wait(a_fence, false); }
int clash_a_flush(void) { return sync_fn(); }
