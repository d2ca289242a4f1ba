/* lock_b held while c.c's c_work takes lock_c. */
#include "locks.h"

DEFINE_MUTEX(lock_b);

void b_work(void)
{
	mutex_lock(&lock_b);
	shared_counter++;
	mutex_unlock(&lock_b);
}

void b_then_c(void)
{
	mutex_lock(&lock_b);
	c_work();
	mutex_unlock(&lock_b);
}
