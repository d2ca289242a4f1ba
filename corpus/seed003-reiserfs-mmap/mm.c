/*
 * VFS/mm side of seed 003: do_mmap_pgoff holds mmap_sem for write across
 * ->mmap, and the atime update reaches ->dirty_inode.
 */
#include <linux/fs.h>
#include <linux/mm_types.h>
#include <linux/mmap_lock.h>
#include <linux/sched.h>
#include <linux/errno.h>

void mark_inode_dirty(struct inode *inode)
{
	struct super_block *sb = inode->i_sb;

	if (sb->s_op && sb->s_op->dirty_inode)
		sb->s_op->dirty_inode(inode);
}

void touch_atime(struct file *file)
{
	struct inode *inode = file_inode(file);

	inode->i_atime++;
	mark_inode_dirty(inode);
}

void file_accessed(struct file *file)
{
	if (!(file->f_flags & 1u))
		touch_atime(file);
}

unsigned long do_mmap_pgoff(struct file *file, struct vm_area_struct *vma,
			    unsigned long addr, unsigned long len)
{
	struct mm_struct *mm = current->mm;
	int error;

	mmap_write_lock(mm);
	vma->vm_mm = mm;
	vma->vm_start = addr;
	vma->vm_end = addr + len;
	vma->vm_file = file;
	error = file->f_op->mmap(file, vma);
	mmap_write_unlock(mm);
	if (error)
		return (unsigned long)-EINVAL;
	return addr;
}
