/* Fake <linux/compiler.h> for the lockgraph corpus: annotations only. */
#ifndef _LINUX_COMPILER_H
#define _LINUX_COMPILER_H

#define __user
#define __force
#define __iomem
#define __must_check
#define __maybe_unused		__attribute__((__unused__))
#define __always_inline		inline __attribute__((__always_inline__))
#define __cleanup(func)		__attribute__((__cleanup__(func)))
#define likely(x)		__builtin_expect(!!(x), 1)
#define unlikely(x)		__builtin_expect(!!(x), 0)

#define ___PASTE(a, b)		a##b
#define __PASTE(a, b)		___PASTE(a, b)
#define __UNIQUE_ID(prefix)	__PASTE(__PASTE(__UNIQUE_ID_, prefix), __COUNTER__)

#endif
