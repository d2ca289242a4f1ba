/*
 * foo_prepare() returns with foo.m held; its caller then takes foo.n
 * (edge foo.m -> foo.n, shown against rev_mn). foo_finish() releases
 * foo.m in another function, so the foo.after taken next has no edge from
 * foo.m (rev_after_m takes foo.after -> foo.m: a wrong edge would close a
 * cycle).
 */
#include <linux/mutex.h>

struct foo {
	struct mutex m;
	struct mutex n;
	struct mutex after;
	int ready;
};

static int foo_prepare(struct foo *f)
{
	int v = f->ready;

	mutex_lock(&f->m);
	return v + 1;
}

static void foo_finish(struct foo *f)
{
	f->ready = 0;
	mutex_unlock(&f->m);
}

int user(struct foo *f)
{
	int v = foo_prepare(f);

	mutex_lock(&f->n);
	f->ready = v;
	mutex_unlock(&f->n);
	foo_finish(f);
	mutex_lock(&f->after);
	f->ready++;
	mutex_unlock(&f->after);
	return v;
}

void rev_mn(struct foo *f)
{
	mutex_lock(&f->n);
	mutex_lock(&f->m);
	mutex_unlock(&f->m);
	mutex_unlock(&f->n);
}

void rev_after_m(struct foo *f)
{
	mutex_lock(&f->after);
	mutex_lock(&f->m);
	mutex_unlock(&f->m);
	mutex_unlock(&f->after);
}
