// Every way a kernel file stores a function address into a struct field.
// RUN: rm -rf %t && mkdir -p %t/drivers/x && cp %s %t/drivers/x/stores.c
// RUN: cp -r %kernel_headers %t/ && cp -r %S/Inputs/include %t/ && %python %inputs/mkdb.py %t
// RUN: %kreach facts -p %t %t/drivers/x/stores.c | FileCheck %s
#include <linux/mmu_notifier.h>
#include <linux/workqueue.h>

struct ops { int (*a)(int); int (*b)(int); };
struct outer { int id; struct ops inner; };
static int fa(int x) { return x; }
static int fb(int x) { return x + 1; }
int fext(int x) { return x; }

// CHECK-DAG: store ops::a = drivers/x/stores.c:fa at drivers/x/stores.c:[[@LINE+1]]:36
static const struct ops d = { .a = fa, .b = &fb };
// CHECK-DAG: store ops::b = drivers/x/stores.c:fb at drivers/x/stores.c:[[@LINE-1]]:45
// CHECK-DAG: store ops::a = fext at drivers/x/stores.c:[[@LINE+1]]:31
static const struct ops p = { fext, fa };
// CHECK-DAG: store ops::b = drivers/x/stores.c:fa at drivers/x/stores.c:[[@LINE-1]]:37
// CHECK-DAG: store ops::a = drivers/x/stores.c:fb at drivers/x/stores.c:[[@LINE+1]]:37
static const struct ops arr[] = { { fb }, { .b = fext } };
// CHECK-DAG: store ops::b = fext at drivers/x/stores.c:[[@LINE-1]]:50
// CHECK-DAG: store ops::a = fext at drivers/x/stores.c:[[@LINE+1]]:52
static struct outer nested = { .id = 1, .inner.a = fext };
#define DEFINE_OPS(name, fn) static const struct mmu_notifier_ops name = { .invalidate_range_start = fn }
static int start(struct mmu_notifier *mn, const struct mmu_notifier_range *r) { return 0; }
// A store written through a macro is where the function is named in its
// argument, as clang's diagnostics point.
// CHECK-DAG: store mmu_notifier_ops::invalidate_range_start = drivers/x/stores.c:start at drivers/x/stores.c:[[@LINE+1]]:23
DEFINE_OPS(macro_ops, start);
typedef struct { void (*cb)(void); } anon_ops_t;
static void cb(void) {}
// CHECK-DAG: store anon_ops_t::cb = drivers/x/stores.c:cb at drivers/x/stores.c:[[@LINE+1]]:34
static anon_ops_t anon = { .cb = cb };

void setup(struct ops *o, int which)
{
	struct ops local = { .a = fa };
	struct ops copy;
	copy.b = fb;
	o->a = which ? fa : fb;
	(void)local; (void)copy;
}
// CHECK-DAG: store ops::a = drivers/x/stores.c:fa at drivers/x/stores.c:[[@LINE-6]]:28 in setup
// CHECK-DAG: store ops::b = drivers/x/stores.c:fb at drivers/x/stores.c:[[@LINE-5]]:11 in setup
// CHECK-DAG: store ops::a = drivers/x/stores.c:fa at drivers/x/stores.c:[[@LINE-5]]:9 in setup
// CHECK-DAG: store ops::a = drivers/x/stores.c:fb at drivers/x/stores.c:[[@LINE-6]]:9 in setup
// A deferred-work store is still a store; the policy, not the facts, says it is async.
// CHECK-DAG: store work_struct::func = drivers/x/stores.c:worker at
static void worker(struct work_struct *w) {}
void queue(struct work_struct *w) { INIT_WORK(w, worker); }

// Anonymous structs are told apart: by their enclosing struct, else by place.
struct holder { struct { int (*set)(int); } a; struct { int (*set)(int); } *b; };
// CHECK-DAG: store holder::(anonymous)::set = drivers/x/stores.c:fa at
static struct holder h = { .a.set = fa };
// CHECK-DAG: store (anonymous at {{.*}}drivers/x/stores.c:[[@LINE+1]])::set = drivers/x/stores.c:fb at
static struct { int (*set)(int); } loose = { .set = fb };
