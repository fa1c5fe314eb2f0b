/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _MINI_LINUX_MMU_NOTIFIER_H
#define _MINI_LINUX_MMU_NOTIFIER_H

#include <linux/types.h>

struct mm_struct;

struct mmu_notifier_range {
	struct mm_struct *mm;
	unsigned long start, end;
	unsigned int flags;
	int event;
};

#define MMU_NOTIFIER_RANGE_BLOCKABLE	(1 << 0)

static inline bool
mmu_notifier_range_blockable(const struct mmu_notifier_range *range)
{
	return range->flags & MMU_NOTIFIER_RANGE_BLOCKABLE;
}

struct mmu_notifier;

struct mmu_notifier_ops {
	void (*release)(struct mmu_notifier *subscription,
			struct mm_struct *mm);
	int (*clear_flush_young)(struct mmu_notifier *subscription,
				 struct mm_struct *mm,
				 unsigned long start, unsigned long end);
	int (*clear_young)(struct mmu_notifier *subscription,
			   struct mm_struct *mm,
			   unsigned long start, unsigned long end);
	int (*test_young)(struct mmu_notifier *subscription,
			  struct mm_struct *mm, unsigned long address);
	int (*invalidate_range_start)(struct mmu_notifier *subscription,
				      const struct mmu_notifier_range *range);
	void (*invalidate_range_end)(struct mmu_notifier *subscription,
				     const struct mmu_notifier_range *range);
	/* Before 6.6: called under the page-table lock. */
	void (*invalidate_range)(struct mmu_notifier *subscription,
				 struct mm_struct *mm,
				 unsigned long start, unsigned long end);
	void (*arch_invalidate_secondary_tlbs)(struct mmu_notifier *subscription,
					       struct mm_struct *mm,
					       unsigned long start,
					       unsigned long end);
};

struct mmu_notifier {
	const struct mmu_notifier_ops *ops;
	struct mm_struct *mm;
};

struct mmu_interval_notifier;

struct mmu_interval_notifier_ops {
	bool (*invalidate)(struct mmu_interval_notifier *interval_sub,
			   const struct mmu_notifier_range *range,
			   unsigned long cur_seq);
	/* The two-step form: start may be refused, finish may sleep. */
	bool (*invalidate_start)(struct mmu_interval_notifier *interval_sub,
				 const struct mmu_notifier_range *range,
				 unsigned long cur_seq);
	void (*invalidate_finish)(struct mmu_interval_notifier *interval_sub,
				  const struct mmu_notifier_range *range,
				  unsigned long cur_seq);
};

struct mmu_interval_notifier {
	const struct mmu_interval_notifier_ops *ops;
	unsigned long invalidate_seq;
};

int mmu_notifier_register(struct mmu_notifier *subscription,
			  struct mm_struct *mm);
int mmu_interval_notifier_insert(struct mmu_interval_notifier *interval_sub,
				 struct mm_struct *mm, unsigned long start,
				 unsigned long length,
				 const struct mmu_interval_notifier_ops *ops);

static inline void
mmu_interval_set_seq(struct mmu_interval_notifier *interval_sub,
		     unsigned long cur_seq)
{
	interval_sub->invalidate_seq = cur_seq;
}

#endif /* _MINI_LINUX_MMU_NOTIFIER_H */
