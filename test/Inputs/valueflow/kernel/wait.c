// Wait queues: a wake-up calls the wake function of every entry queued on
// that head.
#include <linux/wait.h>

void add_wait_queue(struct wait_queue_head *wq_head, struct wait_queue_entry *wq_entry)
{
	wq_entry->next = wq_head->head;
	wq_head->head = wq_entry;
}

int __wake_up(struct wait_queue_head *wq_head, unsigned int mode, int nr, void *key)
{
	struct wait_queue_entry *curr;

	for (curr = wq_head->head; curr; curr = curr->next)
		curr->func(curr, mode, 0, key);
	return 0;
}

static int autoremove_wake_function(struct wait_queue_entry *wq_entry, unsigned int mode,
				    int flags, void *key)
{
	return 1;
}

/* The entry of a plain wait: written through its address, on the caller's
 * stack. */
void init_wait_entry(struct wait_queue_entry *wq_entry, int flags)
{
	wq_entry->func = autoremove_wake_function;
	wq_entry->next = 0;
}
