/* lock_c held while a.c's a_work takes lock_a: closes the cycle. */
#include "locks.h"

DEFINE_MUTEX(lock_c);

void c_work(void)
{
	mutex_lock(&lock_c);
	shared_counter++;
	mutex_unlock(&lock_c);
}

void c_then_a(void)
{
	mutex_lock(&lock_c);
	a_work();
	mutex_unlock(&lock_c);
}
