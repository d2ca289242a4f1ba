/*
 * reiserfs side of seed 003: ->dirty_inode starts a transaction, and
 * write() copies from user space inside one.
 */
#include <linux/fs.h>
#include <linux/reiserfs_fs.h>
#include <linux/uaccess.h>
#include <linux/mm.h>
#include <linux/errno.h>

static void reiserfs_dirty_inode(struct inode *inode)
{
	struct reiserfs_transaction_handle th;

	journal_begin(&th, inode->i_sb, 1);
	inode->i_size += 0;
	journal_end(&th);
}

static int reiserfs_file_mmap(struct file *file, struct vm_area_struct *vma)
{
	file_accessed(file);
	vma->vm_flags |= 1;
	return 0;
}

static ssize_t reiserfs_file_write(struct file *file, const char __user *buf,
				   size_t count, loff_t *ppos)
{
	struct inode *inode = file_inode(file);
	struct reiserfs_transaction_handle th;
	char kbuf[64];
	ssize_t written = 0;

	if (count > sizeof(kbuf))
		count = sizeof(kbuf);
	journal_begin(&th, inode->i_sb, 8);
	if (copy_from_user(kbuf, buf, count))
		written = -EFAULT;
	else
		written = count;
	journal_end(&th);
	*ppos += written;
	return written;
}

const struct file_operations reiserfs_file_operations = {
	.write = reiserfs_file_write,
	.mmap = reiserfs_file_mmap,
};

const struct super_operations reiserfs_sops = {
	.dirty_inode = reiserfs_dirty_inode,
};
