// SPDX-License-Identifier: GPL-2.0
/*
 * Helpers the module's files (in debugfs and as devices) share, below
 * all of them: the open check, the one bind function (capabilities, PID
 * lookup, address space), record sources, the text view's target setting
 * and the flag-name table. The files (pw_pages.c, pw_target.c, pw_text.c)
 * call down into this file; this file calls down into the collectors
 * (pw_walk.c, pw_page.c) only.
 */
#include <linux/capability.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/pid.h>
#include <linux/printk.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/sched/task.h>
#include <linux/seq_file.h>
#include <linux/string.h>

#include "pw.h"

/*
 * Every file is root-only: physical addresses and other tasks' mappings.
 * misc_open() leaves its struct miscdevice in private_data (6.1, 6.12);
 * no file uses it, and seq_open() warns when private_data is set.
 */
int pw_open_check(struct inode *inode, struct file *file)
{
	file->private_data = NULL;
	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	return 0;
}

/*
 * May the writer (current, not who opened the file) bind a file to a
 * process? /proc/PID/pagemap asks ptrace_may_access() once, at open; that
 * and mm_access() are not exported (6.1, 6.12), so every bind asks for
 * the capabilities that pass the capability LSM's ptrace checks:
 * CAP_SYS_PTRACE, and CAP_SYS_ADMIN (PFNs), both in the initial user
 * namespace. LSM ptrace policy (Yama's ptrace_scope, SELinux) is not
 * consulted. The refusal names the missing capability in the kernel log.
 */
int pw_bind_check(void)
{
	static const struct {
		int cap;
		const char *name;
	} need[] = {
		{ CAP_SYS_ADMIN, "CAP_SYS_ADMIN" },
		{ CAP_SYS_PTRACE, "CAP_SYS_PTRACE" },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(need); i++) {
		if (capable(need[i].cap))
			continue;
		pr_notice_ratelimited("pagewatch: bind by %s[%d] refused: %s missing in the initial user namespace\n",
				      current->comm, task_pid_nr(current),
				      need[i].name);
		return -EPERM;
	}
	return 0;
}

/*
 * The process @nr names in the writer's PID namespace (find_get_pid()
 * resolves in task_active_pid_ns(current)), after pw_bind_check(): a
 * struct pid reference for the caller to put_pid(), or ERR_PTR(-EPERM or
 * -ESRCH).
 */
struct pid *pw_bind_pid(pid_t nr)
{
	struct pid *pid;
	int ret;

	ret = pw_bind_check();
	if (ret)
		return ERR_PTR(ret);
	pid = find_get_pid(nr);
	if (!pid)
		return ERR_PTR(-ESRCH);
	return pid;
}

/*
 * The mm of the process @pid names, held by mmgrab(): like
 * /proc/PID/pagemap, a file stays bound to the address space, not the
 * PID, which may be reused. -ESRCH: the process is gone, or it has no
 * user address space (kernel thread, or already past exit_mm()).
 */
int pw_mm_of_pid(struct pid *pid, struct mm_struct **mmp)
{
	struct task_struct *task;
	struct mm_struct *mm;

	task = get_pid_task(pid, PIDTYPE_PID);
	if (!task)
		return -ESRCH;
	mm = get_task_mm(task);
	put_task_struct(task);
	if (!mm)
		return -ESRCH;
	mmgrab(mm);
	mmput(mm);
	*mmp = mm;
	return 0;
}

/* The one bind of a file to an address space: check, resolve, mmgrab() */
int pw_bind_mm(pid_t nr, struct mm_struct **mmp)
{
	struct pid *pid = pw_bind_pid(nr);
	int ret;

	if (IS_ERR(pid))
		return PTR_ERR(pid);
	ret = pw_mm_of_pid(pid, mmp);
	put_pid(pid);
	return ret;
}

/* The caller holds an mm_users reference on @mm while it reads */
void pw_source_pid(struct pw_source *src, struct mm_struct *mm)
{
	src->mm = mm;
	src->end = mm->task_size >> PAGE_SHIFT;
	src->fill = pw_walk_fill;
}

void pw_source_pfn(struct pw_source *src)
{
	src->mm = NULL;
	src->end = pw_kpage_end_pfn();
	src->fill = pw_kpage_fill;
}

/* Names in bit order, from the one table in abi.h */
#define PW_FLAG_NAME(b, n) { .bit = (b), .name = (n) },
static const struct {
	unsigned int bit;
	const char *name;
} pw_flags[] = {
	PAGEWATCH_PAGE_FLAG_NAMES(PW_FLAG_NAME)
};

#undef PW_FLAG_NAME

/* The "flag BIT NAME" lines of the version file */
void pw_seq_flag_lines(struct seq_file *m)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(pw_flags); i++)
		seq_printf(m, "flag %u %s\n", pw_flags[i].bit, pw_flags[i].name);
}

/* The names of the bits set in @flags, comma-separated, or "-"; a newline */
void pw_seq_flags(struct seq_file *m, u64 flags)
{
	const char *sep = "";
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(pw_flags); i++) {
		if (!(flags & BIT_ULL(pw_flags[i].bit)))
			continue;
		seq_printf(m, "%s%s", sep, pw_flags[i].name);
		sep = ",";
	}
	seq_puts(m, *sep ? "\n" : "-\n");
}

/* The text view's target, set through the target file */
static DEFINE_MUTEX(pw_target_lock);
static struct pw_target pw_target;	/* protected by pw_target_lock */

/*
 * The setting holds a PID target's struct pid only, never its mm: once the
 * process exits, its address space goes as usual, and the text view
 * binds at open (pw_text.c). A struct pid outlives its process but then
 * names no task (get_pid_task() is NULL), even when its number is reused.
 */

/* A snapshot of the target holding its own struct pid reference */
void pw_target_get(struct pw_target *copy)
{
	mutex_lock(&pw_target_lock);
	*copy = pw_target;
	get_pid(copy->pid);
	mutex_unlock(&pw_target_lock);
}

void pw_target_put(struct pw_target *copy)
{
	put_pid(copy->pid);
	memset(copy, 0, sizeof(*copy));
}

/* Replace the target by @new, whose reference it takes over */
void pw_target_set(struct pw_target *new)
{
	struct pw_target old;

	mutex_lock(&pw_target_lock);
	old = pw_target;
	pw_target = *new;
	mutex_unlock(&pw_target_lock);
	pw_target_put(&old);
}

/* Module exit: no file can be open any more */
void pw_target_exit(void)
{
	pw_target_put(&pw_target);
}
