// SPDX-License-Identifier: GPL-2.0
/*
 * The ranges a live refresh reads: announced ranges join across small
 * holes, every piece of every mapping within them is read once and in
 * address order however many there are, a walk over a large model finds
 * each page a scattered part holds, and what changed while it was read
 * can be left out of a read, the model keeping its pages there. The last
 * tests read this test's own pages through /proc (no module).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "collect/collect.h"
#include "collect/pieces.h"
#include "model/snapshot_merge.h"
#include "unit.h"

#define PAGE 4096ULL

static struct maps_entry map(uint64_t start, uint64_t end)
{
	return (struct maps_entry){ .start = start, .end = end };
}

START_TEST(test_ranges_join_across_holes_no_wider_than_the_gap)
{
	struct snapshot_range r[] = {
		{ 40 * PAGE, 41 * PAGE }, { 0, PAGE }, { 2 * PAGE, 3 * PAGE },
		{ 20 * PAGE, 21 * PAGE }, { 3 * PAGE, 5 * PAGE },
	};

	ck_assert_uint_eq(snapshot_ranges_join_near(r, 5, PAGE), 3);
	ck_assert_uint_eq(r[0].start, 0);
	ck_assert_uint_eq(r[0].end, 5 * PAGE);
	ck_assert_uint_eq(r[1].start, 20 * PAGE);
	ck_assert_uint_eq(r[2].end, 41 * PAGE);
	/* a gap of 15 pages joins the next two, not the last */
	ck_assert_uint_eq(snapshot_ranges_join_near(r, 3, 15 * PAGE), 2);
	ck_assert_uint_eq(r[0].end, 21 * PAGE);
	ck_assert_uint_eq(r[1].start, 40 * PAGE);
}
END_TEST

START_TEST(test_joining_without_a_gap_keeps_ranges_apart_by_one_page)
{
	struct snapshot_range r[] = { { 2 * PAGE, 3 * PAGE }, { 0, PAGE } };

	ck_assert_uint_eq(snapshot_ranges_join(r, 2), 2);
	ck_assert_uint_eq(r[0].start, 0);
	ck_assert_uint_eq(r[1].start, 2 * PAGE);
}
END_TEST

/* Every piece, as "mapping:start-end" page numbers, into OUT */
static size_t walk(const struct snapshot *snap,
		   const struct snapshot_range *r, size_t nr,
		   uint64_t (*out)[3], size_t max)
{
	struct pieces it;
	uint64_t start, end;
	size_t mapping, n = 0;

	pieces_init(&it, snap, r, nr);
	while (n < max && pieces_next(&it, &mapping, &start, &end)) {
		out[n][0] = mapping;
		out[n][1] = start / PAGE;
		out[n][2] = end / PAGE;
		n++;
	}
	return n;
}

START_TEST(test_pieces_are_each_mapping_within_each_range_in_address_order)
{
	struct maps_entry maps[] = {
		map(10 * PAGE, 20 * PAGE), map(20 * PAGE, 30 * PAGE),
		map(50 * PAGE, 60 * PAGE),
	};
	struct snapshot snap = { .mappings = maps, .nr_mappings = 3 };
	/* before all, across the first two, inside one, between, after */
	const struct snapshot_range r[] = {
		{ 0, 2 * PAGE }, { 15 * PAGE, 25 * PAGE },
		{ 27 * PAGE, 28 * PAGE }, { 35 * PAGE, 52 * PAGE },
		{ 59 * PAGE, 70 * PAGE },
	};
	const uint64_t want[][3] = {
		{ 0, 15, 20 }, { 1, 20, 25 }, { 1, 27, 28 }, { 2, 50, 52 },
		{ 2, 59, 60 },
	};
	uint64_t got[8][3];
	size_t n = walk(&snap, r, 5, got, 8);

	ck_assert_uint_eq(n, 5);
	for (size_t i = 0; i < n; i++)
		for (int k = 0; k < 3; k++)
			ck_assert_uint_eq(got[i][k], want[i][k]);
	ck_assert_uint_eq(pieces_count_pages(&snap, r, 5), 5 + 5 + 1 + 2 + 1);
}
END_TEST

START_TEST(test_pieces_keep_within_the_snapshots_own_range)
{
	struct maps_entry maps[] = { map(0, 10 * PAGE), map(10 * PAGE, 20 * PAGE) };
	struct snapshot snap = {
		.mappings = maps, .nr_mappings = 2,
		.range_start = 12 * PAGE, .range_end = 18 * PAGE,
	};
	const struct snapshot_range r[] = { { 0, 11 * PAGE }, { 15 * PAGE, 30 * PAGE } };
	uint64_t got[4][3];

	ck_assert_uint_eq(walk(&snap, r, 2, got, 4), 1);
	ck_assert_uint_eq(got[0][0], 1);
	ck_assert_uint_eq(got[0][1], 15);
	ck_assert_uint_eq(got[0][2], 18);
	/* without ranges: whole mappings, clamped */
	ck_assert_uint_eq(walk(&snap, NULL, 0, got, 4), 1);
	ck_assert_uint_eq(got[0][1], 12);
}
END_TEST

START_TEST(test_thousands_of_ranges_over_thousands_of_mappings_read_each_page_once)
{
	enum { MAPS = 4000, RANGES = 20000 };
	struct maps_entry *maps = calloc(MAPS, sizeof(*maps));
	struct snapshot_range *r = calloc(RANGES, sizeof(*r));
	struct snapshot snap = { .mappings = maps, .nr_mappings = MAPS };
	struct pieces it;
	uint64_t start, end, last_end = 0, pages = 0;
	size_t mapping;

	ck_assert_ptr_nonnull(maps);
	ck_assert_ptr_nonnull(r);
	/* mappings of 10 pages with a hole of 2, ranges of 1 page every 5 */
	for (size_t m = 0; m < MAPS; m++)
		maps[m] = map((12 * m) * PAGE, (12 * m + 10) * PAGE);
	for (size_t i = 0; i < RANGES; i++)
		r[i] = (struct snapshot_range){ 5 * i * PAGE, (5 * i + 1) * PAGE };
	pieces_init(&it, &snap, r, RANGES);
	while (pieces_next(&it, &mapping, &start, &end)) {
		ck_assert_uint_ge(start, last_end);
		ck_assert_uint_ge(start, maps[mapping].start);
		ck_assert_uint_le(end, maps[mapping].end);
		ck_assert_uint_eq(start % (5 * PAGE), 0);
		pages += (end - start) / PAGE;
		last_end = end;
	}
	/* the pages 5i that fall in a mapping (12m .. 12m+9) */
	uint64_t want = 0;

	for (uint64_t p = 0; p < 5 * RANGES && p < 12 * MAPS; p += 5)
		want += p % 12 < 10;
	ck_assert_uint_eq(pages, want);
	free(maps);
	free(r);
}
END_TEST

START_TEST(test_a_seek_from_any_page_finds_the_first_at_or_after_an_address)
{
	enum { N = 5000 };
	struct snapshot_page *pages = calloc(N, sizeof(*pages));
	struct snapshot snap = { .pages = pages, .nr_pages = N };

	ck_assert_ptr_nonnull(pages);
	/* pages at 0, 2, 4, ... with a hole of 1000 pages in the middle */
	for (size_t i = 0; i < N; i++)
		pages[i].vaddr = (2 * i + (i >= N / 2 ? 1000 : 0)) * PAGE;
	for (size_t from = 0; from < N; from += 97)
		for (uint64_t p = 2 * from; p < 2 * N + 1100; p += 37) {
			size_t want = snapshot_page_index(&snap, p * PAGE);

			if (want < from)
				want = from;
			ck_assert_uint_eq(snapshot_page_seek(&snap, from, p * PAGE), want);
		}
	ck_assert_uint_eq(snapshot_page_seek(&snap, N, 0), N);
	ck_assert_uint_eq(snapshot_page_seek(&snap, 0, UINT64_MAX), N);
	free(pages);
}
END_TEST

START_TEST(test_a_cut_leaves_its_pages_and_splits_the_ranges_around_it)
{
	struct snapshot_page pages[10];
	struct snapshot part = { .pages = pages, .nr_pages = 10 };
	/* read: pages 0-5 and 10-13; changed meanwhile: 2-3 and 11-20 */
	const struct snapshot_range read[] = { { 0, 6 * PAGE }, { 10 * PAGE, 14 * PAGE } };
	const struct snapshot_range cut[] = {
		{ 2 * PAGE, 4 * PAGE }, { 11 * PAGE, 21 * PAGE },
	};
	const uint64_t kept[] = { 0, 1, 4, 5, 10 };
	struct snapshot_range *rest;
	size_t nr;

	for (size_t i = 0; i < 6; i++)
		pages[i] = (struct snapshot_page){ .vaddr = i * PAGE };
	for (size_t i = 0; i < 4; i++)
		pages[6 + i] = (struct snapshot_page){ .vaddr = (10 + i) * PAGE };
	ck_assert_int_eq(snapshot_part_cut(&part, read, 2, cut, 2, &rest, &nr), 0);
	ck_assert_uint_eq(nr, 3);
	ck_assert_uint_eq(rest[0].start, 0);
	ck_assert_uint_eq(rest[0].end, 2 * PAGE);
	ck_assert_uint_eq(rest[1].start, 4 * PAGE);
	ck_assert_uint_eq(rest[1].end, 6 * PAGE);
	ck_assert_uint_eq(rest[2].start, 10 * PAGE);
	ck_assert_uint_eq(rest[2].end, 11 * PAGE);
	ck_assert_uint_eq(part.nr_pages, 5);
	for (size_t i = 0; i < 5; i++)
		ck_assert_uint_eq(pages[i].vaddr, kept[i] * PAGE);
	free(rest);
}
END_TEST

START_TEST(test_merging_a_cut_part_keeps_the_models_pages_in_the_cut)
{
	struct maps_entry maps[] = { map(0, 8 * PAGE) };
	struct snapshot_page old[8], fresh[8];
	struct snapshot model = { .pages = old, .nr_pages = 8,
				  .mappings = maps, .nr_mappings = 1 };
	struct snapshot part = { .pages = fresh, .nr_pages = 0,
				 .mappings = maps, .nr_mappings = 1 };
	struct snapshot merged = { 0 };
	const struct snapshot_range read[] = { { 0, 8 * PAGE } };
	const struct snapshot_range cut[] = { { 3 * PAGE, 5 * PAGE } };
	struct snapshot_range *rest;
	size_t nr;

	/* the model has PFN 100 + i; the read found 200 + i, and 3-4 gone */
	for (size_t i = 0; i < 8; i++) {
		old[i] = (struct snapshot_page){ .vaddr = i * PAGE, .pfn = 100 + i };
		if (i != 3 && i != 4)
			fresh[part.nr_pages++] = (struct snapshot_page){
				.vaddr = i * PAGE, .pfn = 200 + i };
	}
	ck_assert_int_eq(snapshot_part_cut(&part, read, 1, cut, 1, &rest, &nr), 0);
	ck_assert_int_eq(snapshot_merge(&model, &part, rest, nr, &merged), 0);
	ck_assert_uint_eq(merged.nr_pages, 8);
	for (size_t i = 0; i < 8; i++)
		ck_assert_uint_eq(merged.pages[i].pfn,
				  (i == 3 || i == 4 ? 100 : 200) + i);
	free(rest);
	free(merged.pages);
}
END_TEST

/* NR pages of this process, each written once; unmapped by the caller */
static uint64_t own_pages(size_t nr)
{
	char *p = mmap(NULL, nr * PAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	ck_assert_ptr_ne(p, MAP_FAILED);
	for (size_t i = 0; i < nr; i++)
		p[i * PAGE] = 1;
	return (uint64_t)(uintptr_t)p;
}

static void open_self(struct collect *c, unsigned int threads)
{
	struct collect_opts opts = { .pid = getpid(), .no_kmod = true,
				     .threads = threads };

	ck_assert_int_eq(collect_open(c, &opts), 0);
}

START_TEST(test_a_read_of_ranges_holds_no_page_outside_them)
{
	/* a large range and a one-page range 20 pages after it: close
	 * enough for a reader to read through the hole between them, were
	 * it allowed to */
	uint64_t base = own_pages(256);
	struct snapshot_range r[] = {
		{ base, base + 150 * PAGE },
		{ base + 170 * PAGE, base + 171 * PAGE },
	};
	struct collect c;
	struct snapshot part;

	open_self(&c, 1);
	ck_assert_int_eq(collect_ranges(&c, &part, r, 2), 0);
	ck_assert_uint_eq(part.nr_pages, 151);
	for (size_t i = 0; i < part.nr_pages; i++) {
		uint64_t v = part.pages[i].vaddr;

		ck_assert(v < r[0].end || v == r[1].start);
	}
	snapshot_free(&part);
	collect_close(&c);
	munmap((void *)(uintptr_t)base, 256 * PAGE);
}
END_TEST

START_TEST(test_thousands_of_one_page_ranges_read_by_threads_equal_one_reader)
{
	uint64_t base = own_pages(6000);
	struct snapshot_range *r = calloc(3000, sizeof(*r));
	struct snapshot alone, shared;
	struct collect c;

	for (size_t i = 0; i < 3000; i++)
		r[i] = (struct snapshot_range){ base + 2 * i * PAGE,
						base + (2 * i + 1) * PAGE };
	open_self(&c, 1);
	ck_assert_int_eq(collect_ranges(&c, &alone, r, 3000), 0);
	c.opts.threads = 4;
	ck_assert_int_eq(collect_ranges(&c, &shared, r, 3000), 0);
	ck_assert_uint_eq(alone.nr_pages, 3000);
	ck_assert_uint_eq(shared.nr_pages, 3000);
	for (size_t i = 0; i < 3000; i++) {
		ck_assert_uint_eq(shared.pages[i].vaddr, r[i].start);
		ck_assert_uint_eq(shared.pages[i].vaddr, alone.pages[i].vaddr);
		ck_assert_uint_eq(shared.pages[i].flags, alone.pages[i].flags);
		ck_assert_uint_eq(shared.pages[i].pfn, alone.pages[i].pfn);
	}
	snapshot_free(&alone);
	snapshot_free(&shared);
	collect_close(&c);
	free(r);
	munmap((void *)(uintptr_t)base, 6000 * PAGE);
}
END_TEST

static void add(TCase *tc)
{
	tcase_add_test(tc, test_ranges_join_across_holes_no_wider_than_the_gap);
	tcase_add_test(tc, test_joining_without_a_gap_keeps_ranges_apart_by_one_page);
	tcase_add_test(tc, test_pieces_are_each_mapping_within_each_range_in_address_order);
	tcase_add_test(tc, test_pieces_keep_within_the_snapshots_own_range);
	tcase_add_test(tc, test_thousands_of_ranges_over_thousands_of_mappings_read_each_page_once);
	tcase_add_test(tc, test_a_seek_from_any_page_finds_the_first_at_or_after_an_address);
	tcase_add_test(tc, test_a_cut_leaves_its_pages_and_splits_the_ranges_around_it);
	tcase_add_test(tc, test_merging_a_cut_part_keeps_the_models_pages_in_the_cut);
	tcase_add_test(tc, test_a_read_of_ranges_holds_no_page_outside_them);
	tcase_add_test(tc, test_thousands_of_one_page_ranges_read_by_threads_equal_one_reader);
}

int main(void)
{
	return unit_run("ranges", add);
}
