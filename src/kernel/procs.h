/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PW_PROCS_H
#define PW_PROCS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct procs_info {
	pid_t pid;
	char command[64];
	char state;
	int threads;
	unsigned long rss_kib;
	char user[64];
};

/* Facts about PID through libproc2; -ESRCH when there is no such process. */
int procs_read(pid_t pid, struct procs_info *info);

/* One row of the process picker. */
struct procs_entry {
	pid_t pid;
	char command[64];
	unsigned long rss_kib;
	char user[32];
};

/*
 * Every process with an address space (kernel threads left out), largest
 * RSS first; free() *ENTRIES. -errno when /proc cannot be read.
 */
int procs_list(struct procs_entry **entries, size_t *nr);

/*
 * /proc was mounted for our own PID namespace: /proc/self names getpid().
 * Not so after `unshare -p -f` without --mount-proc: /proc shows the
 * parent namespace's PIDs while the module resolves the PIDs written to it
 * in ours, so the two would name different processes.
 */
bool procs_same_pid_ns(void);

/* The process exists and is not a zombie. */
bool procs_alive(pid_t pid);

/* Our effective capability set holds CAP_SYS_ADMIN. */
bool procs_have_cap_sys_admin(void);

#endif
