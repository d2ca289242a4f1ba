/* Fake <linux/spinlock.h> for the lockgraph corpus. */
#ifndef _LINUX_SPINLOCK_H
#define _LINUX_SPINLOCK_H

#include <linux/types.h>
#include <linux/cleanup.h>
#include <linux/rwlock.h>

struct raw_spinlock {
	int x;
};
typedef struct raw_spinlock raw_spinlock_t;

typedef struct spinlock {
	struct raw_spinlock rlock;
} spinlock_t;

#define DEFINE_SPINLOCK(x)	spinlock_t x = { { 0 } }

extern void spin_lock_init(spinlock_t *lock);
extern void spin_lock(spinlock_t *lock);
extern void spin_lock_nested(spinlock_t *lock, int subclass);
extern void spin_lock_irq(spinlock_t *lock);
extern void spin_lock_bh(spinlock_t *lock);
extern int spin_trylock(spinlock_t *lock);
extern void spin_unlock(spinlock_t *lock);
extern void spin_unlock_irq(spinlock_t *lock);
extern void spin_unlock_bh(spinlock_t *lock);
extern void spin_unlock_irqrestore(spinlock_t *lock, unsigned long flags);
extern int spin_is_locked(spinlock_t *lock);

extern unsigned long _raw_spin_lock_irqsave(struct raw_spinlock *lock);

#define spin_lock_irqsave(lock, flags)				\
	do {							\
		(flags) = _raw_spin_lock_irqsave(&(lock)->rlock);	\
	} while (0)

DEFINE_GUARD(spinlock, spinlock_t *, spin_lock(_T), spin_unlock(_T))

#endif
