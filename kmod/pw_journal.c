// SPDX-License-Identifier: GPL-2.0
/*
 * The journal file: the changes the kernel announces to the MMU notifiers
 * of the bound address space, one record per invalidate_range_start(), in
 * a ring per open file (include/pagewatch/abi.h).
 *
 * Locking, checked against mm/mmu_notifier.c and its callers on 6.1 and
 * 6.12:
 * - invalidate_range_start() runs in the task that changes the target's
 *   page tables, before it takes the PTE locks, with the mmap lock, the
 *   i_mmap or anon_vma rwsem or nothing held, and for a range that is not
 *   blockable (the OOM reaper, mmu_notifier_invalidate_range_start_nonblock)
 *   where it must not sleep. So the callbacks only append under
 *   ring_lock, a raw spinlock held for one record's copy (no sleeping on
 *   PREEMPT_RT either), allocate nothing, never fail the invalidation
 *   (they return 0) and wake readers after dropping the lock.
 * - release() runs from exit_mmap() (the subscription is then unhashed)
 *   or from our own mmu_notifier_unregister(), where unbinding tells it
 *   not to log an exit that did not happen.
 * - lock, a mutex, serialises bind, resize and read; the callbacks never
 *   take it. mmu_notifier_unregister() waits for running callbacks
 *   (synchronize_srcu()) before a ring is freed or reused.
 * - mmu_notifier_register() takes the target's mmap lock for writing once
 *   and an mm_count reference that mmu_notifier_unregister() drops.
 */
#include <linux/ctype.h>
#include <linux/log2.h>
#include <linux/mmu_notifier.h>
#include <linux/poll.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>
#include <linux/wait.h>

#include "pw.h"

/* Records one read() copies at most (64 KiB) */
#define PW_JOURNAL_READ_MAX	1024

struct pw_journal {
	struct mmu_notifier mn;
	struct mutex lock;		/* bind, resize and read */
	struct mm_struct *mm;		/* registered on; NULL when unbound */
	wait_queue_head_t wait;
	raw_spinlock_t ring_lock;	/* the ring and the fields below */
	struct pagewatch_journal_record *ring;
	u32 size;			/* records, a power of two */
	u32 head;			/* the oldest record */
	u32 count;
	u64 seq;
	bool exited;
	bool unbinding;
};

static u16 pw_journal_kind(enum mmu_notifier_event event)
{
	switch (event) {
	case MMU_NOTIFY_UNMAP:
		return PAGEWATCH_JOURNAL_UNMAP;
	case MMU_NOTIFY_CLEAR:
		return PAGEWATCH_JOURNAL_CLEAR;
	case MMU_NOTIFY_PROTECTION_VMA:
		return PAGEWATCH_JOURNAL_PROTECTION_VMA;
	case MMU_NOTIFY_PROTECTION_PAGE:
		return PAGEWATCH_JOURNAL_PROTECTION_PAGE;
	case MMU_NOTIFY_SOFT_DIRTY:
		return PAGEWATCH_JOURNAL_SOFT_DIRTY;
	case MMU_NOTIFY_RELEASE:
		return PAGEWATCH_JOURNAL_RELEASE;
	case MMU_NOTIFY_MIGRATE:
		return PAGEWATCH_JOURNAL_MIGRATE;
	case MMU_NOTIFY_EXCLUSIVE:
		return PAGEWATCH_JOURNAL_EXCLUSIVE;
	default:
		return PAGEWATCH_JOURNAL_OTHER;
	}
}

/*
 * Append one record under ring_lock. When the ring is full its last
 * record is an overflow record, which counts what is dropped; the record
 * that fills the last slot becomes that overflow record (an exit is kept).
 */
static void pw_journal_append(struct pw_journal *j, u16 kind, u16 flags,
			      unsigned long start, unsigned long end)
{
	struct pagewatch_journal_record *rec;
	u64 now = ktime_get_ns();
	unsigned long irqflags;

	raw_spin_lock_irqsave(&j->ring_lock, irqflags);
	if (!j->ring || j->exited)
		goto out_unlock;
	j->seq++;
	if (j->count == j->size) {
		rec = &j->ring[(j->head + j->count - 1) & (j->size - 1)];
		le64_add_cpu(&rec->lost, 1);
		goto out_unlock;
	}
	rec = &j->ring[(j->head + j->count) & (j->size - 1)];
	j->count++;
	memset(rec, 0, sizeof(*rec));
	rec->time_ns = cpu_to_le64(now);
	rec->seq = cpu_to_le64(j->seq);
	if (j->count == j->size && kind != PAGEWATCH_JOURNAL_EXITED) {
		rec->kind = cpu_to_le16(PAGEWATCH_JOURNAL_OVERFLOW);
		rec->lost = cpu_to_le64(1);
		goto out_unlock;
	}
	rec->start = cpu_to_le64(start);
	rec->end = cpu_to_le64(end);
	rec->kind = cpu_to_le16(kind);
	rec->flags = cpu_to_le16(flags);
	rec->cause_pid = cpu_to_le32(current->tgid);
	/* our own task's comm: a torn read by a racing prctl is harmless */
	strscpy_pad(rec->cause_comm, current->comm, sizeof(rec->cause_comm));
out_unlock:
	raw_spin_unlock_irqrestore(&j->ring_lock, irqflags);
}

static int pw_journal_invalidate(struct mmu_notifier *mn,
				 const struct mmu_notifier_range *range)
{
	struct pw_journal *j = container_of(mn, struct pw_journal, mn);

	pw_journal_append(j, pw_journal_kind(range->event),
			  mmu_notifier_range_blockable(range) ?
			  PAGEWATCH_JOURNAL_F_BLOCKABLE : 0,
			  range->start, range->end);
	wake_up_interruptible_poll(&j->wait, EPOLLIN | EPOLLRDNORM);
	return 0;
}

static void pw_journal_release(struct mmu_notifier *mn, struct mm_struct *mm)
{
	struct pw_journal *j = container_of(mn, struct pw_journal, mn);
	unsigned long irqflags;
	bool unbinding;

	raw_spin_lock_irqsave(&j->ring_lock, irqflags);
	unbinding = j->unbinding;
	raw_spin_unlock_irqrestore(&j->ring_lock, irqflags);
	if (unbinding)
		return;
	pw_journal_append(j, PAGEWATCH_JOURNAL_EXITED, 0, 0, 0);
	raw_spin_lock_irqsave(&j->ring_lock, irqflags);
	j->exited = true;
	raw_spin_unlock_irqrestore(&j->ring_lock, irqflags);
	wake_up_interruptible_poll(&j->wait, EPOLLIN | EPOLLRDNORM);
}

static const struct mmu_notifier_ops pw_journal_ops = {
	.invalidate_range_start = pw_journal_invalidate,
	.release = pw_journal_release,
};

/* Empty the ring for a new binding or size; the caller holds lock. */
static void pw_journal_reset(struct pw_journal *j,
			     struct pagewatch_journal_record *ring, u32 size)
{
	raw_spin_lock_irq(&j->ring_lock);
	if (ring) {
		j->ring = ring;
		j->size = size;
	}
	j->head = 0;
	j->count = 0;
	j->seq = 0;
	j->exited = false;
	raw_spin_unlock_irq(&j->ring_lock);
}

/*
 * Leave the bound address space: no callback runs once this returns.
 * The caller holds lock.
 */
static void pw_journal_unbind(struct pw_journal *j)
{
	if (!j->mm)
		return;
	raw_spin_lock_irq(&j->ring_lock);
	j->unbinding = true;
	raw_spin_unlock_irq(&j->ring_lock);
	/* calls release() if exit_mmap() has not, then synchronize_srcu() */
	mmu_notifier_unregister(&j->mn, j->mm);
	j->mm = NULL;
	raw_spin_lock_irq(&j->ring_lock);
	j->unbinding = false;
	raw_spin_unlock_irq(&j->ring_lock);
}

static int pw_journal_bind(struct pw_journal *j, pid_t nr)
{
	struct mm_struct *mm;
	int ret;

	/* every bind checks the writer, whoever opened the file */
	ret = pw_bind_mm(nr, &mm);
	if (ret)
		return ret;
	/* registering needs mm_users: the address space must still exist */
	if (!mmget_not_zero(mm)) {
		mmdrop(mm);
		return -ESRCH;
	}
	mutex_lock(&j->lock);
	pw_journal_unbind(j);
	pw_journal_reset(j, NULL, 0);
	memset(&j->mn, 0, sizeof(j->mn));
	j->mn.ops = &pw_journal_ops;
	ret = mmu_notifier_register(&j->mn, mm);
	if (!ret)
		j->mm = mm;
	mutex_unlock(&j->lock);
	mmput(mm);
	mmdrop(mm);
	return ret;
}

static int pw_journal_resize(struct pw_journal *j, u32 size)
{
	struct pagewatch_journal_record *ring, *old;

	if (size < PAGEWATCH_JOURNAL_RING_MIN ||
	    size > PAGEWATCH_JOURNAL_RING_MAX || !is_power_of_2(size))
		return -EINVAL;
	ring = kvcalloc(size, sizeof(*ring), GFP_KERNEL);
	if (!ring)
		return -ENOMEM;
	mutex_lock(&j->lock);
	old = j->ring;
	/* the callbacks see the old ring or the new one, never neither */
	pw_journal_reset(j, ring, size);
	mutex_unlock(&j->lock);
	kvfree(old);
	return 0;
}

/* "PID" binds, "size N" resizes; -EINVAL for anything else */
static ssize_t pw_journal_write(struct file *file, const char __user *ubuf,
				size_t count, loff_t *ppos)
{
	struct pw_journal *j = file->private_data;
	char buf[32], *arg;
	u32 size;
	int ret, pid;

	if (count >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = '\0';
	arg = strim(buf);
	if (!strncmp(arg, "size", 4) && isspace(arg[4])) {
		if (kstrtou32(skip_spaces(arg + 4), 10, &size))
			return -EINVAL;
		ret = pw_journal_resize(j, size);
	} else {
		if (kstrtoint(arg, 10, &pid) || pid <= 0)
			return -EINVAL;
		ret = pw_journal_bind(j, pid);
	}
	return ret ? ret : count;
}

/* Is there something for read() to return (a record, or the end)? */
static bool pw_journal_ready(struct pw_journal *j)
{
	bool ready;

	raw_spin_lock_irq(&j->ring_lock);
	ready = j->count || j->exited;
	raw_spin_unlock_irq(&j->ring_lock);
	return ready;
}

/* Move up to @n of the oldest records to @buf; how many */
static u32 pw_journal_take(struct pw_journal *j,
			   struct pagewatch_journal_record *buf, u32 n)
{
	u32 i;

	raw_spin_lock_irq(&j->ring_lock);
	n = min(n, j->count);
	for (i = 0; i < n; i++)
		buf[i] = j->ring[(j->head + i) & (j->size - 1)];
	j->head = (j->head + n) & (j->size - 1);
	j->count -= n;
	raw_spin_unlock_irq(&j->ring_lock);
	return n;
}

/* Wait, without lock, until a record or the end is there */
static int pw_journal_wait(struct pw_journal *j, struct file *file)
{
	if (file->f_flags & O_NONBLOCK)
		return -EAGAIN;
	mutex_unlock(&j->lock);
	if (wait_event_interruptible(j->wait, pw_journal_ready(j))) {
		mutex_lock(&j->lock);
		return -EINTR;
	}
	mutex_lock(&j->lock);
	return 0;
}

static ssize_t pw_journal_read(struct file *file, char __user *ubuf,
			       size_t count, loff_t *ppos)
{
	struct pw_journal *j = file->private_data;
	struct pagewatch_journal_record *buf;
	u32 want = min_t(size_t, count / sizeof(*buf), PW_JOURNAL_READ_MAX);
	u32 got = 0;
	ssize_t ret;

	if (!want)
		return -EINVAL;
	buf = kvmalloc_array(want, sizeof(*buf), GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	mutex_lock(&j->lock);
	for (;;) {
		ret = -ENXIO;
		if (!j->mm)
			break;
		got = pw_journal_take(j, buf, want);
		ret = 0;
		if (got || j->exited)
			break;
		ret = pw_journal_wait(j, file);
		if (ret)
			break;
	}
	/* only lock is held: a fault on @ubuf may run our callbacks */
	if (got && copy_to_user(ubuf, buf, got * sizeof(*buf)))
		ret = -EFAULT;
	else if (got)
		ret = got * sizeof(*buf);
	mutex_unlock(&j->lock);
	kvfree(buf);
	return ret;
}

static __poll_t pw_journal_poll(struct file *file, poll_table *wait)
{
	struct pw_journal *j = file->private_data;

	poll_wait(file, &j->wait, wait);
	if (!READ_ONCE(j->mm))
		return EPOLLERR;
	return pw_journal_ready(j) ? EPOLLIN | EPOLLRDNORM : 0;
}

static int pw_journal_open(struct inode *inode, struct file *file)
{
	struct pw_journal *j;
	int ret;

	ret = pw_open_check(inode, file);
	if (ret)
		return ret;
	j = kzalloc(sizeof(*j), GFP_KERNEL);
	if (!j)
		return -ENOMEM;
	j->ring = kvcalloc(PAGEWATCH_JOURNAL_RING, sizeof(*j->ring),
			   GFP_KERNEL);
	if (!j->ring) {
		kfree(j);
		return -ENOMEM;
	}
	j->size = PAGEWATCH_JOURNAL_RING;
	mutex_init(&j->lock);
	raw_spin_lock_init(&j->ring_lock);
	init_waitqueue_head(&j->wait);
	file->private_data = j;
	return nonseekable_open(inode, file);
}

static int pw_journal_release_file(struct inode *inode, struct file *file)
{
	struct pw_journal *j = file->private_data;

	mutex_lock(&j->lock);
	pw_journal_unbind(j);
	mutex_unlock(&j->lock);
	mutex_destroy(&j->lock);
	kvfree(j->ring);
	kfree(j);
	return 0;
}

const struct file_operations pw_journal_fops = {
	.owner = THIS_MODULE,
	.open = pw_journal_open,
	.release = pw_journal_release_file,
	.read = pw_journal_read,
	.write = pw_journal_write,
	.poll = pw_journal_poll,
	/* no llseek: nonseekable_open() makes lseek() fail with -ESPIPE */
};

/* Before the module text goes: no notifier callback of ours is queued */
void pw_journal_exit(void)
{
	mmu_notifier_synchronize();
}
