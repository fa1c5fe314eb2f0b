/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _MINI_LINUX_COMPILER_H
#define _MINI_LINUX_COMPILER_H

#define __must_check	__attribute__((__warn_unused_result__))
#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)
#define READ_ONCE(x)	(*(const volatile __typeof__(x) *)&(x))

#endif /* _MINI_LINUX_COMPILER_H */
