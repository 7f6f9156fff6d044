// SPDX-License-Identifier: GPL-2.0
/*
 * The spool keeper: the pages its readers hand over come back, from a
 * mapping of the spool file, in the readers' order, whatever each read.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "collect/keep.h"
#include "model/snapshot_summary.h"
#include "unit.h"

/* Reader K hands over NR pages from VADDR on, in the room it is lent. */
static void hand_over(struct keeper *k, unsigned int reader, uint64_t vaddr,
		      size_t nr)
{
	struct page_consumer *c = k->ops->consumer(k, reader);

	for (size_t i = 0; i < nr;) {
		struct snapshot_page *room;
		size_t n;

		room = c->room(c, nr - i, &n);
		ck_assert_ptr_nonnull(room);
		ck_assert_uint_ge(n, 1);
		for (size_t j = 0; j < n; j++)
			room[j] = (struct snapshot_page){
				.vaddr = vaddr + 4096 * (i + j),
				.pfn = 0x100 + i + j,
			};
		ck_assert_int_eq(c->take(c, room, n), 0);
		i += n;
	}
}

static void assert_pages_follow(const struct snapshot *snap,
				const uint64_t *vaddr, size_t nr)
{
	ck_assert_uint_eq(snap->nr_pages, nr);
	for (size_t i = 0; i < nr; i++)
		ck_assert_uint_eq(snap->pages[i].vaddr, vaddr[i]);
}

START_TEST(test_windows_filled_as_counted_follow_each_other)
{
	struct snapshot snap = { 0 };
	struct keeper *k = keep_spool_new(&snap);
	const uint64_t counted[2] = { 2, 3 };
	const uint64_t want[5] = { 0x1000, 0x2000, 0x9000, 0xa000, 0xb000 };

	ck_assert_int_eq(k->ops->split(k, 2, counted, true), 0);
	hand_over(k, 1, 0x9000, 3);
	hand_over(k, 0, 0x1000, 2);
	ck_assert_int_eq(k->ops->finish(k), 0);
	k->ops->free(k);
	ck_assert_uint_ne(snap.pages_mapped, 0);
	assert_pages_follow(&snap, want, 5);
	snapshot_free(&snap);
}
END_TEST

START_TEST(test_window_that_grew_and_one_that_shrank_stay_in_order)
{
	struct snapshot snap = { 0 };
	struct keeper *k = keep_spool_new(&snap);
	const uint64_t counted[3] = { 2, 3, 1 };
	const uint64_t want[6] = { 0x1000, 0x2000, 0x3000, 0x4000,
				   0x9000, 0x20000 };

	ck_assert_int_eq(k->ops->split(k, 3, counted, true), 0);
	hand_over(k, 0, 0x1000, 4);	/* two more than counted */
	hand_over(k, 1, 0x9000, 1);	/* two fewer */
	hand_over(k, 2, 0x20000, 1);
	ck_assert_int_eq(k->ops->finish(k), 0);
	k->ops->free(k);
	assert_pages_follow(&snap, want, 6);
	ck_assert_uint_eq(snap.pages[3].pfn, 0x103);
	snapshot_free(&snap);
}
END_TEST

START_TEST(test_last_window_grows_past_a_guess)
{
	struct snapshot snap = { 0 };
	struct keeper *k = keep_spool_new(&snap);
	const uint64_t guess = 1;

	ck_assert_int_eq(k->ops->split(k, 1, &guess, false), 0);
	hand_over(k, 0, 0x1000, 70000);
	ck_assert_int_eq(k->ops->finish(k), 0);
	k->ops->free(k);
	ck_assert_uint_eq(snap.nr_pages, 70000);
	ck_assert_uint_eq(snap.pages[69999].vaddr, 0x1000 + 4096ULL * 69999);
	snapshot_free(&snap);
}
END_TEST

START_TEST(test_no_page_read_leaves_no_mapping)
{
	struct snapshot snap = { 0 };
	struct keeper *k = keep_spool_new(&snap);
	const uint64_t counted = 0;

	ck_assert_int_eq(k->ops->split(k, 1, &counted, true), 0);
	ck_assert_int_eq(k->ops->finish(k), 0);
	k->ops->free(k);
	ck_assert_uint_eq(snap.nr_pages, 0);
	ck_assert_ptr_null(snap.pages);
	ck_assert_uint_eq(snap.pages_mapped, 0);
	snapshot_free(&snap);
}
END_TEST

START_TEST(test_released_pages_read_the_same_again)
{
	struct snapshot snap = { 0 };
	struct keeper *k = keep_spool_new(&snap);
	const uint64_t counted = 100000;

	ck_assert_int_eq(k->ops->split(k, 1, &counted, true), 0);
	hand_over(k, 0, 0x1000, 100000);
	ck_assert_int_eq(k->ops->finish(k), 0);
	k->ops->free(k);
	snapshot_pages_release(&snap, 0, 100000);
	ck_assert_uint_eq(snap.pages[0].vaddr, 0x1000);
	ck_assert_uint_eq(snap.pages[54321].pfn, 0x100 + 54321);
	ck_assert_uint_eq(snap.pages[99999].vaddr, 0x1000 + 4096ULL * 99999);
	snapshot_free(&snap);
}
END_TEST

START_TEST(test_no_spool_file_keeps_the_pages_in_memory)
{
	struct snapshot snap = { 0 };
	struct keeper *k;
	const uint64_t counted[2] = { 2, 1 };
	const uint64_t want[3] = { 0x1000, 0x2000, 0x9000 };

	setenv("TMPDIR", "/nonexistent/pagewatch-test", 1);
	k = keep_spool_new(&snap);
	ck_assert_int_eq(k->ops->split(k, 2, counted, true), 0);
	hand_over(k, 0, 0x1000, 2);
	hand_over(k, 1, 0x9000, 1);
	ck_assert_int_eq(k->ops->finish(k), 0);
	k->ops->free(k);
	unsetenv("TMPDIR");
	ck_assert_uint_eq(snap.pages_mapped, 0);
	assert_pages_follow(&snap, want, 3);
	snapshot_free(&snap);
}
END_TEST

START_TEST(test_parts_read_one_after_the_other_share_one_room)
{
	struct snapshot snap = { 0 };
	struct keeper *k = keep_spool_new(&snap);
	const uint64_t counted[4] = { 3, 2, 4, 1 };
	const uint64_t want[10] = { 0x1000, 0x2000, 0x3000, 0x11000, 0x12000,
				    0x21000, 0x22000, 0x23000, 0x24000,
				    0x31000 };
	struct snapshot_page *first_room = NULL;

	ck_assert_int_eq(k->ops->split(k, 4, counted, true), 0);
	/* one thread takes the four parts in turn: each lends the same room */
	for (unsigned int i = 0; i < 4; i++) {
		struct page_consumer *c = k->ops->consumer(k, i);
		size_t n;

		hand_over(k, i, 0x1000 + 0x10000 * i, counted[i]);
		if (!first_room)
			first_room = c->room(c, 1, &n);
		else
			ck_assert_ptr_eq(c->room(c, 1, &n), first_room);
		k->ops->done(k, i);
	}
	ck_assert_int_eq(k->ops->finish(k), 0);
	k->ops->free(k);
	assert_pages_follow(&snap, want, 10);
	snapshot_free(&snap);
}
END_TEST

START_TEST(test_rooms_kept_for_reuse_are_bounded)
{
	struct keep_rooms rooms;
	struct keep_room lent[KEEP_ROOMS_MAX + 4];

	keep_rooms_init(&rooms, 4096);
	for (unsigned int i = 0; i < KEEP_ROOMS_MAX + 4; i++)
		ck_assert_int_eq(keep_room_get(&rooms, &lent[i]), 0);
	for (unsigned int i = 0; i < KEEP_ROOMS_MAX + 4; i++) {
		keep_room_put(&rooms, &lent[i]);
		ck_assert_ptr_null(lent[i].buf);
	}
	ck_assert_uint_eq(rooms.nr, KEEP_ROOMS_MAX);
	keep_rooms_fini(&rooms);
}
END_TEST

/* Page I of the summary test: three mappings of 900 pages, mixed facts */
static struct snapshot_page summary_test_page(size_t i)
{
	uint64_t flags = SNAPSHOT_BIT(SNAPSHOT_KNOWN_NODE);

	flags |= SNAPSHOT_BIT(i % 5 ? PAGEWATCH_PAGE_PRESENT :
				      PAGEWATCH_PAGE_SWAP);
	if (i % 7 == 0)
		flags |= SNAPSHOT_BIT(PAGEWATCH_PAGE_THP);
	return (struct snapshot_page){
		.vaddr = 0x100000 * (i / 900 + 1) + 4096 * (i % 900),
		.node = (uint16_t)(i % 3 == 0), .flags = flags,
		.mapping = (uint32_t)(i / 900),
	};
}

static void summary_test_snapshot(struct snapshot *snap)
{
	memset(snap, 0, sizeof(*snap));
	snap->nr_nodes = 2;
	snap->nr_mappings = 3;
	snap->mappings = calloc(3, sizeof(*snap->mappings));
	ck_assert_ptr_nonnull(snap->mappings);
	for (unsigned int m = 0; m < 3; m++) {
		snap->mappings[m].start = 0x100000 * (m + 1);
		snap->mappings[m].end = snap->mappings[m].start + 900 * 4096;
		snap->mappings[m].path = strdup("[anon]");
	}
}

START_TEST(test_summary_parts_cut_inside_mappings_count_as_one_summary)
{
	/* five parts, each cut inside a mapping, read in turn by one thread */
	const uint64_t counted[5] = { 400, 700, 250, 950, 400 };
	struct snapshot parts, whole;
	struct snapshot_summary *want;
	struct keeper *k;
	size_t nr_want, at = 0;

	summary_test_snapshot(&parts);
	summary_test_snapshot(&whole);
	for (size_t i = 0; i < 2700; i++) {
		struct snapshot_page page = summary_test_page(i);

		snapshot_add_page(&whole, &page);
	}
	ck_assert_int_eq(snapshot_summarize(&whole, NULL, NULL, &want,
					    &nr_want), 0);
	k = keep_summary_new(&parts, NULL, NULL);
	ck_assert_int_eq(k->ops->split(k, 5, counted, true), 0);
	for (unsigned int p = 0; p < 5; p++) {
		struct page_consumer *c = k->ops->consumer(k, p);

		for (size_t end = at + counted[p]; at < end;) {
			size_t n, j = 0;
			struct snapshot_page *room = c->room(c, end - at, &n);

			/* a reader's batch is of one mapping */
			for (; j < n && at < end; j++, at++) {
				room[j] = summary_test_page(at);
				if (j && room[j].mapping != room[0].mapping)
					break;
			}
			ck_assert_int_eq(c->take(c, room, j), 0);
		}
		k->ops->done(k, p);
	}
	ck_assert_int_eq(k->ops->finish(k), 0);
	k->ops->free(k);
	ck_assert_uint_eq(parts.nr_summaries, nr_want);
	ck_assert_uint_eq(nr_want, 3);
	for (size_t m = 0; m < nr_want; m++) {
		ck_assert_uint_eq(parts.summaries[m].mapping, want[m].mapping);
		for (unsigned int c = 0; c < SNAPSHOT_COUNT_NR; c++)
			ck_assert_uint_eq(parts.summaries[m].count[c],
					  want[m].count[c]);
		for (int node = 0; node < 2; node++)
			ck_assert_uint_eq(parts.summaries[m].node_pages[node],
					  want[m].node_pages[node]);
	}
	snapshot_summary_free(want, nr_want);
	snapshot_free(&parts);
	snapshot_free(&whole);
}
END_TEST

static void add(TCase *tc)
{
	tcase_add_test(tc, test_windows_filled_as_counted_follow_each_other);
	tcase_add_test(tc, test_window_that_grew_and_one_that_shrank_stay_in_order);
	tcase_add_test(tc, test_last_window_grows_past_a_guess);
	tcase_add_test(tc, test_no_page_read_leaves_no_mapping);
	tcase_add_test(tc, test_released_pages_read_the_same_again);
	tcase_add_test(tc, test_no_spool_file_keeps_the_pages_in_memory);
	tcase_add_test(tc, test_parts_read_one_after_the_other_share_one_room);
	tcase_add_test(tc, test_rooms_kept_for_reuse_are_bounded);
	tcase_add_test(tc, test_summary_parts_cut_inside_mappings_count_as_one_summary);
}

int main(void)
{
	return unit_run("spool", add);
}
