/*
 * Fake <linux/fs.h> for the lockgraph corpus. Ops tables are structs of
 * function pointers, filled by designated initialisers in the cases.
 * file_accessed/touch_atime/mark_inode_dirty are only declared: a case
 * that needs a chain through them defines them in its own .c files.
 */
#ifndef _LINUX_FS_H
#define _LINUX_FS_H

#include <linux/types.h>
#include <linux/spinlock.h>
#include <linux/rwsem.h>
#include <linux/mm_types.h>

struct file;
struct inode;
struct super_block;
struct address_space;
struct kiocb;
struct iov_iter;

struct file_operations {
	loff_t (*llseek)(struct file *, loff_t, int);
	ssize_t (*read)(struct file *, char __user *, size_t, loff_t *);
	ssize_t (*write)(struct file *, const char __user *, size_t, loff_t *);
	int (*mmap)(struct file *, struct vm_area_struct *);
	int (*open)(struct inode *, struct file *);
	int (*release)(struct inode *, struct file *);
};

struct super_operations {
	struct inode *(*alloc_inode)(struct super_block *sb);
	void (*dirty_inode)(struct inode *);
	int (*sync_fs)(struct super_block *sb, int wait);
};

struct address_space_operations {
	int (*writepage)(struct page *page);
	int (*migratepage)(struct address_space *, struct page *,
			   struct page *);
};

struct address_space {
	struct inode *host;
	spinlock_t private_lock;
	struct rw_semaphore i_mmap_rwsem;
	const struct address_space_operations *a_ops;
	void *private_data;
	unsigned long nrpages;
};

struct super_block {
	const struct super_operations *s_op;
	void *s_fs_info;
	unsigned long s_flags;
};

struct inode {
	struct super_block *i_sb;
	struct address_space *i_mapping;
	struct rw_semaphore i_rwsem;
	unsigned long i_ino;
	loff_t i_size;
	unsigned long i_atime;
};

struct file {
	const struct file_operations *f_op;
	struct inode *f_inode;
	struct address_space *f_mapping;
	void *private_data;
	unsigned int f_flags;
};

static inline struct inode *file_inode(const struct file *f)
{
	return f->f_inode;
}

extern void file_accessed(struct file *file);
extern void touch_atime(struct file *file);
extern void mark_inode_dirty(struct inode *inode);

#endif
