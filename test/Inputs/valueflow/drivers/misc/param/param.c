// A helper reached through an ops table calls its own parameter: kreach binds
// parameters at direct call sites only, so this call is counted and listed as
// unresolved, never silently dropped.
#include <linux/mmu_notifier.h>

struct param_ops {
	int (*apply)(int (*fn)(void));
};

static int param_quiet(void) { return 0; }
static int param_apply(int (*fn)(void)) { return fn(); }
static const struct param_ops param_table = { .apply = param_apply };

static int param_start(struct mmu_notifier *mn, const struct mmu_notifier_range *r)
{
	return param_table.apply(param_quiet);
}

const struct mmu_notifier_ops param_mn = { .invalidate_range_start = param_start };
