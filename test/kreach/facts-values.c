// The value-flow facts: calls through values, arguments (and their parts),
// returns, writes and global initializers, each value relative to its function.
// RUN: rm -rf %t && mkdir -p %t/drivers/x && cp %s %t/drivers/x/values.c
// RUN: cp -r %kernel_headers %t/ && %python %inputs/mkdb.py %t
// RUN: %kreach facts -p %t %t/drivers/x/values.c | FileCheck %s
#include <linux/types.h>

struct item_ops { int (*run)(int); };
struct entry { int (*func)(struct entry *e); void *key; };
struct waiter { void *key; struct entry ent; };
struct head { struct entry *first; };
struct walk { const struct item_ops *ops; int depth; };

static int quiet(int x) { return x; }
static int wake(struct entry *e) { return 0; }
static const struct item_ops quiet_ops = { .run = quiet };
// CHECK-DAG: ginit G{{.*}}:quiet_ops|item_ops::run = F{{.*}}:quiet at drivers/x/values.c:[[@LINE-1]]

static struct head table[16];
void walker(struct walk *w, int x);

// A part of an argument: a local struct whose field holds the parameter.
// CHECK-DAG: carg pass -> walker = 0 = walk::ops = P0=ops at drivers/x/values.c:[[@LINE+4]]
void pass(const struct item_ops *ops)
{
	struct walk w = { .ops = ops };
	walker(&w, 1);
}

// A struct assigned whole from a literal, through a parameter.
// CHECK-DAG: assign init_waiter -> P0=wq|waiter::ent|entry::func = F{{.*}}:wake at drivers/x/values.c:[[@LINE+3]]
void init_waiter(struct waiter *wq, void *key)
{
	*wq = (struct waiter){ .key = key, .ent = { .func = wake } };
}

// Pointer arithmetic stays in its object: a hashed table's entry.
// CHECK-DAG: fret head_of -> G{{.*}}:table at drivers/x/values.c:[[@LINE+3]]
struct head *head_of(void *p)
{
	return table + ((unsigned long)p & 15);
}

// What a getter returns, called through.
// CHECK-DAG: fret get_ops -> G{{.*}}:quiet_ops at drivers/x/values.c:[[@LINE+1]]
const struct item_ops *get_ops(void) { return &quiet_ops; }
// CHECK-DAG: vcall use -> Rget_ops|item_ops::run at drivers/x/values.c:[[@LINE+1]]
int use(void) { return get_ops()->run(1); }
