// SPDX-License-Identifier: GPL-2.0
/* libFuzzer: one /proc/PID/maps line (maps_parse_line). */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "kernel/maps.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *line = fuzz_string(data, size);
	struct maps_entry e;

	if (!maps_parse_line(line, &e)) {
		/* a parsed line is a non-empty range with 4 permission letters */
		FUZZ_ASSERT(e.start < e.end);
		FUZZ_ASSERT(strlen(e.perms) == 4);
		FUZZ_ASSERT(!strchr(e.path, '\n'));
		(void)maps_is_anon(&e);
		(void)maps_is_prot_none(&e);
		free(e.path);
	}
	free(line);
	return 0;
}
