/* Entry points of the two translation units of sem-global-static. */
#ifndef _SEM_GLOBAL_STATIC_WORK_H
#define _SEM_GLOBAL_STATIC_WORK_H

void one_work(void);
void two_work(void);

#endif
