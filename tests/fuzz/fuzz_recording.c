// SPDX-License-Identifier: GPL-2.0
/* libFuzzer: a recording (recording_parse) and its states rebuilt. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "model/recording.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct recording rec;
	struct recording_move moves[4];
	struct snapshot snap;
	size_t tick;
	int err;

	err = recording_parse(&rec, (const char *)data, size);
	/* a failed reading says where, and keeps only whole ticks */
	FUZZ_ASSERT(!err || rec.error_line > 0);
	FUZZ_ASSERT(!rec.error_line || rec.error[0]);
	for (size_t t = 0; t < rec.nr_ticks && t < 64; t++) {
		FUZZ_ASSERT(!recording_state(&rec, t, &snap));
		FUZZ_ASSERT(snap.nr_pages == rec.ticks[t].nr_state_pages);
		for (size_t i = 0; i < snap.nr_pages; i++) {
			FUZZ_ASSERT(snap.pages[i].mapping < snap.nr_mappings);
			FUZZ_ASSERT(!i || snap.pages[i - 1].vaddr < snap.pages[i].vaddr);
		}
		for (size_t i = 0; i < snap.nr_changes; i++)
			FUZZ_ASSERT(snap.changes[i].page < snap.nr_pages);
		if (snap.nr_pages)
			(void)recording_page_moves(&rec, snap.pages[0].vaddr,
						   moves, 4);
		FUZZ_ASSERT(!recording_select(&snap, 0x1000, 0x7fffffff000ULL, "[heap]"));
		for (size_t i = 0; i < snap.nr_pages; i++)
			FUZZ_ASSERT(snap.pages[i].mapping < snap.nr_mappings);
		snapshot_free(&snap);
	}
	/* back to the start: the state is rebuilt from tick 0 */
	if (rec.nr_ticks) {
		FUZZ_ASSERT(!recording_state(&rec, 0, &snap));
		snapshot_free(&snap);
		FUZZ_ASSERT(!recording_parse_time(&rec, "end", &tick));
		FUZZ_ASSERT(tick == rec.nr_ticks - 1);
		if (!recording_parse_time(&rec, "+1.5", &tick))
			FUZZ_ASSERT(tick < rec.nr_ticks);
	}
	recording_free(&rec);
	return 0;
}
