// SPDX-License-Identifier: GPL-2.0
/* Process facts through libproc2. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <libproc2/pids.h>

#include "procs.h"

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
