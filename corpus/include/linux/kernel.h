/* Fake <linux/kernel.h> for the lockgraph corpus. */
#ifndef _LINUX_KERNEL_H
#define _LINUX_KERNEL_H

#include <linux/types.h>

#define BUG_ON(cond)	do { if (cond) __builtin_trap(); } while (0)
#define WARN_ON(cond)	({ int __ret = !!(cond); __ret; })
#define min(a, b)	((a) < (b) ? (a) : (b))

extern void *kzalloc(size_t size, gfp_t flags);
extern void kfree(const void *p);

#endif
