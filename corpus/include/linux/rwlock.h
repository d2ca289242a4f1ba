/* Fake rwlock_t API (the kernel's <linux/rwlock.h>, via spinlock.h). */
#ifndef _LINUX_RWLOCK_H
#define _LINUX_RWLOCK_H

#include <linux/types.h>

typedef struct {
	int x;
} rwlock_t;

#define DEFINE_RWLOCK(x)	rwlock_t x = { 0 }

extern void rwlock_init(rwlock_t *lock);
extern void read_lock(rwlock_t *lock);
extern void read_unlock(rwlock_t *lock);
extern void write_lock(rwlock_t *lock);
extern void write_unlock(rwlock_t *lock);
extern void read_lock_irq(rwlock_t *lock);
extern void read_unlock_irq(rwlock_t *lock);
extern void write_lock_irq(rwlock_t *lock);
extern void write_unlock_irq(rwlock_t *lock);
extern int read_trylock(rwlock_t *lock);
extern int write_trylock(rwlock_t *lock);

#endif
