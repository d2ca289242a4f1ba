/*
 * Cleanup-based locks. guard(mutex) holds foo.lock to the end of its
 * scope: foo.lock -> foo.inner exists (shown against rev_inner), and
 * foo.after, taken after the scope, has no edge from foo.lock (rev_after
 * would close a cycle). scoped_guard(spinlock) likewise for foo.slock,
 * foo.sinner and foo.safter.
 */
#include <linux/mutex.h>
#include <linux/spinlock.h>

struct foo {
	struct mutex lock;
	struct mutex inner;
	struct mutex after;
	spinlock_t slock;
	spinlock_t sinner;
	spinlock_t safter;
	int v;
};

void g_mutex(struct foo *x)
{
	{
		guard(mutex)(&x->lock);
		mutex_lock(&x->inner);
		x->v++;
		mutex_unlock(&x->inner);
	}
	mutex_lock(&x->after);
	x->v--;
	mutex_unlock(&x->after);
}

void g_scoped(struct foo *x)
{
	scoped_guard(spinlock, &x->slock) {
		spin_lock(&x->sinner);
		x->v++;
		spin_unlock(&x->sinner);
	}
	spin_lock(&x->safter);
	x->v--;
	spin_unlock(&x->safter);
}

void rev_inner(struct foo *x)
{
	mutex_lock(&x->inner);
	mutex_lock(&x->lock);
	mutex_unlock(&x->lock);
	mutex_unlock(&x->inner);
}

void rev_after(struct foo *x)
{
	mutex_lock(&x->after);
	mutex_lock(&x->lock);
	mutex_unlock(&x->lock);
	mutex_unlock(&x->after);
}

void rev_sinner(struct foo *x)
{
	spin_lock(&x->sinner);
	spin_lock(&x->slock);
	spin_unlock(&x->slock);
	spin_unlock(&x->sinner);
}

void rev_safter(struct foo *x)
{
	spin_lock(&x->safter);
	spin_lock(&x->slock);
	spin_unlock(&x->slock);
	spin_unlock(&x->safter);
}
