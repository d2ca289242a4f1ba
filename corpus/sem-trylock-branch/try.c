/*
 * Conditional locking through a trylock's return value. On try_path's
 * success path foo.m is held, so foo.m -> foo.s exists (reported by the
 * case's order rule). A trylock adds no edge into the try-locked lock:
 * held_around has no foo.outer -> foo.m (rev_m_outer takes foo.m ->
 * foo.outer, so a wrong edge would close a cycle).
 */
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/errno.h>

struct foo {
	struct mutex m;
	spinlock_t s;
	struct mutex outer;
	int v;
};

int try_path(struct foo *a)
{
	if (!mutex_trylock(&a->m))
		return -EAGAIN;
	spin_lock(&a->s);
	a->v++;
	spin_unlock(&a->s);
	mutex_unlock(&a->m);
	return 0;
}

int held_around(struct foo *a)
{
	int ret = 0;

	mutex_lock(&a->outer);
	if (mutex_trylock(&a->m)) {
		a->v--;
		mutex_unlock(&a->m);
	} else {
		ret = -EAGAIN;
	}
	mutex_unlock(&a->outer);
	return ret;
}

void rev_m_outer(struct foo *a)
{
	mutex_lock(&a->m);
	mutex_lock(&a->outer);
	a->v = 0;
	mutex_unlock(&a->outer);
	mutex_unlock(&a->m);
}
