/*
 * Fake <linux/jbd2.h>. jbd2__journal_start acquires the pseudo-lock
 * jbd2_handle (read) in the shipped rules; jbd2_journal_stop releases it.
 * j_trans_commit_map is the lockdep map the real jbd2 names "jbd2_handle".
 */
#ifndef _LINUX_JBD2_H
#define _LINUX_JBD2_H

#include <linux/types.h>
#include <linux/lockdep.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>

typedef struct journal_s journal_t;
typedef struct jbd2_journal_handle handle_t;

struct journal_s {
	unsigned long j_flags;
	spinlock_t j_state_lock;
	struct mutex j_checkpoint_mutex;
	struct lockdep_map j_trans_commit_map;
};

struct jbd2_journal_handle {
	journal_t *h_journal;
	int h_total_credits;
};

extern handle_t *jbd2__journal_start(journal_t *journal, int nblocks,
				     int rsv_blocks, int revoke_records,
				     gfp_t gfp_mask, unsigned int type,
				     unsigned int line_no);
extern handle_t *jbd2_journal_start(journal_t *journal, int nblocks);
extern int jbd2_journal_stop(handle_t *handle);

#endif
