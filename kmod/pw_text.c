// SPDX-License-Identifier: GPL-2.0
/*
 * The text view: one line per page of the target, made from the same
 * records as the binary files, filled a batch at a time.
 *
 *   # addr pfn node order refcount mapcount pincount flags
 *   7f0000001000 1234a 0 0 1 1 0 present,anon,write,dirty,young
 *
 * addr is "-" for a PFN target; node is "-" for PAGEWATCH_NODE_NONE;
 * flags is "-" when no flag is set.
 */
#include <linux/mm.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/seq_file.h>
#include <linux/slab.h>

#include "pw.h"

/* Private data of an open text file */
struct pw_text {
	struct pw_target target;	/* snapshot, with its own get_pid() */
	struct mm_struct *mm;		/* PID target: mmgrab()ed at open */
	struct pw_source src;
	unsigned long first;		/* index of the first line's record */
	unsigned long base;		/* index of buf[0] */
	unsigned long nr;		/* records valid in buf */
	struct pagewatch_page buf[PW_BATCH];
};

static int pw_text_refill(struct pw_text *t, unsigned long index)
{
	struct mm_struct *mm = t->src.mm;
	long ret;

	t->nr = 0;
	/*
	 * seq_lseek() and a read far into the file format every line before
	 * the offset, up to PW_TEXT_MAX_PAGES of them: let a kill end it
	 */
	if (fatal_signal_pending(current))
		return -EINTR;
	if (mm && !mmget_not_zero(mm))
		return -ESRCH;
	ret = t->src.fill(&t->src, index, t->src.end - index, t->buf);
	if (mm)
		mmput(mm);
	if (ret < 0)
		return ret;
	t->base = index;
	t->nr = ret;
	cond_resched();
	return 0;
}

/* Line @pos: 0 is the header, then one record per page */
static void *pw_text_line(struct seq_file *m, loff_t pos)
{
	struct pw_text *t = m->private;
	unsigned long index;
	int ret;

	if (!pos)
		return SEQ_START_TOKEN;
	if (pos < 0 || (unsigned long)pos - 1 >= t->src.end - t->first)
		return NULL;
	index = t->first + (unsigned long)pos - 1;
	if (index < t->base || index - t->base >= t->nr) {
		ret = pw_text_refill(t, index);
		if (ret)
			return ERR_PTR(ret);
	}
	return &t->buf[index - t->base];
}

static void *pw_text_start(struct seq_file *m, loff_t *pos)
{
	return pw_text_line(m, *pos);
}

static void *pw_text_next(struct seq_file *m, void *v, loff_t *pos)
{
	++*pos;
	return pw_text_line(m, *pos);
}

static void pw_text_stop(struct seq_file *m, void *v)
{
}

static int pw_text_show(struct seq_file *m, void *v)
{
	struct pw_text *t = m->private;
	const struct pagewatch_page *rec = v;
	unsigned long index;

	if (v == SEQ_START_TOKEN) {
		seq_puts(m, "# addr pfn node order refcount mapcount pincount flags\n");
		return 0;
	}
	index = t->base + (rec - t->buf);
	if (t->target.kind == PW_TARGET_PID)
		seq_printf(m, "%lx ", index << PAGE_SHIFT);
	else
		seq_puts(m, "- ");
	seq_printf(m, "%llx ", le64_to_cpu(rec->pfn));
	if (le16_to_cpu(rec->node) == PAGEWATCH_NODE_NONE)
		seq_puts(m, "- ");
	else
		seq_printf(m, "%u ", le16_to_cpu(rec->node));
	seq_printf(m, "%u %u %u %u ", rec->order, le32_to_cpu(rec->refcount),
		   le32_to_cpu(rec->mapcount), le32_to_cpu(rec->pincount));
	pw_seq_flags(m, le64_to_cpu(rec->flags));
	return 0;
}

static const struct seq_operations pw_text_seq_ops = {
	.start = pw_text_start,
	.next = pw_text_next,
	.stop = pw_text_stop,
	.show = pw_text_show,
};

/*
 * Point the record source at the snapshot; -ENXIO when no target is set.
 * A PID target is bound here, at open, with the opener's bind checks
 * (-EPERM), and only while its process lives (-ESRCH): the target setting
 * keeps no address space alive.
 */
static int pw_text_source(struct pw_text *t)
{
	int ret;

	switch (t->target.kind) {
	case PW_TARGET_PID:
		ret = pw_bind_check();
		if (!ret)
			ret = pw_mm_of_pid(t->target.pid, &t->mm);
		if (ret)
			return ret;
		pw_source_pid(&t->src, t->mm);
		t->first = t->target.start >> PAGE_SHIFT;
		t->src.end = t->target.end >> PAGE_SHIFT;
		return 0;
	case PW_TARGET_PFN:
		pw_source_pfn(&t->src);
		t->first = t->target.start;
		t->src.end = t->target.end;
		return 0;
	default:
		return -ENXIO;
	}
}

static int pw_text_open(struct inode *inode, struct file *file)
{
	struct pw_text *t;
	int ret;

	ret = pw_open_check(inode, file);
	if (ret)
		return ret;
	t = kvzalloc(sizeof(*t), GFP_KERNEL);
	if (!t)
		return -ENOMEM;
	pw_target_get(&t->target);
	ret = pw_text_source(t);
	if (ret)
		goto err_put_target;
	ret = seq_open(file, &pw_text_seq_ops);
	if (ret)
		goto err_put_target;
	((struct seq_file *)file->private_data)->private = t;
	return 0;

err_put_target:
	if (t->mm)
		mmdrop(t->mm);
	pw_target_put(&t->target);
	kvfree(t);
	return ret;
}

static int pw_text_release(struct inode *inode, struct file *file)
{
	struct pw_text *t = ((struct seq_file *)file->private_data)->private;

	seq_release(inode, file);
	if (t->mm)
		mmdrop(t->mm);
	pw_target_put(&t->target);
	kvfree(t);
	return 0;
}

const struct file_operations pw_text_fops = {
	.owner = THIS_MODULE,
	.open = pw_text_open,
	.release = pw_text_release,
	.read = seq_read,
	.llseek = seq_lseek,
};
