/*
 * mm/migrate.c side of seed 002: move_pages(2) migrates with mmap_sem
 * held for read and calls ->migratepage of the page's mapping.
 */
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/rwsem.h>
#include <linux/errno.h>

static int move_to_new_page(struct page *newpage, struct page *page)
{
	struct address_space *mapping = page->mapping;

	if (!mapping || !mapping->a_ops->migratepage)
		return -EINVAL;
	return mapping->a_ops->migratepage(mapping, newpage, page);
}

int migrate_pages(struct page *newpage, struct page *page)
{
	int rc = move_to_new_page(newpage, page);

	if (rc)
		put_page(newpage);
	return rc;
}

int do_move_pages(struct mm_struct *mm, struct page *newpage,
		  struct page *page)
{
	int err;

	down_read(&mm->mmap_sem);
	err = migrate_pages(newpage, page);
	up_read(&mm->mmap_sem);
	return err;
}
