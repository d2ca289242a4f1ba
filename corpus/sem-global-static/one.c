/*
 * A file-static lock is named name@file: one.c's "lock" and two.c's
 * "lock" are distinct classes, lock@one.c and lock@two.c, and taking each
 * under the other is an inversion (not a self-deadlock).
 */
#include <linux/mutex.h>
#include "work.h"

static DEFINE_MUTEX(lock);
static int count;

void one_work(void)
{
	mutex_lock(&lock);
	count++;
	mutex_unlock(&lock);
}

void one_then_two(void)
{
	mutex_lock(&lock);
	two_work();
	mutex_unlock(&lock);
}
