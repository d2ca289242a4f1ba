/*
 * fs/aio.c after "aio: v3 ensure access to ctx->ring_pages is correctly
 * serialised for migration" (seed 002): ring_lock is held across
 * aio_setup_ring (mmap_sem for write), so aio_migratepage, which runs
 * under mmap_sem, may only trylock it.
 */
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/sched.h>
#include <linux/uaccess.h>
#include <linux/kernel.h>
#include <linux/errno.h>
#include "aio.h"

static int aio_setup_ring(struct kioctx *ctx)
{
	struct mm_struct *mm = current->mm;

	down_write(&mm->mmap_sem);
	ctx->mmap_base = mm->mmap_base;
	up_write(&mm->mmap_sem);
	return ctx->mmap_base ? 0 : -ENOMEM;
}

struct kioctx *ioctx_alloc(unsigned int nr_events)
{
	struct kioctx *ctx = kzalloc(sizeof(*ctx), GFP_KERNEL);
	int err;

	if (!ctx)
		return NULL;
	mutex_init(&ctx->ring_lock);
	mutex_lock(&ctx->ring_lock);
	err = aio_setup_ring(ctx);
	if (err < 0)
		goto err;
	mutex_unlock(&ctx->ring_lock);
	return ctx;
err:
	mutex_unlock(&ctx->ring_lock);
	kfree(ctx);
	return NULL;
}

long aio_read_events_ring(struct kioctx *ctx, struct io_event __user *event,
			  long nr)
{
	struct io_event ev = { 0, 0 };
	long ret = 0;

	mutex_lock(&ctx->ring_lock);
	if (ctx->head < nr) {
		if (copy_to_user(event, &ev, sizeof(ev)))
			ret = -EFAULT;
		else
			ret = 1;
	}
	mutex_unlock(&ctx->ring_lock);
	return ret;
}

static int aio_migratepage(struct address_space *mapping, struct page *new,
			   struct page *old)
{
	struct kioctx *ctx;
	unsigned long flags;
	pgoff_t idx;
	int rc = 0;

	spin_lock(&mapping->private_lock);
	ctx = mapping->private_data;
	if (!ctx) {
		rc = -EINVAL;
		goto out;
	}
	if (!mutex_trylock(&ctx->ring_lock)) {
		rc = -EAGAIN;
		goto out;
	}
	idx = old->index;
	if (idx < (pgoff_t)ctx->nr_pages && ctx->ring_pages[idx] == old) {
		spin_lock_irqsave(&ctx->completion_lock, flags);
		migrate_page_copy(new, old);
		ctx->ring_pages[idx] = new;
		spin_unlock_irqrestore(&ctx->completion_lock, flags);
	} else {
		rc = -EAGAIN;
	}
	mutex_unlock(&ctx->ring_lock);
out:
	spin_unlock(&mapping->private_lock);
	return rc;
}

const struct address_space_operations aio_ctx_aops = {
	.migratepage = aio_migratepage,
};
