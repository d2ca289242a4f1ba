/*
 * rwlock_t readers are recursive: read_lock twice on foo.l is fine. Taking
 * the write side of foo.l2 while holding its read side is not.
 */
#include <linux/spinlock.h>

struct foo {
	rwlock_t l;
	rwlock_t l2;
	int v;
};

static int foo_peek(struct foo *a)
{
	int v;

	read_lock(&a->l);
	v = a->v;
	read_unlock(&a->l);
	return v;
}

int foo_sum(struct foo *a)
{
	int v;

	read_lock(&a->l);
	v = a->v + foo_peek(a);
	read_unlock(&a->l);
	return v;
}

void foo_upgrade(struct foo *a)
{
	read_lock(&a->l2);
	write_lock(&a->l2);
	a->v = 0;
	write_unlock(&a->l2);
	read_unlock(&a->l2);
}
