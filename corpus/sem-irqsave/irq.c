/*
 * spin_lock_irqsave is a macro over _raw_spin_lock_irqsave(&lock->rlock):
 * the class is still foo.a / foo.b. nest() takes foo.b under foo.a
 * (shown against rev_ba) and releases both with irqrestore, so foo.c taken
 * afterwards has no edge from them (rev_c would close a cycle). Every
 * acquisition runs with interrupts disabled, and no lock is used in irq
 * context: no irq finding.
 */
#include <linux/spinlock.h>

struct foo {
	spinlock_t a;
	spinlock_t b;
	spinlock_t c;
	int v;
};

void nest(struct foo *x)
{
	unsigned long flags, flags2;

	spin_lock_irqsave(&x->a, flags);
	spin_lock_irqsave(&x->b, flags2);
	x->v++;
	spin_unlock_irqrestore(&x->b, flags2);
	spin_unlock_irqrestore(&x->a, flags);
	spin_lock_irq(&x->c);
	x->v--;
	spin_unlock_irq(&x->c);
}

void rev_ba(struct foo *x)
{
	unsigned long flags;

	spin_lock_irqsave(&x->b, flags);
	spin_lock(&x->a);
	x->v = 0;
	spin_unlock(&x->a);
	spin_unlock_irqrestore(&x->b, flags);
}

void rev_c(struct foo *x)
{
	spin_lock_irq(&x->c);
	spin_lock(&x->a);
	spin_unlock(&x->a);
	spin_lock(&x->b);
	spin_unlock(&x->b);
	spin_unlock_irq(&x->c);
}
