/*
 * Locks reached through parameters are instantiated at each call site:
 * lock_it() takes bar.lock in p1 and foo.b in p2; foo_lock() takes foo.a.
 * r1 and r2 take the reverse orders directly, so each wrapper edge shows
 * up in an inversion.
 */
#include <linux/spinlock.h>

struct foo {
	spinlock_t a;
	spinlock_t b;
};

struct bar {
	spinlock_t lock;
};

static void lock_it(spinlock_t *l)
{
	spin_lock(l);
}

static void unlock_it(spinlock_t *l)
{
	spin_unlock(l);
}

static void foo_lock(struct foo *f)
{
	spin_lock(&f->a);
}

static void foo_unlock(struct foo *f)
{
	spin_unlock(&f->a);
}

void p1(struct foo *f, struct bar *b)
{
	lock_it(&b->lock);
	foo_lock(f);
	foo_unlock(f);
	unlock_it(&b->lock);
}

void p2(struct foo *f)
{
	foo_lock(f);
	lock_it(&f->b);
	unlock_it(&f->b);
	foo_unlock(f);
}

void r1(struct foo *f, struct bar *b)
{
	spin_lock(&f->a);
	spin_lock(&b->lock);
	spin_unlock(&b->lock);
	spin_unlock(&f->a);
}

void r2(struct foo *f)
{
	spin_lock(&f->b);
	spin_lock(&f->a);
	spin_unlock(&f->a);
	spin_unlock(&f->b);
}
