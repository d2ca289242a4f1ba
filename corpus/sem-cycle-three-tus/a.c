/* lock_a held while b.c's b_work takes lock_b. */
#include "locks.h"

DEFINE_MUTEX(lock_a);
int shared_counter;

void a_work(void)
{
	mutex_lock(&lock_a);
	shared_counter++;
	mutex_unlock(&lock_a);
}

void a_then_b(void)
{
	mutex_lock(&lock_a);
	b_work();
	mutex_unlock(&lock_a);
}
