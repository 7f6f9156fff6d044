// SPDX-License-Identifier: GPL-2.0
/*
 * The binary files, modelled on /proc/PID/pagemap and /proc/kpagecount:
 * fixed-size records at offset index * PAGEWATCH_RECORD_SIZE.
 *
 *   pages  index = virtual page number of the bound address space
 *   kpage  index = PFN
 */
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "pw.h"

/* Private data of an open pages file */
struct pw_pages {
	struct mutex lock;	/* serialises binding against reads */
	struct mm_struct *mm;	/* mmgrab()ed; NULL until a PID is written */
};

/*
 * Copy the records from *@ppos on, batch by batch: fill a kernel buffer
 * (fill() drops its locks before returning), then copy_to_user() with no
 * lock held. Returns the bytes copied, or -errno if none were.
 */
static ssize_t pw_read_records(struct pw_source *src, char __user *ubuf,
			       size_t count, loff_t *ppos)
{
	struct pagewatch_page *buf;
	unsigned long index, left;
	size_t done = 0;
	long ret = 0;

	if (*ppos < 0 || *ppos % PAGEWATCH_RECORD_SIZE ||
	    count % PAGEWATCH_RECORD_SIZE)
		return -EINVAL;
	index = *ppos / PAGEWATCH_RECORD_SIZE;
	if (index >= src->end)
		return 0;
	left = min_t(unsigned long, count / PAGEWATCH_RECORD_SIZE,
		     src->end - index);
	if (!left)
		return 0;
	buf = kvmalloc(PW_BATCH_BYTES, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;

	while (left) {
		ret = src->fill(src, index, left, buf);
		if (ret <= 0)
			break;
		if (copy_to_user(ubuf + done, buf,
				 ret * PAGEWATCH_RECORD_SIZE)) {
			ret = -EFAULT;
			break;
		}
		done += ret * PAGEWATCH_RECORD_SIZE;
		index += ret;
		left -= ret;
		cond_resched();
		if (fatal_signal_pending(current)) {
			ret = -EINTR;
			break;
		}
	}
	kvfree(buf);
	*ppos += done;
	return done ? done : ret;
}

static int pw_pages_open(struct inode *inode, struct file *file)
{
	struct pw_pages *pp;
	int ret;

	ret = pw_open_check(inode, file);
	if (ret)
		return ret;
	pp = kzalloc(sizeof(*pp), GFP_KERNEL);
	if (!pp)
		return -ENOMEM;
	mutex_init(&pp->lock);
	file->private_data = pp;
	return 0;
}

static int pw_pages_release(struct inode *inode, struct file *file)
{
	struct pw_pages *pp = file->private_data;

	if (pp->mm)
		mmdrop(pp->mm);
	mutex_destroy(&pp->lock);
	kfree(pp);
	return 0;
}

/* Decimal PID, surrounding white space allowed; -EINVAL otherwise */
static int pw_parse_pid(const char __user *ubuf, size_t count, pid_t *pid)
{
	char buf[24];
	int val;

	if (count >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = '\0';
	if (kstrtoint(strim(buf), 10, &val) || val <= 0)
		return -EINVAL;
	*pid = val;
	return 0;
}

static ssize_t pw_pages_write(struct file *file, const char __user *ubuf,
			      size_t count, loff_t *ppos)
{
	struct pw_pages *pp = file->private_data;
	struct mm_struct *mm, *old;
	pid_t pid;
	int ret;

	ret = pw_parse_pid(ubuf, count, &pid);
	if (ret)
		return ret;
	/* every bind checks the writer, whoever opened the file */
	ret = pw_bind_mm(pid, &mm);
	if (ret)
		return ret;
	mutex_lock(&pp->lock);
	old = pp->mm;
	pp->mm = mm;
	mutex_unlock(&pp->lock);
	if (old)
		mmdrop(old);
	return count;
}

/*
 * The bound address space with an mm_users reference for the caller to
 * mmput(): -ENXIO before a PID was written, -ESRCH once the target exited.
 */
static struct mm_struct *pw_pages_mm(struct pw_pages *pp)
{
	struct mm_struct *mm;

	mutex_lock(&pp->lock);
	mm = pp->mm;
	if (!mm)
		mm = ERR_PTR(-ENXIO);
	else if (!mmget_not_zero(mm))
		mm = ERR_PTR(-ESRCH);
	mutex_unlock(&pp->lock);
	return mm;
}

static ssize_t pw_pages_read(struct file *file, char __user *ubuf,
			     size_t count, loff_t *ppos)
{
	struct mm_struct *mm = pw_pages_mm(file->private_data);
	struct pw_source src;
	ssize_t ret;

	if (IS_ERR(mm))
		return PTR_ERR(mm);
	pw_source_pid(&src, mm);
	ret = pw_read_records(&src, ubuf, count, ppos);
	mmput(mm);
	return ret;
}

/*
 * SEEK_DATA / SEEK_HOLE: the offset of the first record at or after
 * @offset that has a flag set (data) or none (a hole), found without
 * visiting empty page-table levels; the end of the address space is the
 * hole every file ends with. -ENXIO from an offset at or past that end,
 * and for SEEK_DATA when no data follows. Other whences as default_llseek.
 */
static loff_t pw_pages_llseek(struct file *file, loff_t offset, int whence)
{
	unsigned long index, end, found;
	struct mm_struct *mm;
	loff_t pos;
	int ret;

	if (whence != SEEK_DATA && whence != SEEK_HOLE)
		return default_llseek(file, offset, whence);
	mm = pw_pages_mm(file->private_data);
	if (IS_ERR(mm))
		return PTR_ERR(mm);
	end = mm->task_size >> PAGE_SHIFT;
	ret = -ENXIO;
	if (offset < 0 || offset / PAGEWATCH_RECORD_SIZE >= end)
		goto out;
	index = offset / PAGEWATCH_RECORD_SIZE;
	ret = pw_seek(mm, index, end, whence == SEEK_DATA, &found);
	if (ret)
		goto out;
	ret = -ENXIO;
	if (whence == SEEK_DATA && found == end)
		goto out;
	/* inside the record asked about: that offset itself */
	pos = found == index ? offset : (loff_t)found * PAGEWATCH_RECORD_SIZE;
	mmput(mm);
	return vfs_setpos(file, pos, (loff_t)end * PAGEWATCH_RECORD_SIZE);
out:
	mmput(mm);
	return ret;
}

/*
 * PAGEWATCH_IOC_COUNT: the records of [start, end) counted, not copied.
 * The range is checked before the mm is taken, against the bound address
 * space's end after; the counts go back only when the whole range was
 * counted.
 */
static long pw_pages_count(struct pw_pages *pp,
			   struct pagewatch_count __user *uc)
{
	struct pagewatch_count *c;
	struct mm_struct *mm;
	struct pw_source src;
	u64 start, end;
	long ret;

	if (get_user(start, &uc->start) || get_user(end, &uc->end))
		return -EFAULT;
	if (start >= end || !PAGE_ALIGNED(start) || !PAGE_ALIGNED(end))
		return -EINVAL;
	mm = pw_pages_mm(pp);
	if (IS_ERR(mm))
		return PTR_ERR(mm);
	pw_source_pid(&src, mm);
	ret = -EINVAL;
	if (end >> PAGE_SHIFT > src.end)
		goto out_mmput;
	ret = -ENOMEM;
	c = kzalloc(sizeof(*c), GFP_KERNEL);
	if (!c)
		goto out_mmput;
	c->start = start;
	c->end = end;
	ret = pw_count_records(&src, start >> PAGE_SHIFT,
			       (end - start) >> PAGE_SHIFT, c);
	if (!ret && copy_to_user(uc, c, sizeof(*c)))
		ret = -EFAULT;
	kfree(c);
out_mmput:
	mmput(mm);
	return ret;
}

static long pw_pages_ioctl(struct file *file, unsigned int cmd,
			   unsigned long arg)
{
	if (cmd != PAGEWATCH_IOC_COUNT)
		return -ENOTTY;
	return pw_pages_count(file->private_data, (void __user *)arg);
}

const struct file_operations pw_pages_fops = {
	.owner = THIS_MODULE,
	.open = pw_pages_open,
	.release = pw_pages_release,
	.read = pw_pages_read,
	.write = pw_pages_write,
	.llseek = pw_pages_llseek,
	/* struct pagewatch_count is laid out alike for 32-bit callers */
	.unlocked_ioctl = pw_pages_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};

static ssize_t pw_kpage_read(struct file *file, char __user *ubuf,
			     size_t count, loff_t *ppos)
{
	struct pw_source src;

	pw_source_pfn(&src);
	return pw_read_records(&src, ubuf, count, ppos);
}

const struct file_operations pw_kpage_fops = {
	.owner = THIS_MODULE,
	.open = pw_open_check,
	.read = pw_kpage_read,
	.llseek = default_llseek,
};
