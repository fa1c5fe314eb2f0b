/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _MINI_LINUX_ERRNO_H
#define _MINI_LINUX_ERRNO_H

#define EINTR		4
#define EIO		5
#define EAGAIN		11
#define ENOMEM		12
#define EBUSY		16
#define EINVAL		22
#define ETIME		62

#endif /* _MINI_LINUX_ERRNO_H */
