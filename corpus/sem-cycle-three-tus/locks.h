/* Three global mutexes and their users, one per translation unit. */
#ifndef _SEM_CYCLE_LOCKS_H
#define _SEM_CYCLE_LOCKS_H

#include <linux/mutex.h>

extern struct mutex lock_a;
extern struct mutex lock_b;
extern struct mutex lock_c;
extern int shared_counter;

void a_work(void);
void b_work(void);
void c_work(void);

#endif
