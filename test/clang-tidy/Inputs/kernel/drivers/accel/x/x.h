/* Driver-private header of the "x" accelerator. */
#ifndef X_H
#define X_H
#include <linux/dma-fence.h>
#include <linux/mmu_notifier.h>

struct x_engine;

struct x_engine_ops {
	void (*wait_idle)(struct x_engine *engine);
};

struct x_engine {
	const struct x_engine_ops *ops;
	struct dma_fence *last;
};

struct x_device {
	struct x_engine engine;
	struct mmu_interval_notifier notifier;
};

extern const struct x_engine_ops x_hw_engine_ops;

void x_core_flush(struct x_device *xd);
void x_core_note(struct x_device *xd);

static inline void x_engine_idle(struct x_engine *engine)
{
	engine->ops->wait_idle(engine);
}
#endif
