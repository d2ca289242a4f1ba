/*
 * seed 001: inside a gup pin section the holder must not lock_page, take
 * mmap_sem or copy to/from user space; outside it all three are fine.
 */
#include <linux/mm.h>
#include <linux/mmap_lock.h>
#include <linux/pagemap.h>
#include <linux/uaccess.h>
#include <linux/errno.h>
#include "gup.h"

long pinned_io_bad(struct mm_struct *mm, unsigned long start,
		   void __user *ubuf, const void *kbuf)
{
	struct page *pages[1];
	long ret;

	ret = gup_pin_pages(start, 1, pages);
	lock_page(pages[0]);
	unlock_page(pages[0]);
	if (copy_to_user(ubuf, kbuf, 16))
		ret = -EFAULT;
	mmap_read_lock(mm);
	mm->total_vm++;
	mmap_read_unlock(mm);
	gup_unpin_pages(pages, 1);
	return ret;
}

long pinned_io_good(struct mm_struct *mm, unsigned long start,
		    void __user *ubuf, const void *kbuf)
{
	struct page *pages[1];
	long ret;

	ret = gup_pin_pages(start, 1, pages);
	mm->total_vm += ret;
	gup_unpin_pages(pages, 1);
	lock_page(pages[0]);
	unlock_page(pages[0]);
	if (copy_to_user(ubuf, kbuf, 16))
		ret = -EFAULT;
	down_read(&mm->mmap_sem);
	mm->total_vm++;
	up_read(&mm->mmap_sem);
	return ret;
}
