/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _RCL_DRM_GPU_SCHEDULER_H
#define _RCL_DRM_GPU_SCHEDULER_H

#include <linux/dma-fence.h>

struct drm_sched_job;

struct drm_sched_backend_ops {
	struct dma_fence *(*prepare_job)(struct drm_sched_job *sched_job);
	struct dma_fence *(*run_job)(struct drm_sched_job *sched_job);
	void (*free_job)(struct drm_sched_job *sched_job);
};

struct drm_gpu_scheduler {
	const struct drm_sched_backend_ops *ops;
};

struct drm_sched_job {
	struct drm_gpu_scheduler *sched;
};

#endif
