/* Fake <linux/sched.h> for the lockgraph corpus: current and its mm. */
#ifndef _LINUX_SCHED_H
#define _LINUX_SCHED_H

#include <linux/types.h>

struct mm_struct;

struct task_struct {
	struct mm_struct *mm;
	void *journal_info;
	pid_t pid;
};

extern struct task_struct *get_current(void);
#define current get_current()

#endif
