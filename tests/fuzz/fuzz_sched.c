// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer: "name value" lookups in /proc/PID/sched, /proc/vmstat and
 * /proc/PID/status text (perf_events_parse_value).
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>

#include "fuzz.h"
#include "kernel/perf_events.h"

static const char *const names[] = {
	"numa_pages_migrated", "numa_preferred_nid", "total_numa_faults",
	"numa_hint_faults", "numa_pages_migrated", "pgfault", "nr_foll_pin_acquired",
	"se.nr_migrations", "numa_faults",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_string(data, size);
	uint64_t value;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		(void)perf_events_parse_value(text, names[i], &value);
	free(text);
	return 0;
}
