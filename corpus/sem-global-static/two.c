/* two.c's own file-static "lock" (class lock@two.c); see one.c. */
#include <linux/mutex.h>
#include "work.h"

static DEFINE_MUTEX(lock);
static int count;

void two_work(void)
{
	mutex_lock(&lock);
	count++;
	mutex_unlock(&lock);
}

void two_then_one(void)
{
	mutex_lock(&lock);
	one_work();
	mutex_unlock(&lock);
}
