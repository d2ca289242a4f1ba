/* Fake <linux/pagemap.h>: the page lock (class PG_locked in the rules). */
#ifndef _LINUX_PAGEMAP_H
#define _LINUX_PAGEMAP_H

#include <linux/mm_types.h>

extern void lock_page(struct page *page);
extern void unlock_page(struct page *page);
extern int trylock_page(struct page *page);

#endif
