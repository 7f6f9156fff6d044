/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PW_PERF_EVENTS_H
#define PW_PERF_EVENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

/*
 * Event counts of a target for the session's header: perf events encoded
 * with libpfm4 where the kernel lets us open them, /proc files otherwise.
 * Every count says which source it came from.
 */
enum perf_rate {
	PERF_RATE_FAULTS,	/* page faults of the target */
	PERF_RATE_HINT_FAULTS,	/* NUMA hinting faults */
	PERF_RATE_MIGRATIONS,	/* page migrations */
	PERF_RATE_NUMA_MOVES,	/* task moved to its preferred node */
	PERF_RATE_NR
};

/* One table of names: perf_events_source_name(). */
enum perf_source {
	PERF_SRC_NONE,
	PERF_SRC_PERF,		/* perf software event, per target */
	PERF_SRC_TRACEPOINT,	/* perf tracepoint, per target */
	PERF_SRC_PROC_STAT,	/* /proc/PID/stat minflt + majflt */
	PERF_SRC_PROC_SCHED,	/* /proc/PID/task/TID/sched, summed */
	PERF_SRC_VMSTAT,	/* /proc/vmstat: the whole system */
	PERF_SRC_NR
};

#define PERF_EVENTS_MAX_THREADS	256

struct perf_events {
	pid_t pid;
	int *fds[PERF_RATE_NR];		/* one per thread, inherit set */
	size_t nr_fds[PERF_RATE_NR];
	unsigned int source[PERF_RATE_NR];
	int err[PERF_RATE_NR];		/* why the perf source is not used */
	const char *proc_root;		/* "/proc"; tests point elsewhere */
};

struct perf_sample {
	uint64_t value[PERF_RATE_NR];
	unsigned int source[PERF_RATE_NR];
	struct timespec time;		/* CLOCK_MONOTONIC */
};

/*
 * Open what is available for PID; never fails for a missing source (the
 * count falls back, or becomes PERF_SRC_NONE). -ENOMEM only. With
 * USE_PERF false no perf event is opened: every count comes from /proc.
 */
int perf_events_open(struct perf_events *pe, pid_t pid, bool use_perf);
void perf_events_close(struct perf_events *pe);

/* Read every count; a count whose source cannot be read gets PERF_SRC_NONE. */
void perf_events_read(struct perf_events *pe, struct perf_sample *sample);

/* Events per second from OLD to NEW; false when unknown. */
bool perf_events_rate(const struct perf_sample *old, const struct perf_sample *new,
		      unsigned int rate, double *per_sec);

const char *perf_events_rate_name(unsigned int rate);
const char *perf_events_source_name(unsigned int source);

/* Parse "name value" lines (vmstat) or "name : value" lines (sched). */
bool perf_events_parse_value(const char *text, const char *name, uint64_t *value);

#endif
