/* Fake <linux/mm.h> for the lockgraph corpus. */
#ifndef _LINUX_MM_H
#define _LINUX_MM_H

#include <linux/types.h>
#include <linux/mm_types.h>

#define PAGE_SHIFT	12
#define PAGE_SIZE	(1UL << PAGE_SHIFT)
#define FOLL_WRITE	0x01u

/* gup: a "touch" of mm_struct.mmap_lock (read) in the shipped rules. */
extern long get_user_pages(unsigned long start, unsigned long nr_pages,
			   unsigned int gup_flags, struct page **pages);
extern void put_page(struct page *page);
extern void get_page(struct page *page);
extern void *page_address(struct page *page);
extern void migrate_page_copy(struct page *newpage, struct page *page);
extern void mmdrop(struct mm_struct *mm);
extern void mmgrab(struct mm_struct *mm);

#endif
