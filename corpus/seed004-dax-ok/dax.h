/* Fake <linux/iomap.h> + <linux/dax.h> pieces for seed 004 (case-local). */
#ifndef _DAX_H
#define _DAX_H

#include <linux/fs.h>
#include <linux/mm_types.h>

struct iomap {
	unsigned long addr;
	loff_t offset;
	loff_t length;
	unsigned int type;
};

struct iomap_ops {
	int (*iomap_begin)(struct inode *inode, loff_t pos, loff_t length,
			   unsigned int flags, struct iomap *iomap);
	int (*iomap_end)(struct inode *inode, loff_t pos, loff_t length,
			 ssize_t written, unsigned int flags,
			 struct iomap *iomap);
};

#define IOMAP_WRITE	0x01u
#define IOMAP_FAULT	0x08u

/* The entry lock: the rules make these acquire/release "dax_entry". */
extern void *grab_mapping_entry(struct address_space *mapping, pgoff_t index,
				unsigned long size_flag);
extern void put_locked_mapping_entry(struct address_space *mapping,
				     pgoff_t index, void *entry);

extern int dax_iomap_pte_fault(struct vm_fault *vmf,
			       const struct iomap_ops *ops);
extern ssize_t dax_iomap_rw(struct inode *inode, loff_t pos, size_t len,
			    const struct iomap_ops *ops);
extern int dax_insert_entry(struct address_space *mapping, pgoff_t index,
			    unsigned long pfn);

#endif
