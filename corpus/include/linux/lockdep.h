/* Fake <linux/lockdep.h> for the lockgraph corpus. */
#ifndef _LINUX_LOCKDEP_H
#define _LINUX_LOCKDEP_H

#include <linux/types.h>

struct lock_class_key {
	int dummy;
};

struct lockdep_map {
	struct lock_class_key *key;
	const char *name;
};

#define SINGLE_DEPTH_NESTING	1
#define _THIS_IP_		0UL
#define _RET_IP_		0UL

extern void lockdep_init_map(struct lockdep_map *lock, const char *name,
			     struct lock_class_key *key, int subclass);
extern void lock_acquire(struct lockdep_map *lock, unsigned int subclass,
			 int trylock, int read, int check,
			 struct lockdep_map *nest_lock, unsigned long ip);
extern void lock_release(struct lockdep_map *lock, unsigned long ip);

#define lock_acquire_exclusive(l, s, t, n, i)	lock_acquire(l, s, t, 0, 1, n, i)
#define lock_acquire_shared(l, s, t, n, i)	lock_acquire(l, s, t, 1, 1, n, i)
#define lock_acquire_shared_recursive(l, s, t, n, i) lock_acquire(l, s, t, 2, 1, n, i)

#define rwsem_acquire(l, s, t, i)	lock_acquire_exclusive(l, s, t, NULL, i)
#define rwsem_acquire_read(l, s, t, i)	lock_acquire_shared(l, s, t, NULL, i)
#define rwsem_release(l, i)		lock_release(l, i)

#define lock_map_acquire(l)		lock_acquire_exclusive(l, 0, 0, NULL, _THIS_IP_)
#define lock_map_acquire_read(l)	lock_acquire_shared_recursive(l, 0, 0, NULL, _THIS_IP_)
#define lock_map_release(l)		lock_release(l, _THIS_IP_)

#endif
