/* struct kioctx of fs/aio.c (seed 002, case-local). */
#ifndef _AIO_H
#define _AIO_H

#include <linux/fs.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>

struct io_event {
	unsigned long data;
	long res;
};

struct kioctx {
	struct mutex ring_lock;
	spinlock_t completion_lock;
	struct page **ring_pages;
	long nr_pages;
	unsigned int head;
	struct file *aio_ring_file;
	unsigned long mmap_base;
};

#endif
