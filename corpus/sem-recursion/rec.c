/*
 * Summaries of recursive functions need a fixpoint. g and h are mutually
 * recursive and h takes foo.b; outer holds foo.a while calling g, so
 * foo.a -> foo.b exists only through the SCC {g, h}; rev takes foo.b ->
 * foo.a. walk recurses on itself with foo.c released before the call: no
 * self-deadlock.
 */
#include <linux/mutex.h>

struct foo {
	struct mutex a;
	struct mutex b;
	struct mutex c;
	int n;
};

static void h(struct foo *f, int n);

static void g(struct foo *f, int n)
{
	if (n > 0)
		h(f, n - 1);
}

static void h(struct foo *f, int n)
{
	mutex_lock(&f->b);
	f->n += n;
	mutex_unlock(&f->b);
	g(f, n);
}

void outer(struct foo *f)
{
	mutex_lock(&f->a);
	g(f, 3);
	mutex_unlock(&f->a);
}

void rev(struct foo *f)
{
	mutex_lock(&f->b);
	mutex_lock(&f->a);
	f->n = 0;
	mutex_unlock(&f->a);
	mutex_unlock(&f->b);
}

void walk(struct foo *f, int n)
{
	mutex_lock(&f->c);
	f->n--;
	mutex_unlock(&f->c);
	if (n > 0)
		walk(f, n - 1);
}
