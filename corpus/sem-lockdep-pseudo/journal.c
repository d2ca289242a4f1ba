/*
 * A lockdep pseudo-lock named by lockdep_init_map, as jbd2 does: the class
 * of j_trans_commit_map is "jbd2_handle". start_this_handle returns with
 * it held for read (lock_acquire read=1); the handle holder takes
 * j_checkpoint_mutex, and the checkpoint path starts a handle under that
 * mutex: an inversion jbd2_handle <-> journal_s.j_checkpoint_mutex.
 */
#include <linux/jbd2.h>
#include <linux/lockdep.h>
#include <linux/mutex.h>

static struct lock_class_key jbd2_trans_commit_key;

void journal_init_locks(journal_t *j)
{
	mutex_init(&j->j_checkpoint_mutex);
	lockdep_init_map(&j->j_trans_commit_map, "jbd2_handle",
			 &jbd2_trans_commit_key, 0);
}

static void start_this_handle(journal_t *j)
{
	lock_acquire(&j->j_trans_commit_map, 0, 0, 1, 1, NULL, _THIS_IP_);
	j->j_flags |= 1;
}

static void stop_this_handle(journal_t *j)
{
	j->j_flags &= ~1UL;
	lock_release(&j->j_trans_commit_map, _THIS_IP_);
}

void write_metadata(journal_t *j)
{
	start_this_handle(j);
	mutex_lock(&j->j_checkpoint_mutex);
	j->j_flags |= 2;
	mutex_unlock(&j->j_checkpoint_mutex);
	stop_this_handle(j);
}

void checkpoint(journal_t *j)
{
	mutex_lock(&j->j_checkpoint_mutex);
	start_this_handle(j);
	j->j_flags &= ~2UL;
	stop_this_handle(j);
	mutex_unlock(&j->j_checkpoint_mutex);
}
