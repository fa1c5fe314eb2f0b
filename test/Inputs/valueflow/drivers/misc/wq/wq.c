// Two notifiers waking wait queues: one wakes the done_waiter heads on which
// the GPU driver queued an entry whose wake function waits (a finding); the
// other wakes its own head, where nothing of the GPU's is queued.
#include <linux/mmu_notifier.h>
#include <linux/wait.h>

struct wq_dev {
	struct wait_queue_head idle_wq;
};

static struct done_waiter *wq_waiter;
static struct wq_dev *wq_device;

static int wq_done_start(struct mmu_notifier *mn, const struct mmu_notifier_range *r)
{
	wake_up(&wq_waiter->done_wq);
	return 0;
}

/* Sleeps on its own head with a stack entry: what a wake-up of idle_wq
 * calls is that entry's wake function, never the GPU's. */
void wq_wait_idle(int *busy)
{
	wait_event(wq_device->idle_wq, !*busy);
}

static int wq_idle_start(struct mmu_notifier *mn, const struct mmu_notifier_range *r)
{
	wake_up(&wq_device->idle_wq);
	return 0;
}

const struct mmu_notifier_ops wq_done_mn = { .invalidate_range_start = wq_done_start };
const struct mmu_notifier_ops wq_idle_quiet_mn = { .invalidate_range_start = wq_idle_start };
