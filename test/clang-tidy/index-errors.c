// REQUIRES: tidy-plugin
// An index that cannot be used is reported once, then the TU is analysed
// alone; nothing crashes.
// RUN: rm -rf %t && mkdir -p %t/garbage %t/empty %t/foreign
// RUN: cp %s %t/garbage/t.c && cp %s %t/empty/t.c && cp %s %t/foreign/t.c
//
// Not a database at all, found next to the file.
// RUN: echo "this is not an sqlite database, it only has the name of one" > %t/garbage/kreach.db
// RUN: %clang-tidy --load=%tidy-plugin -checks='-*,linuxkernel-mmu-notifier-dma-fence-wait' \
// RUN:   %t/garbage/t.c -- -nostdinc -I%kernel_headers 2>&1 | FileCheck %s
//
// An empty file, named by the IndexFile option.
// RUN: touch %t/empty/kreach.db
// RUN: %clang-tidy --load=%tidy-plugin -checks='-*,linuxkernel-mmu-notifier-dma-fence-wait' \
// RUN:   -config="{CheckOptions: {linuxkernel-mmu-notifier-dma-fence-wait.IndexFile: '%t/empty/kreach.db'}}" \
// RUN:   %t/empty/t.c -- -nostdinc -I%kernel_headers 2>&1 | FileCheck %s
//
// An SQLite database that some other program wrote.
// RUN: %python -c "import sqlite3; c = sqlite3.connect('%t/foreign/kreach.db'); c.execute('create table t(x)'); c.commit()"
// RUN: %clang-tidy --load=%tidy-plugin -checks='-*,linuxkernel-mmu-notifier-dma-fence-wait' \
// RUN:   %t/foreign/t.c -- -nostdinc -I%kernel_headers 2>&1 | FileCheck %s
//
// CHECK: t.c:1:1: warning: kreach index '{{.*}}kreach.db' {{.+}}; analysing this translation unit alone [linuxkernel-mmu-notifier-dma-fence-wait]
// CHECK: t.c:[[@LINE+9]]:13: warning: mmu notifier callback 'ie_invalidate' can reach dma_fence wait 'dma_fence_wait' outside drivers/gpu/ [linuxkernel-mmu-notifier-dma-fence-wait]
#include <linux/dma-fence.h>
#include <linux/mmu_notifier.h>

struct ie_dev {
	struct mmu_interval_notifier mni;
	struct dma_fence *fence;
};

static bool ie_invalidate(struct mmu_interval_notifier *mni,
			  const struct mmu_notifier_range *range, unsigned long seq)
{
	dma_fence_wait(((struct ie_dev *)mni)->fence, false);
	return true;
}

static const struct mmu_interval_notifier_ops ie_ops = {
	.invalidate = ie_invalidate,
};

int ie_register(struct ie_dev *dev, struct mm_struct *mm)
{
	return mmu_interval_notifier_insert(&dev->mni, mm, 0, 4096, &ie_ops);
}
