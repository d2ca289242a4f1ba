/*
 * Three functions, three edges, one cycle foo.a -> foo.b -> foo.c -> foo.a
 * (lockdep's "Chain exists of"). No two-lock cycle exists.
 */
#include <linux/mutex.h>

struct foo {
	struct mutex a;
	struct mutex b;
	struct mutex c;
	int v;
};

void take_ab(struct foo *f)
{
	mutex_lock(&f->a);
	mutex_lock(&f->b);
	f->v = 1;
	mutex_unlock(&f->b);
	mutex_unlock(&f->a);
}

void take_bc(struct foo *f)
{
	mutex_lock(&f->b);
	mutex_lock(&f->c);
	f->v = 2;
	mutex_unlock(&f->c);
	mutex_unlock(&f->b);
}

void take_ca(struct foo *f)
{
	mutex_lock(&f->c);
	mutex_lock(&f->a);
	f->v = 3;
	mutex_unlock(&f->a);
	mutex_unlock(&f->c);
}
