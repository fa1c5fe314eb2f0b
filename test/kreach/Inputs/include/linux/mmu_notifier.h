#ifndef _LINUX_MMU_NOTIFIER_H
#define _LINUX_MMU_NOTIFIER_H
#include <linux/types.h>
struct mm_struct;
struct mmu_notifier;
struct mmu_interval_notifier;
struct mmu_notifier_range {
	unsigned long start, end;
	unsigned int flags;
};
#define MMU_NOTIFIER_RANGE_BLOCKABLE (1 << 0)
static inline bool mmu_notifier_range_blockable(const struct mmu_notifier_range *range)
{
	return range->flags & MMU_NOTIFIER_RANGE_BLOCKABLE;
}
struct mmu_notifier_ops {
	void (*release)(struct mmu_notifier *, struct mm_struct *);
	int (*clear_flush_young)(struct mmu_notifier *, struct mm_struct *, unsigned long, unsigned long);
	int (*invalidate_range_start)(struct mmu_notifier *, const struct mmu_notifier_range *);
	void (*invalidate_range_end)(struct mmu_notifier *, const struct mmu_notifier_range *);
	void (*invalidate_range)(struct mmu_notifier *, struct mm_struct *, unsigned long, unsigned long);
	void (*arch_invalidate_secondary_tlbs)(struct mmu_notifier *, struct mm_struct *, unsigned long, unsigned long);
};
struct mmu_notifier {
	const struct mmu_notifier_ops *ops;
};
struct mmu_interval_notifier_ops {
	bool (*invalidate)(struct mmu_interval_notifier *, const struct mmu_notifier_range *, unsigned long);
	bool (*invalidate_start)(struct mmu_interval_notifier *, const struct mmu_notifier_range *, unsigned long);
	void (*invalidate_finish)(struct mmu_interval_notifier *, const struct mmu_notifier_range *, unsigned long);
};
struct mmu_interval_notifier {
	const struct mmu_interval_notifier_ops *ops;
};
#endif
