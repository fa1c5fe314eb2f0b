// Notifier chains: a list walked by the one function that calls every
// callback, so field types alone would join every chain to every callback.
#include <linux/notifier.h>

static int notifier_call_chain(struct notifier_block **nl, unsigned long val, void *v)
{
	int ret = 0;
	struct notifier_block *nb, *next_nb;

	nb = *nl;
	while (nb) {
		next_nb = nb->next;
		ret = nb->notifier_call(nb, val, v);
		nb = next_nb;
	}
	return ret;
}

int blocking_notifier_chain_register(struct blocking_notifier_head *nh,
				     struct notifier_block *n)
{
	n->next = nh->head;
	nh->head = n;
	return 0;
}

int blocking_notifier_call_chain(struct blocking_notifier_head *nh, unsigned long val,
				 void *v)
{
	return notifier_call_chain(&nh->head, val, v);
}
