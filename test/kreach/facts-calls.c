// Functions, direct calls (macro call sites at their expansion), calls through
// values (here all the caller's parameters: bound where it is called).
// RUN: rm -rf %t && mkdir -p %t/drivers/x && cp %s %t/drivers/x/calls.c
// RUN: cp -r %kernel_headers %t/ && cp -r %S/Inputs/include %t/ && %python %inputs/mkdb.py %t
// RUN: %kreach facts -p %t %t/drivers/x/calls.c | FileCheck %s
#include <linux/dma-fence.h>

struct dev_ops { int (*hmm_invalidate)(int); };
struct dev { const struct dev_ops *ops; int (*direct)(int); struct dma_fence *f; };

// CHECK-DAG: function drivers/x/calls.c:helper internal at drivers/x/calls.c:[[@LINE+1]]:12
static int helper(int x) { return x; }
// CHECK-DAG: function entry external at drivers/x/calls.c:[[@LINE+1]]:5
int entry(struct dev *d, int (*param)(int))
{
	int r = 0;
// CHECK-DAG: vcall entry -> P0=d|dev::ops|dev_ops::hmm_invalidate at drivers/x/calls.c:[[@LINE+1]]:15
	r += d->ops->hmm_invalidate(1);
// CHECK-DAG: vcall entry -> P0=d|dev::direct at drivers/x/calls.c:[[@LINE+1]]:12
	r += (*d->direct)(2);
// CHECK-DAG: call entry -> drivers/x/calls.c:helper at drivers/x/calls.c:[[@LINE+1]]:7
	r += helper(3);
#define CALL_HELPER() helper(4)
// CHECK-DAG: call entry -> drivers/x/calls.c:helper at drivers/x/calls.c:[[@LINE+1]]:7
	r += CALL_HELPER();
// The header inline is keyed by its header, so every TU shares one node.
// CHECK-DAG: call entry -> include/linux/dma-fence.h:dma_fence_wait at drivers/x/calls.c:[[@LINE+1]]:7
	r += dma_fence_wait(d->f, false);
// CHECK-DAG: vcall entry -> P1=param at drivers/x/calls.c:[[@LINE+1]]:7
	r += param(5);
	return r + __builtin_expect(r, 0);
}
// CHECK-DAG: function include/linux/dma-fence.h:dma_fence_wait internal at include/linux/dma-fence.h:
// CHECK-DAG: call include/linux/dma-fence.h:dma_fence_wait -> dma_fence_wait_timeout at include/linux/dma-fence.h:
// Builtins are not calls, and nothing here is beyond value flow.
// CHECK: unresolved-indirect 0
// CHECK-NOT: __builtin_expect
