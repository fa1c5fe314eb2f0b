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
