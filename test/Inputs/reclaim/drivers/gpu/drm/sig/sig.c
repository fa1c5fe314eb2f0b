// SPDX-License-Identifier: GPL-2.0
/* Fence-signalling sections and a scheduler's run_job callbacks. Only what
 * runs between dma_fence_begin_signalling() and dma_fence_end_signalling()
 * counts; allocating before and waiting after is fine. */
#include <linux/slab.h>
#include <linux/dma-fence-signal.h>
#include <drm/gpu_scheduler.h>

void sig_wait_prev(struct dma_fence *prev);

static void *sig_prepare(gfp_t gfp)
{
	return kmalloc(32, gfp);
}

void sig_complete(struct dma_fence *fence)
{
	bool cookie = dma_fence_begin_signalling();
	void *p = kmalloc(32, GFP_KERNEL);

	dma_fence_signal(fence);
	dma_fence_end_signalling(cookie);
	kfree(p);
}

void sig_complete_quiet(struct dma_fence *fence, struct dma_fence *prev)
{
	void *early = kmalloc(32, GFP_KERNEL);
	bool cookie = dma_fence_begin_signalling();
	void *p = sig_prepare(GFP_NOWAIT);

	dma_fence_signal(fence);
	dma_fence_end_signalling(cookie);
	sig_wait_prev(prev);
	kfree(p);
	kfree(early);
}

void sig_complete_waiting(struct dma_fence *fence, struct dma_fence *prev)
{
	bool cookie = dma_fence_begin_signalling();

	sig_wait_prev(prev);
	dma_fence_signal(fence);
	dma_fence_end_signalling(cookie);
}

static struct dma_fence *sig_run_job(struct drm_sched_job *job)
{
	return sig_prepare(GFP_KERNEL);
}

static struct dma_fence *sig_run_job_quiet(struct drm_sched_job *job)
{
	return sig_prepare(GFP_NOWAIT);
}

const struct drm_sched_backend_ops sig_sched_ops = {
	.run_job = sig_run_job,
};

const struct drm_sched_backend_ops sig_sched_quiet_ops = {
	.run_job = sig_run_job_quiet,
};
