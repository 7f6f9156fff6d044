// SPDX-License-Identifier: GPL-2.0
/*
 * pw-perf-hold: keep a task-bound PERF_COUNT_SW_PAGE_FAULTS event open and
 * sleep. Started by the guest's init before any test, so the static keys
 * that perf flips on the first such event (perf_swevent_enabled[], and
 * perf_sched_events for task-bound events) are flipped once at boot, while
 * nothing else runs, and never while a test's threads run their sites:
 * multi-threaded TCG does not keep vCPUs coherent across that text
 * patching (see tests/vm/run).
 */
#include "config.h"

#include <errno.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(void)
{
	struct perf_event_attr attr;
	long fd;

	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = PERF_TYPE_SOFTWARE;
	attr.config = PERF_COUNT_SW_PAGE_FAULTS;
	attr.exclude_kernel = 1;
	fd = syscall(SYS_perf_event_open, &attr, 0, -1, -1, 0);
	if (fd < 0) {
		fprintf(stderr, "pw-perf-hold: perf_event_open: %s\n", strerror(errno));
		return 1;
	}
	for (;;)
		pause();
}
