/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PW_PROCS_H
#define PW_PROCS_H

#include <stdbool.h>
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

/* The process exists and is not a zombie. */
bool procs_alive(pid_t pid);

/* Our effective capability set holds CAP_SYS_ADMIN. */
bool procs_have_cap_sys_admin(void);

#endif
