/*
 * fs/direct-io.c side of seed 000: a READ pins the mm (mm_pinned_sem for
 * read, non-owner) before gup, and the completion, possibly in another
 * context, releases it with up_read_non_owner.
 */
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/rwsem.h>
#include <linux/sched.h>
#include <linux/errno.h>

#define READ	0
#define WRITE	1

struct dio {
	int rw;
	int is_async;
	struct mm_struct *mm;
	unsigned long user_addr;
	struct page *pages[4];
	int head;
	int tail;
};

struct bio {
	void *bi_private;
};

static int dio_refill_pages(struct dio *dio)
{
	long ret;

	ret = get_user_pages(dio->user_addr, 4,
			     dio->rw == READ ? FOLL_WRITE : 0, dio->pages);
	if (ret < 0)
		return (int)ret;
	dio->head = 0;
	dio->tail = (int)ret;
	return 0;
}

static struct page *dio_get_page(struct dio *dio)
{
	if (dio->head == dio->tail && dio_refill_pages(dio))
		return NULL;
	return dio->pages[dio->head++];
}

static int do_direct_IO(struct dio *dio)
{
	struct page *page = dio_get_page(dio);

	return page ? 0 : -EFAULT;
}

static ssize_t dio_complete(struct dio *dio, ssize_t ret)
{
	if (dio->rw == READ) {
		up_read_non_owner(&dio->mm->mm_pinned_sem);
		mmdrop(dio->mm);
	}
	return ret;
}

void dio_bio_end_io(struct bio *bio)
{
	struct dio *dio = bio->bi_private;

	dio_complete(dio, 0);
}

ssize_t direct_io_worker(int rw, struct dio *dio)
{
	struct mm_struct *mm;
	ssize_t ret;

	dio->rw = rw;
	if (rw == READ) {
		mm = dio->mm = current->mm;
		mmgrab(mm);
		down_read_non_owner(&mm->mm_pinned_sem);
	}
	ret = do_direct_IO(dio);
	if (!dio->is_async)
		ret = dio_complete(dio, ret);
	return ret;
}
