/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PW_PROCS_H
#define PW_PROCS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct procs_info {
	pid_t pid;
	char command[64];
	char state;
	int threads;
	unsigned long rss_kib;
	char user[64];
};

/* Facts about PID from /proc/PID; -ESRCH when there is no such process. */
int procs_read(pid_t pid, struct procs_info *info);

/* The nodes whose resident memory a picker row can show */
#define PROCS_NODES	8

/* One row of the process picker. */
struct procs_entry {
	pid_t pid;
	char command[64];
	char cmdline[256];	/* arguments joined by blanks */
	unsigned long rss_kib;
	char user[32];
	bool have_nodes;	/* node_kib read (procs_read_nodes) */
	uint64_t node_kib[PROCS_NODES];
};

/*
 * PID's resident memory per node into KIB[0..PROCS_NODES), from
 * /proc/PID/numa_maps (numastat -p's source: the kernel's own walk of the
 * page tables, N<node>= pages of kernelpagesize_kB). 0 or -errno.
 */
int procs_read_nodes(pid_t pid, uint64_t *kib);

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
