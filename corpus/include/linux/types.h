/* Fake <linux/types.h> for the lockgraph corpus. */
#ifndef _LINUX_TYPES_H
#define _LINUX_TYPES_H

#include <linux/compiler.h>

typedef _Bool bool;
enum { false = 0, true = 1 };

typedef unsigned long size_t;
typedef long ssize_t;
typedef long long loff_t;
typedef unsigned long pgoff_t;
typedef unsigned int gfp_t;
typedef int pid_t;

typedef struct { int counter; } atomic_t;

#define NULL ((void *)0)
#define GFP_KERNEL 0u
#define GFP_NOFS 1u

#endif
