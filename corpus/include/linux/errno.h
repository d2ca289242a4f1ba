/* Fake <linux/errno.h> for the lockgraph corpus. */
#ifndef _LINUX_ERRNO_H
#define _LINUX_ERRNO_H

#define EFAULT	14
#define EBUSY	16
#define EINVAL	22
#define ENOMEM	12
#define EAGAIN	11
#define EINTR	4
#define ENOSPC	28

#endif
