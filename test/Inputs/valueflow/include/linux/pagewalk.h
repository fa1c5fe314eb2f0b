/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _VF_LINUX_PAGEWALK_H
#define _VF_LINUX_PAGEWALK_H

struct mm_struct;
struct mm_walk;

struct mm_walk_ops {
	int (*pmd_entry)(unsigned long addr, struct mm_walk *walk);
	int (*pte_entry)(unsigned long addr, struct mm_walk *walk);
	int (*pte_hole)(unsigned long addr, struct mm_walk *walk);
};

struct mm_walk {
	const struct mm_walk_ops *ops;
	struct mm_struct *mm;
	void *private;
};

int walk_page_range(struct mm_struct *mm, unsigned long start, unsigned long end,
		    const struct mm_walk_ops *ops, void *private);

#endif
