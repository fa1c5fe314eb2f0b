// vmalloc's purge chain: GPU drivers register callbacks that free their
// mappings (and may wait for the GPU) when vmap space runs out.
#include <linux/notifier.h>

static BLOCKING_NOTIFIER_HEAD(vmap_notify_list);

int register_vmap_purge_notifier(struct notifier_block *nb)
{
	return blocking_notifier_chain_register(&vmap_notify_list, nb);
}

void vmap_purge(void)
{
	blocking_notifier_call_chain(&vmap_notify_list, 0, NULL);
}
