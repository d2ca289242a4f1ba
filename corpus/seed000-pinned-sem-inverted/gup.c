/*
 * The inverted variant of seed 000: a helper pins the mm while holding
 * mmap_sem, i.e. mm_pinned_sem under mmap_sem, against dup_mmap's
 * mm_pinned_sem -> mmap_sem.
 */
#include <linux/mm.h>
#include <linux/mmap_lock.h>
#include <linux/rwsem.h>

int mm_pin_for_io(struct mm_struct *mm)
{
	int pinned = 0;

	mmap_read_lock(mm);
	if (mm->total_vm) {
		down_read_non_owner(&mm->mm_pinned_sem);
		pinned = 1;
	}
	mmap_read_unlock(mm);
	return pinned;
}
