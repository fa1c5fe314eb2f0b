// REQUIRES: tidy-plugin
// With an index, calls that leave the TU are followed through the index's
// sink summaries and field targets. This file plays drivers/accel/x/x_gem.c;
// its wait sits in x_hw.c, reached through x_core.c and an ops table.
// RUN: rm -rf %t && mkdir -p %t && cp -r %S/Inputs/kernel %t/kernel && cp -r %kernel_headers %t/kernel/
// RUN: cp %s %t/kernel/drivers/accel/x/x_gem.c
// RUN: sed 's|@ROOT@|%t/kernel|g' %S/Inputs/compile_commands.json.in > %t/kernel/compile_commands.json
// RUN: %kreach index -p %t/kernel --quiet
//
// The default index is the kreach.db next to compile_commands.json.
// RUN: %clang-tidy --load=%tidy-plugin -checks='-*,linuxkernel-mmu-notifier-dma-fence-wait' \
// RUN:   -p %t/kernel %t/kernel/drivers/accel/x/x_gem.c 2>&1 \
// RUN:   | FileCheck %s --implicit-check-not='warning:'
//
// The same through the IndexFile option, with the database moved away.
// RUN: mkdir -p %t/elsewhere && mv %t/kernel/kreach.db %t/elsewhere/custom.db
// RUN: %clang-tidy --load=%tidy-plugin -checks='-*,linuxkernel-mmu-notifier-dma-fence-wait' \
// RUN:   -config="{CheckOptions: {linuxkernel-mmu-notifier-dma-fence-wait.IndexFile: '%t/elsewhere/custom.db'}}" \
// RUN:   %t/kernel/drivers/accel/x/x_gem.c -- -nostdinc -I%t/kernel/include 2>&1 \
// RUN:   | FileCheck %s --implicit-check-not='warning:'
//
// The TU takes precedence over the index for what it defines: with the call
// removed and no re-indexing, the finding is gone at once.
// RUN: sed '/REMOVED-BY-EDIT/d' %s > %t/kernel/drivers/accel/x/x_gem.c
// RUN: %clang-tidy --load=%tidy-plugin -checks='-*,linuxkernel-mmu-notifier-dma-fence-wait' \
// RUN:   -config="{CheckOptions: {linuxkernel-mmu-notifier-dma-fence-wait.IndexFile: '%t/elsewhere/custom.db'}}" \
// RUN:   -p %t/kernel %t/kernel/drivers/accel/x/x_gem.c 2>&1 \
// RUN:   | FileCheck %s --check-prefix=EDITED --allow-empty --implicit-check-not='warning:'
// EDITED-NOT: mmu notifier callback
//
// Without the index the chain cannot be followed past this TU, and the
// check says where it looked.
// RUN: cp %s %t/kernel/drivers/accel/x/x_gem.c
// RUN: %clang-tidy --load=%tidy-plugin -checks='-*,linuxkernel-mmu-notifier-dma-fence-wait' \
// RUN:   -p %t/kernel %t/kernel/drivers/accel/x/x_gem.c 2>&1 \
// RUN:   | FileCheck %s --check-prefixes=EDITED,NOINDEX --implicit-check-not='warning:'
// NOINDEX: x_gem.c:1:1: warning: no kreach index found (looked for {{.*}}/kernel/kreach.db,
#include "x.h"

static bool x_gem_invalidate(struct mmu_interval_notifier *mni,
// CHECK: x_gem.c:[[@LINE-1]]:13: warning: mmu notifier callback 'x_gem_invalidate' can reach dma_fence wait 'dma_fence_wait' outside drivers/gpu/ [linuxkernel-mmu-notifier-dma-fence-wait]
			     const struct mmu_notifier_range *range,
			     unsigned long cur_seq)
{
	struct x_device *xd = (struct x_device *)mni;

	x_core_note(xd);
	x_core_flush(xd); // REMOVED-BY-EDIT
// CHECK: x_gem.c:[[@LINE-1]]:2: note: 'x_gem_invalidate' calls 'x_core_flush'
// CHECK: x_core.c:6:2: note: 'x_core_flush' calls 'x_engine_idle'
// CHECK: x.h:30:15: note: 'x_engine_idle' calls 'x_hw_wait_idle' through 'x_engine_ops::wait_idle'
// CHECK: x_hw.c:7:3: note: 'x_hw_wait_idle' calls 'dma_fence_wait'
// CHECK: x_gem.c:[[@LINE+5]]:16: note: 'x_gem_invalidate' is registered as 'mmu_interval_notifier_ops::invalidate' here
	return true;
}

static const struct mmu_interval_notifier_ops x_gem_mn_ops = {
	.invalidate = x_gem_invalidate,
};

int x_gem_userptr_register(struct x_device *xd, struct mm_struct *mm)
{
	return mmu_interval_notifier_insert(&xd->notifier, mm, 0, 4096, &x_gem_mn_ops);
}
