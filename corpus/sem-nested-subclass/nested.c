/*
 * _nested subclasses are distinct classes: foo.m then foo.m/1 is no
 * self-deadlock, but an edge foo.m -> foo.m/1 (shown against rev, which
 * takes them the other way). dup_mm passes the subclass through the
 * mmap_write_lock_nested wrapper: mm_struct.mmap_lock -> .../1, no
 * self-deadlock and no finding.
 */
#include <linux/mutex.h>
#include <linux/lockdep.h>
#include <linux/mmap_lock.h>

struct foo {
	struct mutex m;
	int v;
};

void double_lock(struct foo *a, struct foo *b)
{
	mutex_lock(&a->m);
	mutex_lock_nested(&b->m, SINGLE_DEPTH_NESTING);
	a->v = b->v;
	mutex_unlock(&b->m);
	mutex_unlock(&a->m);
}

void rev(struct foo *a, struct foo *b)
{
	mutex_lock_nested(&b->m, SINGLE_DEPTH_NESTING);
	mutex_lock(&a->m);
	b->v = a->v;
	mutex_unlock(&a->m);
	mutex_unlock(&b->m);
}

void dup_mm(struct mm_struct *mm, struct mm_struct *oldmm)
{
	mmap_write_lock(oldmm);
	mmap_write_lock_nested(mm, SINGLE_DEPTH_NESTING);
	mm->total_vm = oldmm->total_vm;
	mmap_write_unlock(mm);
	mmap_write_unlock(oldmm);
}
