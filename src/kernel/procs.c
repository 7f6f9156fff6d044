// SPDX-License-Identifier: GPL-2.0
/*
 * Process facts: one process's from /proc/PID directly (a snapshot's), the
 * list of every process through libproc2, opened when the picker first
 * lists them.
 */
#include "config.h"

#include <dlfcn.h>
#include <errno.h>
#include <inttypes.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libproc2/pids.h>

#include "kernel/procs.h"

/*
 * libproc2 is opened, not linked: with it the dynamic loader binds its
 * dependencies (libsystemd, libgcrypt, liblzma, libzstd... procps 4.0 on
 * Debian 12 and 13) at every start of pagewatch, which was a large part of
 * a small snapshot's time in the guest, though a snapshot reads only two
 * files of /proc/PID.
 */
static struct {
	bool tried;
	__typeof__(procps_pids_new) *new_info;
	__typeof__(procps_pids_reap) *reap;
	__typeof__(procps_pids_unref) *unref;
} proc2;

static bool proc2_load(void)
{
	void *lib;

	if (proc2.tried)
		return proc2.unref;
	proc2.tried = true;
	lib = dlopen(PROC2_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (!lib)
		return false;
	proc2.new_info = (__typeof__(proc2.new_info))dlsym(lib, "procps_pids_new");
	proc2.reap = (__typeof__(proc2.reap))dlsym(lib, "procps_pids_reap");
	proc2.unref = (__typeof__(proc2.unref))dlsym(lib, "procps_pids_unref");
	if (!proc2.new_info || !proc2.reap || !proc2.unref) {
		proc2.unref = NULL;
		return false;
	}
	return true;
}

/* The name of user UID, or its number (as ps and libproc2 show it) */
static void user_name(uid_t uid, char *buf, size_t len)
{
	struct passwd pw, *found = NULL;
	char text[1024];

	if (!getpwuid_r(uid, &pw, text, sizeof(text), &found) && found)
		snprintf(buf, len, "%s", pw.pw_name);
	else
		snprintf(buf, len, "%u", (unsigned int)uid);
}

/*
 * /proc/PID/stat: "pid (comm) state ppid ... num_threads" (proc(5)); comm
 * may hold blanks and parentheses, the state follows the last ')'.
 */
static int read_stat(pid_t pid, struct procs_info *info)
{
	char path[64], buf[1024], *lp, *rp, *p;
	int threads = 0;
	size_t len;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return errno == ENOENT ? -ESRCH : -errno;
	len = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[len] = '\0';
	lp = strchr(buf, '(');
	rp = strrchr(buf, ')');
	if (!lp || !rp || rp < lp || rp[1] != ' ')
		return -ESRCH;	/* gone while read */
	*rp = '\0';
	snprintf(info->command, sizeof(info->command), "%s", lp + 1);
	info->state = rp[2];
	/* num_threads is the 20th field, 17 blanks after the state */
	p = rp + 2;
	for (int field = 0; p && field < 17; field++) {
		p = strchr(p, ' ');
		if (p)
			p++;
	}
	if (!p || sscanf(p, "%d", &threads) != 1)
		return -ESRCH;
	info->threads = threads;
	return 0;
}

/* /proc/PID/status: the effective UID and VmRSS (none: a zombie's, 0) */
static int read_status(pid_t pid, struct procs_info *info)
{
	char path[64], line[256];
	unsigned int uid[2];
	bool have_uid = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return errno == ENOENT ? -ESRCH : -errno;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "Uid: %u %u", &uid[0], &uid[1]) == 2)
			have_uid = true;
		else if (sscanf(line, "VmRSS: %lu", &info->rss_kib) == 1)
			break;
	}
	fclose(f);
	if (!have_uid)
		return -ESRCH;
	user_name(uid[1], info->user, sizeof(info->user));
	return 0;
}

int procs_read(pid_t pid, struct procs_info *info)
{
	int err;

	memset(info, 0, sizeof(*info));
	info->pid = pid;
	err = read_stat(pid, info);
	return err ? err : read_status(pid, info);
}

static int cmp_rss(const void *a, const void *b)
{
	const struct procs_entry *x = a, *y = b;

	if (x->rss_kib != y->rss_kib)
		return x->rss_kib > y->rss_kib ? -1 : 1;
	return x->pid < y->pid ? -1 : x->pid > y->pid;
}

int procs_list(struct procs_entry **entries, size_t *nr)
{
	enum { L_PID, L_CMD, L_RSS, L_EUSER, L_CMDLINE };
	static enum pids_item list_items[] = {
		[L_PID] = PIDS_ID_PID,
		[L_CMD] = PIDS_CMD,
		[L_RSS] = PIDS_VM_RSS,
		[L_EUSER] = PIDS_ID_EUSER,
		[L_CMDLINE] = PIDS_CMDLINE,
	};
	struct pids_info *pids = NULL;
	struct pids_fetch *fetch;
	struct procs_entry *all;
	size_t n = 0;
	int err;

	if (!proc2_load())
		return -ELIBACC;
	err = proc2.new_info(&pids, list_items, 5);
	if (err < 0)
		return err;
	fetch = proc2.reap(pids, PIDS_FETCH_TASKS_ONLY);
	if (!fetch) {
		err = errno ? -errno : -EIO;
		goto out_unref;
	}
	all = calloc((size_t)fetch->counts->total + 1, sizeof(*all));
	if (!all) {
		err = -ENOMEM;
		goto out_unref;
	}
	for (int i = 0; i < fetch->counts->total; i++) {
		struct pids_stack *stack = fetch->stacks[i];
		struct procs_entry *e = &all[n];

		e->rss_kib = PIDS_VAL(L_RSS, ul_int, stack, pids);
		/* kernel threads have no address space to look at */
		if (!e->rss_kib)
			continue;
		e->pid = PIDS_VAL(L_PID, s_int, stack, pids);
		snprintf(e->command, sizeof(e->command), "%s",
			 PIDS_VAL(L_CMD, str, stack, pids));
		snprintf(e->user, sizeof(e->user), "%s",
			 PIDS_VAL(L_EUSER, str, stack, pids));
		snprintf(e->cmdline, sizeof(e->cmdline), "%s",
			 PIDS_VAL(L_CMDLINE, str, stack, pids));
		n++;
	}
	qsort(all, n, sizeof(*all), cmp_rss);
	*entries = all;
	*nr = n;
	err = 0;
out_unref:
	proc2.unref(&pids);
	return err;
}

bool procs_same_pid_ns(void)
{
	char link[32];
	ssize_t n = readlink("/proc/self", link, sizeof(link) - 1);

	/* no /proc/self at all: nothing to disagree with */
	if (n <= 0)
		return true;
	link[n] = '\0';
	return strtol(link, NULL, 10) == (long)getpid();
}

bool procs_alive(pid_t pid)
{
	char path[64], buf[256], *paren;
	FILE *f;
	bool alive = false;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return false;
	/* the state follows the last ')': comm may contain one */
	if (fgets(buf, sizeof(buf), f) && (paren = strrchr(buf, ')')))
		alive = paren[1] == ' ' && paren[2] != 'Z' && paren[2] != 'X';
	fclose(f);
	return alive;
}

bool procs_have_cap_sys_admin(void)
{
	char line[256];
	unsigned long long caps = 0;
	FILE *f;

	f = fopen("/proc/self/status", "re");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "CapEff: %llx", &caps) == 1)
			break;
	fclose(f);
	return caps & (1ULL << 21);	/* CAP_SYS_ADMIN */
}

int procs_read_nodes(pid_t pid, uint64_t *kib)
{
	char path[64], *line = NULL, *w;
	size_t cap = 0;
	FILE *f;

	memset(kib, 0, PROCS_NODES * sizeof(*kib));
	snprintf(path, sizeof(path), "/proc/%d/numa_maps", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (getline(&line, &cap, f) > 0) {
		unsigned long page_kib = 4;
		char *k = strstr(line, "kernelpagesize_kB=");

		if (k)
			page_kib = strtoul(k + 18, NULL, 10);
		for (w = strstr(line, " N"); w; w = strstr(w + 1, " N")) {
			unsigned long node, pages;

			if (sscanf(w, " N%lu=%lu", &node, &pages) == 2 &&
			    node < PROCS_NODES)
				kib[node] += (uint64_t)pages * page_kib;
		}
	}
	free(line);
	fclose(f);
	return 0;
}
