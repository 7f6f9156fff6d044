// SPDX-License-Identifier: GPL-2.0
/*
 * The session's frames at 16 bytes a page (model/page_store.h): they hold
 * what a snapshot holds, fold a refresh in as snapshot_merge() does, and
 * share what a refresh did not change.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "model.h"
#include "model/page_store.h"
#include "model/snapshot_merge.h"
#include "model/snapshot_summary.h"
#include "unit.h"

/* Three mappings: 0x1000-0x100000, 0x200000-0x40000000, 0x7f0000000000-+1G */
static void three_mappings(struct snapshot *snap)
{
	model_init(snap, "[heap]");
	snap->mappings = realloc(snap->mappings, 3 * sizeof(*snap->mappings));
	snap->nr_mappings = 3;
	snap->mappings[1] = snap->mappings[0];
	snap->mappings[1].path = strdup("/lib/libc.so.6");
	snap->mappings[1].start = 0x200000;
	snap->mappings[1].end = 0x40000000;
	snap->mappings[2] = snap->mappings[0];
	snap->mappings[2].path = strdup("[anon]");
	snap->mappings[2].start = 0x7f0000000000ULL;
	snap->mappings[2].end = 0x7f0040000000ULL;
}

static uint64_t rnd(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

/* A page at VADDR in mapping M with fields drawn from X */
static void add_page(struct snapshot *snap, uint64_t vaddr, uint32_t m,
		     uint64_t *x)
{
	struct snapshot_page p = {
		.vaddr = vaddr,
		.pfn = rnd(x) % 4 ? rnd(x) & 0xffffffffffULL : rnd(x),
		.flags = rnd(x) % 3 ? MODEL_PRESENT : rnd(x),
		.refcount = (uint32_t)(rnd(x) % 5),
		.mapcount = (uint32_t)(rnd(x) % 3),
		.pincount = (uint32_t)(rnd(x) % 2),
		.mapping = m,
		.node = rnd(x) % 5 ? (uint16_t)(rnd(x) % 2) : PAGEWATCH_NODE_NONE,
		.order = (uint8_t)(rnd(x) % 10),
		.swap_type = (uint8_t)(rnd(x) % 4),
	};

	ck_assert_int_eq(snapshot_add_page(snap, &p), 0);
}

/* Pages of the three mappings, some addresses left out, from seed X */
static void random_pages(struct snapshot *snap, uint64_t x, size_t each)
{
	static const uint64_t base[3] = { 0x1000, 0x200000, 0x7f0000000000ULL };

	three_mappings(snap);
	for (uint32_t m = 0; m < 3; m++)
		for (size_t i = 0; i < each &&
		     base[m] + i * 4096 < snap->mappings[m].end; i++)
			if (rnd(&x) % 7)
				add_page(snap, base[m] + i * 4096, m, &x);
}

static bool same_page(const struct snapshot_page *a,
		      const struct snapshot_page *b)
{
	return a->vaddr == b->vaddr && a->pfn == b->pfn &&
	       a->flags == b->flags && a->refcount == b->refcount &&
	       a->mapcount == b->mapcount && a->pincount == b->pincount &&
	       a->mapping == b->mapping && a->node == b->node &&
	       a->order == b->order && a->swap_type == b->swap_type;
}

/*
 * ST holds exactly SNAP's pages, read by index, by walk and by address
 * (checked without an assertion per page: Check writes each to a pipe)
 */
static void assert_holds(const struct page_store *st, const struct snapshot *snap)
{
	struct page_store_cursor cur = { 0, 0 };
	struct page_store_iter it;
	struct snapshot_page page, walked, seen;

	ck_assert_uint_eq(st->nr_pages, snap->nr_pages);
	page_store_iter_init(&it, st, 0);
	for (size_t i = 0; i < snap->nr_pages; i++) {
		const struct snapshot_page *want = &snap->pages[i];

		page_store_get(st, i, &page);
		if (!page_store_next(&it, &walked) ||
		    !page_store_seek(st, &cur, want->vaddr, &seen) ||
		    !same_page(&page, want) || !same_page(&walked, want) ||
		    seen.pfn != want->pfn ||
		    page_store_index(st, want->vaddr) != i)
			ck_abort_msg("page %zu at %" PRIx64 ": pfn %" PRIx64
				     " mapping %u, walked %" PRIx64 ", want pfn %"
				     PRIx64 " mapping %u", i, want->vaddr,
				     page.pfn, page.mapping, walked.vaddr,
				     want->pfn, want->mapping);
	}
	ck_assert(!page_store_next(&it, &page));
}

START_TEST(test_a_store_holds_every_field_of_every_page)
{
	struct snapshot snap;
	struct page_store st;

	random_pages(&snap, 42, 7000);
	ck_assert_int_eq(page_store_from_snapshot(NULL, &snap, &st), 0);
	st.mappings = snap.mappings;
	st.nr_mappings = snap.nr_mappings;
	assert_holds(&st, &snap);
	/* an address between pages: the next one, and no page there */
	ck_assert_uint_eq(page_store_index(&st, 0x1800),
			  snapshot_page_index(&snap, 0x1800));
	ck_assert_uint_eq(page_store_index(&st, UINT64_MAX), snap.nr_pages);
	page_store_free(&st);
	snapshot_free(&snap);
}
END_TEST

START_TEST(test_a_dense_target_costs_16_bytes_a_page)
{
	struct snapshot snap;
	struct page_store st;
	uint64_t x = 7;

	three_mappings(&snap);
	/* 64 MiB of anonymous pages, all alike but for PFN and node */
	for (uint64_t i = 0; i < 16384; i++) {
		model_add(&snap, 0x7f0000000000ULL + i * 4096, rnd(&x) & 0xfffffff,
			  (uint16_t)(i % 2), MODEL_PRESENT);
		snap.pages[i].mapping = 2;
	}
	ck_assert_int_eq(page_store_from_snapshot(NULL, &snap, &st), 0);
	ck_assert_uint_eq(page_store_nr_shapes(&st), 1);
	ck_assert_uint_le(page_store_bytes(&st), 16 * 16384 + 16 * 64);
	page_store_free(&st);
	snapshot_free(&snap);
}
END_TEST

/*
 * Folding a part into a frame gives the pages snapshot_merge() gives for
 * the same flat snapshots: random frames, parts and ranges, mappings that
 * stay, shrink or go.
 */
START_TEST(test_merge_gives_what_the_flat_merge_gives)
{
	for (uint64_t seed = 1; seed <= 16; seed++) {
		struct snapshot model, part, flat_part, merged = { 0 };
		struct snapshot_range r[3];
		struct page_store st, out;
		uint64_t x = seed * 7919, start;
		/* odd seeds: one short range, which leaves chunks untouched */
		size_t nr = seed % 2 ? 1 : 1 + rnd(&x) % 3;

		random_pages(&model, seed, 6000);
		three_mappings(&part);
		if (seed % 4 == 0)
			part.mappings[1].end = 0x200000 + 1000 * 4096;
		for (size_t i = 0; i < nr; i++) {
			start = model.nr_pages ?
				model.pages[rnd(&x) % model.nr_pages].vaddr : 0;
			r[i].start = start;
			r[i].end = start + (1 + rnd(&x) % (seed % 2 ? 300 : 5000)) * 4096;
		}
		nr = snapshot_ranges_join(r, nr);
		for (size_t i = 0; i < nr; i++)
			for (uint64_t v = r[i].start; v < r[i].end; v += 4096) {
				uint32_t m = v < 0x100000 ? 0 : v < 0x40000000 ? 1 : 2;

				if (v >= part.mappings[m].start &&
				    v < part.mappings[m].end && rnd(&x) % 3)
					add_page(&part, v, m, &x);
			}
		three_mappings(&flat_part);
		flat_part.mappings[1].end = part.mappings[1].end;
		for (size_t i = 0; i < part.nr_pages; i++)
			snapshot_add_page(&flat_part, &part.pages[i]);

		ck_assert_int_eq(page_store_from_snapshot(NULL, &model, &st), 0);
		ck_assert_int_eq(page_store_merge(&st, &part, r, nr, &out), 0);
		ck_assert_int_eq(snapshot_merge(&model, &flat_part, r, nr, &merged), 0);
		assert_holds(&out, &merged);
		/* what lies outside the ranges and stayed mapped is not copied */
		if (seed % 2 && !page_store_pages_shared(&st, &out))
			ck_abort_msg("seed %" PRIu64 ": nothing shared of %zu chunks, "
				     "%zu ranges from %" PRIx64, seed, st.nr_chunks,
				     nr, r[0].start);
		page_store_free(&st);
		page_store_free(&out);
		snapshot_free(&model);
		snapshot_free(&part);
		snapshot_free(&flat_part);
		snapshot_free(&merged);
	}
}
END_TEST

START_TEST(test_a_refresh_copies_only_the_chunks_it_read)
{
	const struct snapshot_range slice = { 0x7f0000400000ULL, 0x7f0000404000ULL };
	struct snapshot model, part;
	struct page_store st, out, again;
	uint64_t x = 3;

	three_mappings(&model);
	for (uint64_t i = 0; i < 20 * PAGE_STORE_CHUNK; i++)
		add_page(&model, 0x7f0000000000ULL + i * 4096, 2, &x);
	ck_assert_int_eq(page_store_from_snapshot(NULL, &model, &st), 0);
	three_mappings(&part);
	model_add(&part, 0x7f0000401000ULL, 0x123, 1, MODEL_PRESENT);
	part.pages[0].mapping = 2;
	ck_assert_int_eq(page_store_merge(&st, &part, &slice, 1, &out), 0);
	/* four pages read, three gone: one chunk (or two, at a border) copied */
	ck_assert_uint_eq(out.nr_pages, model.nr_pages - 3);
	ck_assert_uint_ge(page_store_pages_shared(&st, &out),
			  out.nr_pages - 2 * PAGE_STORE_CHUNK);
	/* everything read again, nothing changed: nothing copied */
	ck_assert_int_eq(page_store_from_snapshot(&st, &model, &again), 0);
	ck_assert_uint_eq(page_store_pages_shared(&st, &again), model.nr_pages);
	page_store_free(&st);
	page_store_free(&out);
	page_store_free(&again);
	snapshot_free(&model);
	snapshot_free(&part);
}
END_TEST

START_TEST(test_a_frame_after_a_part_shares_its_chunks_refresh_after_refresh)
{
	struct snapshot model, part;
	struct page_store st, next;
	uint64_t x = 5;

	three_mappings(&model);
	for (uint64_t i = 0; i < 16 * PAGE_STORE_CHUNK; i++)
		add_page(&model, 0x7f0000000000ULL + i * 4096, 2, &x);
	ck_assert_int_eq(page_store_from_snapshot(NULL, &model, &st), 0);
	/* slices that go round: chunks do not crumble into small ones */
	for (int round = 0; round < 200; round++) {
		uint64_t at = rnd(&x) % (16 * PAGE_STORE_CHUNK - 1000);
		struct snapshot_range r = {
			0x7f0000000000ULL + at * 4096,
			0x7f0000000000ULL + (at + 1 + rnd(&x) % 999) * 4096,
		};

		three_mappings(&part);
		for (uint64_t v = r.start; v < r.end; v += 4096)
			add_page(&part, v, 2, &x);
		ck_assert_int_eq(page_store_merge(&st, &part, &r, 1, &next), 0);
		ck_assert_uint_eq(next.nr_pages, model.nr_pages);
		page_store_free(&st);
		st = next;
		snapshot_free(&part);
	}
	ck_assert_uint_le(st.nr_chunks, 2 * 16 * 4 + 2);
	page_store_free(&st);
	snapshot_free(&model);
}
END_TEST

START_TEST(test_the_table_of_shapes_does_not_grow_for_ever)
{
	struct snapshot model, part;
	struct page_store st, next;
	const size_t n = 4096;

	three_mappings(&model);
	for (uint64_t i = 0; i < n; i++)
		model_add(&model, 0x2000 + i * 4096, i, 0, MODEL_PRESENT);
	ck_assert_int_eq(page_store_from_snapshot(NULL, &model, &st), 0);
	/* refcounts that drift: each refresh brings shapes no page keeps */
	for (uint32_t round = 1; round <= 40; round++) {
		struct snapshot_range all = { 0x1000, 0x100000 };

		three_mappings(&part);
		for (uint64_t i = 0; i < n - 4000 + 200; i++) {
			model_add(&part, 0x2000 + i * 4096, i, 0, MODEL_PRESENT);
			part.pages[i].refcount = round * 4096 + (uint32_t)i;
		}
		ck_assert_int_eq(page_store_merge(&st, &part, &all, 1, &next), 0);
		page_store_free(&st);
		st = next;
		snapshot_free(&part);
	}
	/* the last frame's own shapes and at most the limit besides */
	ck_assert_uint_le(page_store_nr_shapes(&st), 65536 + 296 + 296);
	page_store_free(&st);
	snapshot_free(&model);
}
END_TEST

static bool keep_odd_pfns(const struct snapshot_page *page, const void *arg)
{
	(void)arg;
	return page->pfn & 1;
}

static void assert_same_summaries(const struct snapshot_summary *a, size_t na,
				  const struct snapshot_summary *b, size_t nb,
				  int nodes)
{
	ck_assert_uint_eq(na, nb);
	for (size_t i = 0; i < na; i++) {
		ck_assert_uint_eq(a[i].mapping, b[i].mapping);
		ck_assert(!memcmp(a[i].count, b[i].count, sizeof(a[i].count)));
		ck_assert(!memcmp(a[i].known, b[i].known, sizeof(a[i].known)));
		for (int n = 0; n < nodes; n++) {
			ck_assert_uint_eq(a[i].node_pages[n], b[i].node_pages[n]);
			ck_assert_uint_eq(a[i].node_hugetlb[n], b[i].node_hugetlb[n]);
		}
	}
}

/* The mappings pane's counts: what snapshot_summarize() counts */
START_TEST(test_a_frame_summarizes_as_its_snapshot_does)
{
	struct snapshot_summary *want, *got;
	struct snapshot snap;
	struct page_store st;
	size_t nw, ng;
	uint64_t x = 11;

	random_pages(&snap, 9, 5000);
	/* and runs of alike pages, which are counted a run at a time */
	for (uint64_t i = 0; i < 3000; i++) {
		model_add(&snap, 0x7f0010000000ULL + i * 4096, rnd(&x) & 0xffff,
			  (uint16_t)(i / 700 % 2), MODEL_PRESENT |
			  (i % 1000 < 10 ? SNAPSHOT_BIT(PAGEWATCH_PAGE_HUGETLB) : 0));
		snap.pages[snap.nr_pages - 1].mapping = 2;
	}
	ck_assert_int_eq(page_store_from_snapshot(NULL, &snap, &st), 0);
	st.mappings = snap.mappings;
	st.nr_mappings = snap.nr_mappings;
	ck_assert_int_eq(snapshot_summarize(&snap, NULL, NULL, &want, &nw), 0);
	ck_assert_int_eq(page_store_summarize(&st, &snap, NULL, NULL, &got, &ng), 0);
	assert_same_summaries(want, nw, got, ng, snap.nr_nodes);
	snapshot_summary_free(want, nw);
	snapshot_summary_free(got, ng);
	ck_assert_int_eq(snapshot_summarize(&snap, keep_odd_pfns, NULL, &want, &nw), 0);
	ck_assert_int_eq(page_store_summarize(&st, &snap, keep_odd_pfns, NULL,
					      &got, &ng), 0);
	assert_same_summaries(want, nw, got, ng, snap.nr_nodes);
	snapshot_summary_free(want, nw);
	snapshot_summary_free(got, ng);
	page_store_free(&st);
	snapshot_free(&snap);
}
END_TEST

/* The page map's walk: runs of alike pages within a cell, every page once */
START_TEST(test_alike_runs_stop_at_a_change_a_span_and_the_limit)
{
	struct snapshot snap;
	struct page_store st;
	struct page_store_iter it;
	struct snapshot_page page;
	size_t run, seen = 0, runs = 0;

	three_mappings(&snap);
	for (uint64_t i = 0; i < 10000; i++) {
		model_add(&snap, 0x7f0000000000ULL + i * 4096, i,
			  (uint16_t)(i >= 5000), MODEL_PRESENT);
		snap.pages[i].mapping = 2;
	}
	ck_assert_int_eq(page_store_from_snapshot(NULL, &snap, &st), 0);
	st.mappings = snap.mappings;
	st.nr_mappings = snap.nr_mappings;
	page_store_iter_init(&it, &st, 0);
	/* cells of 1000 pages, 9999 pages asked for */
	while ((run = page_store_next_alike(&it, &page, 0x7f0000000000ULL,
					    1000 * 4096, 9999 - seen))) {
		ck_assert_uint_eq(page.vaddr, 0x7f0000000000ULL + seen * 4096);
		ck_assert_uint_eq(page.node, seen >= 5000);
		seen += run;
		runs++;
	}
	ck_assert_uint_eq(seen, 9999);
	ck_assert_uint_eq(runs, 10);
	ck_assert_uint_eq(it.index, 9999);
	page_store_free(&st);
	snapshot_free(&snap);
}
END_TEST

START_TEST(test_a_page_at_no_page_address_is_refused)
{
	struct snapshot snap;
	struct page_store st;

	model_init(&snap, "[heap]");
	model_add(&snap, 0x1800, 0x100, 0, MODEL_PRESENT);
	ck_assert_int_eq(page_store_from_snapshot(NULL, &snap, &st), -ERANGE);
	snapshot_free(&snap);
}
END_TEST

static void add(TCase *tc)
{
	tcase_add_test(tc, test_a_store_holds_every_field_of_every_page);
	tcase_add_test(tc, test_a_dense_target_costs_16_bytes_a_page);
	tcase_add_test(tc, test_merge_gives_what_the_flat_merge_gives);
	tcase_add_test(tc, test_a_refresh_copies_only_the_chunks_it_read);
	tcase_add_test(tc, test_a_frame_after_a_part_shares_its_chunks_refresh_after_refresh);
	tcase_add_test(tc, test_the_table_of_shapes_does_not_grow_for_ever);
	tcase_add_test(tc, test_a_frame_summarizes_as_its_snapshot_does);
	tcase_add_test(tc, test_alike_runs_stop_at_a_change_a_span_and_the_limit);
	tcase_add_test(tc, test_a_page_at_no_page_address_is_refused);
}

int main(void)
{
	return unit_run("page_store", add);
}
