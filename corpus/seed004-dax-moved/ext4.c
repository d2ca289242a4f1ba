/*
 * ext4 side of seed 004: ->iomap_begin starts a transaction, and the
 * write path inserts a DAX entry (entry lock) inside a transaction.
 */
#include <linux/fs.h>
#include <linux/jbd2.h>
#include <linux/rwsem.h>
#include "dax.h"

struct ext4_inode_info {
	struct rw_semaphore i_mmap_sem;
	journal_t *journal;
	struct inode vfs_inode;
};

static struct ext4_inode_info *EXT4_I(struct inode *inode)
{
	return (struct ext4_inode_info *)((char *)inode -
		__builtin_offsetof(struct ext4_inode_info, vfs_inode));
}

static int ext4_iomap_begin(struct inode *inode, loff_t pos, loff_t length,
			    unsigned int flags, struct iomap *iomap)
{
	handle_t *handle;

	handle = jbd2__journal_start(EXT4_I(inode)->journal, 8, 0, 0,
				     GFP_NOFS, 0, __LINE__);
	iomap->offset = pos;
	iomap->length = length;
	jbd2_journal_stop(handle);
	return 0;
}

const struct iomap_ops ext4_iomap_ops = {
	.iomap_begin = ext4_iomap_begin,
};

int ext4_dax_fault(struct vm_fault *vmf)
{
	struct inode *inode = vmf->vma->vm_file->f_inode;
	int result;

	down_read(&EXT4_I(inode)->i_mmap_sem);
	result = dax_iomap_pte_fault(vmf, &ext4_iomap_ops);
	up_read(&EXT4_I(inode)->i_mmap_sem);
	return result;
}

ssize_t ext4_dax_write(struct inode *inode, loff_t pos, size_t len)
{
	handle_t *handle;
	ssize_t ret;

	ret = dax_iomap_rw(inode, pos, len, &ext4_iomap_ops);
	if (ret < 0)
		return ret;
	handle = jbd2__journal_start(EXT4_I(inode)->journal, 2, 0, 0,
				     GFP_NOFS, 0, __LINE__);
	dax_insert_entry(inode->i_mapping, (pgoff_t)(pos >> 12), 1);
	jbd2_journal_stop(handle);
	return ret;
}
