/*
 * Fake <linux/uaccess.h>. copy_*_user, get_user, might_fault, fault_in_*
 * may fault and so take mm_struct.mmap_lock for read (a "touch" in the
 * rules) unless pagefault_disable() is in effect; the _inatomic variants
 * never fault.
 */
#ifndef _LINUX_UACCESS_H
#define _LINUX_UACCESS_H

#include <linux/types.h>

extern void might_fault(void);
extern void pagefault_disable(void);
extern void pagefault_enable(void);

extern unsigned long copy_from_user(void *to, const void __user *from,
				    unsigned long n);
extern unsigned long copy_to_user(void __user *to, const void *from,
				  unsigned long n);
extern unsigned long __copy_from_user_inatomic(void *to,
					       const void __user *from,
					       unsigned long n);
extern unsigned long __copy_to_user_inatomic(void __user *to,
					     const void *from,
					     unsigned long n);
extern size_t fault_in_readable(const char __user *uaddr, size_t size);
extern size_t fault_in_writeable(char __user *uaddr, size_t size);

#define get_user(x, p)	({ might_fault(); (x) = *(p); 0; })
#define put_user(x, p)	({ might_fault(); *(p) = (x); 0; })

#endif
