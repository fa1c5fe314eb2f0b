/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _VF_LINUX_CALLBACK_H
#define _VF_LINUX_CALLBACK_H

typedef int (*vf_callback_t)(void *arg);

/* Calls cb through a local copy, cast on the way as kernel code does. */
static inline int run_callback(vf_callback_t cb, void *arg)
{
	void *erased = (void *)cb;
	vf_callback_t fn = (vf_callback_t)erased;

	return fn(arg);
}

#endif
