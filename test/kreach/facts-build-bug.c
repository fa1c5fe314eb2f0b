// A call to a function declared __attribute__((error)) fails the build unless
// the compiler removes it: the kernel's BUILD_BUG_ON behind compiletime_assert,
// whose callee is numbered by __COUNTER__ (so each TU would name its own).
// It is never made at run time, and not recorded; other calls around it are.
// RUN: rm -rf %t && mkdir -p %t/drivers/x && cp %s %t/drivers/x/bug.c
// RUN: cp -r %kernel_headers %t/ && cp -r %S/Inputs/include %t/ && %python %inputs/mkdb.py %t
// RUN: %kreach facts -p %t %t/drivers/x/bug.c | FileCheck %s --implicit-check-not=assert_
#define __compiletime_error(msg) __attribute__((__error__(msg)))
#define __compiletime_assert(cond, msg, prefix, suffix)                       \
	do {                                                                  \
		extern void prefix##suffix(void) __compiletime_error(msg);    \
		if (!(cond))                                                  \
			prefix##suffix();                                     \
	} while (0)
#define BUILD_BUG_ON(cond)                                                    \
	__compiletime_assert(!(cond), "BUILD_BUG_ON failed: " #cond,          \
			     __compiletime_assert_, __COUNTER__)

void still_called(void);
void warned(void) __attribute__((__warning__("deprecated")));

// CHECK-DAG: function checked external at drivers/x/bug.c:[[@LINE+1]]:6
void checked(int n)
{
	BUILD_BUG_ON(sizeof(int) != 4);
	BUILD_BUG_ON(sizeof(long) < 4);
// CHECK-DAG: call checked -> still_called at drivers/x/bug.c:[[@LINE+1]]:2
	still_called();
// A warning attribute is only a warning: the call stays.
// CHECK-DAG: call checked -> warned at drivers/x/bug.c:[[@LINE+1]]:2
	warned();
}
