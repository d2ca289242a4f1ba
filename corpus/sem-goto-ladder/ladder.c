/*
 * A goto unlock ladder: foo.b is taken under foo.a (shown against rev_ba);
 * after out_a nothing is held, so foo.c has no edge from foo.a or foo.b
 * (rev_c takes foo.c -> foo.a and foo.c -> foo.b: a wrong edge would
 * close a cycle).
 */
#include <linux/mutex.h>
#include <linux/errno.h>

struct foo {
	struct mutex a;
	struct mutex b;
	struct mutex c;
	int x;
};

int ladder(struct foo *f)
{
	int err = 0;

	if (!f)
		return -EINVAL;
	mutex_lock(&f->a);
	if (f->x < 0) {
		err = -EINVAL;
		goto out_a;
	}
	mutex_lock(&f->b);
	if (f->x > 10) {
		err = -EBUSY;
		goto out_b;
	}
	f->x++;
out_b:
	mutex_unlock(&f->b);
out_a:
	mutex_unlock(&f->a);
	mutex_lock(&f->c);
	f->x = err;
	mutex_unlock(&f->c);
	return err;
}

void rev_ba(struct foo *f)
{
	mutex_lock(&f->b);
	mutex_lock(&f->a);
	mutex_unlock(&f->a);
	mutex_unlock(&f->b);
}

void rev_c(struct foo *f)
{
	mutex_lock(&f->c);
	mutex_lock(&f->a);
	mutex_unlock(&f->a);
	mutex_lock(&f->b);
	mutex_unlock(&f->b);
	mutex_unlock(&f->c);
}
