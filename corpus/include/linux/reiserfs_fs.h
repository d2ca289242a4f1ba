/*
 * Fake reiserfs journal API (2.6-era fs/reiserfs). journal_begin acquires
 * the pseudo-lock journal_handle (read) in the shipped rules.
 */
#ifndef _LINUX_REISERFS_FS_H
#define _LINUX_REISERFS_FS_H

#include <linux/fs.h>

struct reiserfs_transaction_handle {
	struct super_block *t_super;
	int t_refcount;
	int t_blocks_allocated;
};

extern int journal_begin(struct reiserfs_transaction_handle *th,
			 struct super_block *sb, unsigned long nblocks);
extern int journal_end(struct reiserfs_transaction_handle *th);

#endif
