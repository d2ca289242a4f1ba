/*
 * bad() holds x->l and calls a helper that takes the same x->l: a
 * self-deadlock. good() calls the helper after unlocking.
 */
#include <linux/spinlock.h>

struct foo {
	spinlock_t l;
	int v;
};

static void foo_bump(struct foo *x)
{
	spin_lock(&x->l);
	x->v++;
	spin_unlock(&x->l);
}

void bad(struct foo *x)
{
	spin_lock(&x->l);
	foo_bump(x);
	spin_unlock(&x->l);
}

void good(struct foo *x)
{
	spin_lock(&x->l);
	x->v--;
	spin_unlock(&x->l);
	foo_bump(x);
}
