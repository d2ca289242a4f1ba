/*
 * kernel/fork.c side of seed 000 ("mm, directio: fix fork vs direct-io
 * race"): fork takes the new mm_pinned_sem for write, then mmap_sem.
 */
#include <linux/mm.h>
#include <linux/mmap_lock.h>
#include <linux/rwsem.h>
#include <linux/errno.h>

int dup_mmap(struct mm_struct *mm, struct mm_struct *oldmm)
{
	int retval = 0;

	down_write(&oldmm->mm_pinned_sem);
	mmap_write_lock(oldmm);
	mm->total_vm = oldmm->total_vm;
	mm->mmap_base = oldmm->mmap_base;
	if (!mm->mmap_base)
		retval = -ENOMEM;
	mmap_write_unlock(oldmm);
	up_write(&oldmm->mm_pinned_sem);
	return retval;
}

void mm_init_pinned(struct mm_struct *mm)
{
	init_rwsem(&mm->mm_pinned_sem);
}
