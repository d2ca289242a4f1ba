/*
 * Loops: foo.a is taken and released in each iteration, so neither a
 * self-deadlock on foo.a nor an edge foo.a -> foo.b exists (rev_ba would
 * close a cycle). foo.c is still held when the second loop breaks out, so
 * foo.c -> foo.d exists (shown against rev_dc).
 */
#include <linux/mutex.h>

struct foo {
	struct mutex a;
	struct mutex b;
	struct mutex c;
	struct mutex d;
	int x;
};

void loop(struct foo *f, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		mutex_lock(&f->a);
		f->x += i;
		mutex_unlock(&f->a);
	}
	mutex_lock(&f->b);
	f->x = 0;
	mutex_unlock(&f->b);

	for (;;) {
		mutex_lock(&f->c);
		if (f->x > n)
			break;
		f->x++;
		mutex_unlock(&f->c);
	}
	mutex_lock(&f->d);
	f->x = n;
	mutex_unlock(&f->d);
	mutex_unlock(&f->c);
}

void rev_ba(struct foo *f)
{
	mutex_lock(&f->b);
	mutex_lock(&f->a);
	mutex_unlock(&f->a);
	mutex_unlock(&f->b);
}

void rev_dc(struct foo *f)
{
	mutex_lock(&f->d);
	mutex_lock(&f->c);
	mutex_unlock(&f->c);
	mutex_unlock(&f->d);
}
