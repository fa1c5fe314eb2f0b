// REQUIRES: tidy-plugin
// The check's options: RootFields, SinkFunctions, AllowedPaths, SourceRoot,
// stored like upstream checks' options.
// RUN: %clang-tidy --load=%tidy-plugin -checks='-*,linuxkernel-mmu-notifier-dma-fence-wait' \
// RUN:   -config="{CheckOptions: {linuxkernel-mmu-notifier-dma-fence-wait.IndexFile: '%S/Inputs/no-such-index-on-purpose.db'}}" \
// RUN:   %s -- -nostdinc -I%kernel_headers 2>&1 | FileCheck %s --check-prefix=DEFAULT --implicit-check-not='mmu notifier callback'
//
// RUN: %clang-tidy --load=%tidy-plugin -checks='-*,linuxkernel-mmu-notifier-dma-fence-wait' \
// RUN:   -config="{CheckOptions: {linuxkernel-mmu-notifier-dma-fence-wait.IndexFile: '%S/Inputs/no-such-index-on-purpose.db', \
// RUN:     linuxkernel-mmu-notifier-dma-fence-wait.RootFields: 'mmu_interval_notifier_ops::invalidate;opt_shrinker::scan', \
// RUN:     linuxkernel-mmu-notifier-dma-fence-wait.SinkFunctions: 'dma_fence_wait*, opt_hw_wait'}}" \
// RUN:   %s -- -nostdinc -I%kernel_headers 2>&1 | FileCheck %s --check-prefix=CUSTOM --implicit-check-not='mmu notifier callback'
//
// A root under AllowedPaths (relative to SourceRoot) is not reported.
// RUN: %clang-tidy --load=%tidy-plugin -checks='-*,linuxkernel-mmu-notifier-dma-fence-wait' \
// RUN:   -config="{CheckOptions: {linuxkernel-mmu-notifier-dma-fence-wait.IndexFile: '%S/Inputs/no-such-index-on-purpose.db', \
// RUN:     linuxkernel-mmu-notifier-dma-fence-wait.SourceRoot: '%S', \
// RUN:     linuxkernel-mmu-notifier-dma-fence-wait.AllowedPaths: 'drivers/gpu/, opt*'}}" \
// RUN:   %s -- -nostdinc -I%kernel_headers 2>&1 | FileCheck %s --check-prefix=ALLOWED --allow-empty --implicit-check-not='mmu notifier callback'
//
// ALLOWED: options.c:1:1: warning: kreach index {{.*}} does not exist
//
// An unusable pattern is reported once and the TU is not analysed.
// RUN: %clang-tidy --load=%tidy-plugin -checks='-*,linuxkernel-mmu-notifier-dma-fence-wait' \
// RUN:   -config="{CheckOptions: {linuxkernel-mmu-notifier-dma-fence-wait.SinkFunctions: 'dma_fence_wait[', \
// RUN:     linuxkernel-mmu-notifier-dma-fence-wait.IndexFile: '%S/Inputs/no-such-index-on-purpose.db'}}" \
// RUN:   %s -- -nostdinc -I%kernel_headers 2>&1 | FileCheck %s --check-prefix=INVALID --implicit-check-not='mmu notifier callback'
// INVALID: options.c:1:1: warning: invalid options for linuxkernel-mmu-notifier-dma-fence-wait: {{.*}}
//
// The options and their defaults are stored like upstream checks' options.
// RUN: %clang-tidy --load=%tidy-plugin -checks='-*,linuxkernel-mmu-notifier-dma-fence-wait' \
// RUN:   --dump-config %s -- | FileCheck %s --check-prefix=DUMP
// DUMP-DAG: linuxkernel-mmu-notifier-dma-fence-wait.AllowedPaths: 'drivers/gpu/'
// DUMP-DAG: linuxkernel-mmu-notifier-dma-fence-wait.IndexFile: ''
// DUMP-DAG: linuxkernel-mmu-notifier-dma-fence-wait.RootFields: 'mmu_notifier_ops::invalidate_range_start;{{.*}}mmu_interval_notifier_ops::invalidate;{{.*}}'
// DUMP-DAG: linuxkernel-mmu-notifier-dma-fence-wait.SinkFunctions: 'dma_fence_wait;dma_fence_wait_timeout;{{.*}}'
// DUMP-DAG: linuxkernel-mmu-notifier-dma-fence-wait.SourceRoot: ''
#include <linux/dma-fence.h>
#include <linux/mmu_notifier.h>

struct opt_dev {
	struct mmu_interval_notifier mni;
	struct dma_fence *fence;
};

void opt_hw_wait(struct opt_dev *dev);

static bool opt_invalidate(struct mmu_interval_notifier *mni,
// DEFAULT: :[[@LINE-1]]:13: warning: mmu notifier callback 'opt_invalidate' can reach dma_fence wait 'dma_fence_wait' outside drivers/gpu/ [linuxkernel-mmu-notifier-dma-fence-wait]
// CUSTOM: :[[@LINE-2]]:13: warning: mmu notifier callback 'opt_invalidate' can reach dma_fence wait 'dma_fence_wait' outside drivers/gpu/ [linuxkernel-mmu-notifier-dma-fence-wait]
			   const struct mmu_notifier_range *range, unsigned long seq)
{
	dma_fence_wait(((struct opt_dev *)mni)->fence, false);
	return true;
}

// A shrinker is a root only when RootFields names it; its wait is a sink
// only when SinkFunctions names it.
struct opt_shrinker {
	unsigned long (*scan)(struct opt_dev *dev);
};

static unsigned long opt_scan(struct opt_dev *dev)
// CUSTOM: :[[@LINE-1]]:22: warning: mmu notifier callback 'opt_scan' can reach dma_fence wait 'opt_hw_wait' outside drivers/gpu/ [linuxkernel-mmu-notifier-dma-fence-wait]
{
	opt_hw_wait(dev);
// CUSTOM: :[[@LINE-1]]:2: note: 'opt_scan' calls 'opt_hw_wait'
// CUSTOM: :[[@LINE+9]]:10: note: 'opt_scan' is registered as 'opt_shrinker::scan' here
	return 0;
}

static const struct mmu_interval_notifier_ops opt_mn_ops = {
	.invalidate = opt_invalidate,
};

static const struct opt_shrinker opt_shrinker = {
	.scan = opt_scan,
};

int opt_register(struct opt_dev *dev, struct mm_struct *mm)
{
	return mmu_interval_notifier_insert(&dev->mni, mm, 0, 4096, &opt_mn_ops);
}
