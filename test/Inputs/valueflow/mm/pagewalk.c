// The page walker: the caller's ops go into a struct mm_walk on the stack and
// are called several calls deeper.
#include <linux/pagewalk.h>

static int walk_pte_range(unsigned long addr, struct mm_walk *walk)
{
	return walk->ops->pte_entry(addr, walk);
}

static int walk_pmd_range(unsigned long addr, struct mm_walk *walk)
{
	const struct mm_walk_ops *ops = walk->ops;

	if (ops->pmd_entry)
		return ops->pmd_entry(addr, walk);
	return walk_pte_range(addr, walk);
}

static int __walk_page_range(unsigned long start, unsigned long end, struct mm_walk *walk)
{
	unsigned long addr;
	int err = 0;

	for (addr = start; addr < end && !err; addr += 4096)
		err = walk_pmd_range(addr, walk);
	return err;
}

int walk_page_range(struct mm_struct *mm, unsigned long start, unsigned long end,
		    const struct mm_walk_ops *ops, void *private)
{
	struct mm_walk walk = {
		.ops = ops,
		.mm = mm,
		.private = private,
	};

	return __walk_page_range(start, end, &walk);
}
