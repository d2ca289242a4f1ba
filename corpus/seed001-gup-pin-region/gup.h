/* The proposed pin-section API of seed 001 (case-local). */
#ifndef _GUP_PIN_H
#define _GUP_PIN_H

#include <linux/mm_types.h>

extern long gup_pin_pages(unsigned long start, unsigned long nr_pages,
			  struct page **pages);
extern void gup_unpin_pages(struct page **pages, unsigned long nr_pages);

#endif
