// The reboot chain.
#include <linux/notifier.h>

static BLOCKING_NOTIFIER_HEAD(reboot_notifier_list);

int register_reboot_notifier(struct notifier_block *nb)
{
	return blocking_notifier_chain_register(&reboot_notifier_list, nb);
}

void kernel_restart_prepare(void)
{
	blocking_notifier_call_chain(&reboot_notifier_list, 1, NULL);
}
