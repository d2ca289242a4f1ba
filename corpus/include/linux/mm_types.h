/*
 * Fake <linux/mm_types.h> for the lockgraph corpus. mmap_sem is the old
 * (pre-5.8) name of mm_struct.mmap_lock, as in the seed threads; the rules
 * alias it. mm_pinned_sem is the field proposed in seed 000.
 */
#ifndef _LINUX_MM_TYPES_H
#define _LINUX_MM_TYPES_H

#include <linux/types.h>
#include <linux/spinlock.h>
#include <linux/rwsem.h>

struct address_space;
struct file;

struct page {
	unsigned long flags;
	struct address_space *mapping;
	pgoff_t index;
	void *private;
};

struct mm_struct {
	struct rw_semaphore mmap_sem;
	struct rw_semaphore mm_pinned_sem;
	spinlock_t page_table_lock;
	atomic_t mm_count;
	unsigned long mmap_base;
	unsigned long total_vm;
};

struct vm_area_struct {
	struct mm_struct *vm_mm;
	unsigned long vm_start;
	unsigned long vm_end;
	unsigned long vm_flags;
	pgoff_t vm_pgoff;
	struct file *vm_file;
};

struct vm_fault {
	struct vm_area_struct *vma;
	unsigned long address;
	pgoff_t pgoff;
	unsigned int flags;
};

#endif
