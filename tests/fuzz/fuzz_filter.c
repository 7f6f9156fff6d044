// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer: the --filter list, the --range syntax and --vma patterns
 * (filter_parse, filter_parse_range, filter_vma_match). The input up to
 * its first newline is the option's text; the rest is a mapping's path.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "model/filter.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_string(data, size);
	char *nl = strchr(text, '\n');
	const char *path = "";
	struct filter filter;
	uint64_t start, end;

	if (nl) {
		*nl = '\0';
		path = nl + 1;
	}
	if (!filter_parse(text, &filter))
		FUZZ_ASSERT(filter.kinds != 0);
	if (!filter_parse_range(text, &start, &end)) {
		/* page-aligned, non-empty, END exclusive */
		FUZZ_ASSERT(start < end);
		FUZZ_ASSERT(start % 4096 == 0 && end % 4096 == 0);
	}
	(void)filter_vma_match(text, path);
	free(text);
	return 0;
}
