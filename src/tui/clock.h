/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PW_TUI_CLOCK_H
#define PW_TUI_CLOCK_H

#include <time.h>

/* The clocks the collector and the refresh measure with, in seconds. */
static inline double clock_ts_sec(const struct timespec *t)
{
	return (double)t->tv_sec + (double)t->tv_nsec / 1e9;
}

static inline double now_sec(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return clock_ts_sec(&t);
}

/* CPU time of the calling thread */
static inline double thread_cpu(void)
{
	struct timespec t;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
	return clock_ts_sec(&t);
}

#endif
