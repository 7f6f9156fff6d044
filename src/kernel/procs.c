// SPDX-License-Identifier: GPL-2.0
/* Process facts through libproc2. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libproc2/pids.h>

#include "kernel/procs.h"

enum { I_CMD, I_STATE, I_NLWP, I_RSS, I_EUSER };
static enum pids_item items[] = {
	[I_CMD] = PIDS_CMD,
	[I_STATE] = PIDS_STATE,
	[I_NLWP] = PIDS_NLWP,
	[I_RSS] = PIDS_VM_RSS,
	[I_EUSER] = PIDS_ID_EUSER,
};

int procs_read(pid_t pid, struct procs_info *info)
{
	struct pids_info *pids = NULL;
	struct pids_fetch *fetch;
	struct pids_stack *stack;
	unsigned int these = (unsigned int)pid;
	int err;

	memset(info, 0, sizeof(*info));
	info->pid = pid;
	err = procps_pids_new(&pids, items, (int)(sizeof(items) / sizeof(items[0])));
	if (err < 0)
		return err;
	fetch = procps_pids_select(pids, &these, 1, PIDS_SELECT_PID);
	if (!fetch) {
		err = errno ? -errno : -EIO;
		goto out_unref;
	}
	if (fetch->counts->total < 1) {
		err = -ESRCH;
		goto out_unref;
	}
	stack = fetch->stacks[0];
	snprintf(info->command, sizeof(info->command), "%s",
		 PIDS_VAL(I_CMD, str, stack, pids));
	info->state = PIDS_VAL(I_STATE, s_ch, stack, pids);
	info->threads = PIDS_VAL(I_NLWP, s_int, stack, pids);
	info->rss_kib = PIDS_VAL(I_RSS, ul_int, stack, pids);
	snprintf(info->user, sizeof(info->user), "%s",
		 PIDS_VAL(I_EUSER, str, stack, pids));
	err = 0;
out_unref:
	procps_pids_unref(&pids);
	return err;
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

	err = procps_pids_new(&pids, list_items, 5);
	if (err < 0)
		return err;
	fetch = procps_pids_reap(pids, PIDS_FETCH_TASKS_ONLY);
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
	procps_pids_unref(&pids);
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
