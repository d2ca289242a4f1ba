/*
 * rwsem readers are not recursive for lockdep (a queued writer blocks the
 * second down_read): taking the same foo.sem for read twice, here through
 * a helper, is a self-deadlock.
 */
#include <linux/rwsem.h>

struct foo {
	struct rw_semaphore sem;
	int v;
};

static int foo_peek(struct foo *a)
{
	int v;

	down_read(&a->sem);
	v = a->v;
	up_read(&a->sem);
	return v;
}

int foo_sum(struct foo *a)
{
	int v;

	down_read(&a->sem);
	v = a->v + foo_peek(a);
	up_read(&a->sem);
	return v;
}
