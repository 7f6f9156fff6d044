// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer: the module's version file (kmod_parse_version) and its binary
 * records (kmod_decode): the input is both the version text and, read
 * 32 bytes at a time, a run of struct pagewatch_page.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "kernel/kmod_client.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_string(data, size);
	struct kmod_version version;

	if (!kmod_parse_version(text, &version))
		FUZZ_ASSERT(memchr(version.features, '\0', sizeof(version.features)));
	for (size_t off = 0; off + sizeof(struct pagewatch_page) <= size;
	     off += sizeof(struct pagewatch_page)) {
		struct pagewatch_page raw;
		struct kmod_page page;

		memcpy(&raw, data + off, sizeof(raw));
		kmod_decode(&raw, &page);
		FUZZ_ASSERT(page.order == raw.order);
	}
	free(text);
	return 0;
}
