// SPDX-License-Identifier: GPL-2.0
/*
 * The target file: what the text view shows. One global setting, written
 * as "PID START-END" (hexadecimal user addresses, END exclusive, aligned
 * out to whole pages), "pfn START-END" (hexadecimal PFNs, END exclusive)
 * or "none"; read back in the same syntax. The setting itself lives in
 * pw_common.c, below this file and the text view that reads it.
 */
#include <linux/ctype.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/sched/mm.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "pw.h"

/* The next white-space separated word of *@s, NUL-terminated, or NULL */
static char *pw_next_word(char **s)
{
	char *word = skip_spaces(*s);
	char *end = word;

	if (!*word)
		return NULL;
	while (*end && !isspace(*end))
		end++;
	if (*end)
		*end++ = '\0';
	*s = end;
	return word;
}

/* "START-END", both hexadecimal with or without 0x */
static int pw_parse_range(char *word, unsigned long *start,
			  unsigned long *end)
{
	char *dash = strchr(word, '-');

	if (!dash)
		return -EINVAL;
	*dash = '\0';
	if (kstrtoul(word, 16, start) || kstrtoul(dash + 1, 16, end))
		return -EINVAL;
	return 0;
}

static int pw_target_pfn(struct pw_target *t, unsigned long start,
			 unsigned long end)
{
	if (start >= end || end > pw_kpage_end_pfn() ||
	    end - start > PW_TEXT_MAX_PAGES)
		return -EINVAL;
	t->kind = PW_TARGET_PFN;
	t->start = start;
	t->end = end;
	return 0;
}

/*
 * Bind checks of the writer, as for pages; the process must have an
 * address space now (-ESRCH otherwise), but only its struct pid is kept.
 */
static int pw_target_pid(struct pw_target *t, pid_t nr, unsigned long start,
			 unsigned long end)
{
	struct mm_struct *mm;
	struct pid *pid;
	int ret;

	start &= PAGE_MASK;
	if (check_add_overflow(end, PAGE_SIZE - 1, &end))
		return -EINVAL;
	end &= PAGE_MASK;
	if (start >= end || end > TASK_SIZE_MAX ||
	    (end - start) >> PAGE_SHIFT > PW_TEXT_MAX_PAGES)
		return -EINVAL;
	pid = pw_bind_pid(nr);
	if (IS_ERR(pid))
		return PTR_ERR(pid);
	ret = pw_mm_of_pid(pid, &mm);
	if (ret) {
		put_pid(pid);
		return ret;
	}
	mmdrop(mm);
	t->kind = PW_TARGET_PID;
	t->nr = nr;
	t->pid = pid;
	t->start = start;
	t->end = end;
	return 0;
}

/*
 * -EINVAL when malformed, -EPERM when the writer may not bind, -ESRCH when
 * the process has no address space
 */
static int pw_parse_target(char *s, struct pw_target *t)
{
	char *kind = pw_next_word(&s);
	char *range = pw_next_word(&s);
	unsigned long start, end;
	int pid;

	if (kind && !range && !strcmp(kind, "none"))
		return 0;
	if (!kind || !range || pw_next_word(&s))
		return -EINVAL;
	if (pw_parse_range(range, &start, &end))
		return -EINVAL;
	if (!strcmp(kind, "pfn"))
		return pw_target_pfn(t, start, end);
	if (kstrtoint(kind, 10, &pid) || pid <= 0)
		return -EINVAL;
	return pw_target_pid(t, pid, start, end);
}

static ssize_t pw_target_write(struct file *file, const char __user *ubuf,
			       size_t count, loff_t *ppos)
{
	struct pw_target t = { .kind = PW_TARGET_NONE };
	char buf[96];
	int ret;

	if (count >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = '\0';
	ret = pw_parse_target(buf, &t);
	if (ret)
		return ret;
	pw_target_set(&t);
	return count;
}

static int pw_target_show(struct seq_file *m, void *v)
{
	struct pw_target t;

	pw_target_get(&t);
	switch (t.kind) {
	case PW_TARGET_PID:
		seq_printf(m, "%d %lx-%lx\n", t.nr, t.start, t.end);
		break;
	case PW_TARGET_PFN:
		seq_printf(m, "pfn %lx-%lx\n", t.start, t.end);
		break;
	default:
		seq_puts(m, "none\n");
		break;
	}
	pw_target_put(&t);
	return 0;
}

static int pw_target_open(struct inode *inode, struct file *file)
{
	int ret = pw_open_check(inode, file);

	if (ret)
		return ret;
	return single_open(file, pw_target_show, NULL);
}

const struct file_operations pw_target_fops = {
	.owner = THIS_MODULE,
	.open = pw_target_open,
	.release = single_release,
	.read = seq_read,
	.write = pw_target_write,
	.llseek = seq_lseek,
};
