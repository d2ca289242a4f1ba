/*
 * seed 003 after the fix: the writer prefaults the source before the
 * transaction and copies atomically inside it, so no fault (and no
 * mmap_sem) can happen while the transaction is open.
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
	unsigned long left;

	if (count > sizeof(kbuf))
		count = sizeof(kbuf);
	if (fault_in_readable(buf, count))
		return -EFAULT;
	journal_begin(&th, inode->i_sb, 8);
	pagefault_disable();
	left = __copy_from_user_inatomic(kbuf, buf, count);
	pagefault_enable();
	journal_end(&th);
	*ppos += count - left;
	return count - left;
}

/* The same fix spelled with the faulting copy under pagefault_disable(). */
static ssize_t reiserfs_file_write_nofault(struct file *file,
					   const char __user *buf,
					   size_t count, loff_t *ppos)
{
	struct inode *inode = file_inode(file);
	struct reiserfs_transaction_handle th;
	char kbuf[64];
	unsigned long left;

	if (count > sizeof(kbuf))
		count = sizeof(kbuf);
	if (fault_in_readable(buf, count))
		return -EFAULT;
	journal_begin(&th, inode->i_sb, 8);
	pagefault_disable();
	left = copy_from_user(kbuf, buf, count);
	pagefault_enable();
	journal_end(&th);
	return count - left;
}

const struct file_operations reiserfs_file_operations = {
	.write = reiserfs_file_write,
	.mmap = reiserfs_file_mmap,
};

const struct file_operations reiserfs_nofault_file_operations = {
	.write = reiserfs_file_write_nofault,
	.mmap = reiserfs_file_mmap,
};

const struct super_operations reiserfs_sops = {
	.dirty_inode = reiserfs_dirty_inode,
};
