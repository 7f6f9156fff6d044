// SPDX-License-Identifier: GPL-2.0
/* The session's model: event log, page history, moved counts; rate parsing. */
#include "config.h"

#include <errno.h>
#include <numaif.h>
#include <stdio.h>
#include <string.h>

#include "model.h"
#include "kernel/numa_topo.h"
#include "kernel/perf_events.h"
#include "model/track.h"
#include "tui/session.h"
#include "unit.h"

#define MODEL_KMOD (MODEL_PRESENT | SNAPSHOT_BIT(SNAPSHOT_KNOWN_KMOD))
#define PINNED SNAPSHOT_BIT(PAGEWATCH_PAGE_MAYBE_PINNED)

/* F: SNAP as the session's frame (SNAP's mappings and changes move to it) */
static void frame_of(struct session_frame *f, struct snapshot *snap)
{
	static const struct snapshot_range all = { 0, UINT64_MAX };

	memset(f, 0, sizeof(*f));
	ck_assert_int_eq(session_frame_make(f, NULL, snap, &all, 1), 0);
}

/* Page I of frame F */
static struct snapshot_page page_of(const struct session_frame *f, size_t i)
{
	struct snapshot_page page;

	ck_assert_uint_lt(i, f->snap.nr_pages);
	page_store_get(&f->store, i, &page);
	return page;
}

/* OLD and NEW, NEW compared with OLD's frame; SESSION applied. */
static void step(struct session *s, struct snapshot *old, struct snapshot *new)
{
	struct session_frame f;

	new->seq = old->seq + 1;
	frame_of(&f, old);
	ck_assert_int_eq(track_compare_store(&f.store, new, NULL), 0);
	ck_assert_int_eq(session_apply(s, &f, new), 0);
	session_frame_clear(&f);
}

START_TEST(test_migrated_page_is_logged_with_old_and_new_node)
{
	struct snapshot old, new;
	struct session s;
	struct session_event ev;

	ck_assert_int_eq(session_init(&s, NULL, 1.0), 0);
	model_init(&old, "[heap]");
	model_init(&new, "[heap]");
	model_add(&old, 0x2000, 0x100, 0, MODEL_PRESENT);
	model_add(&new, 0x2000, 0x200, 1, MODEL_PRESENT);
	step(&s, &old, &new);
	ck_assert_uint_eq(session_nr_events(&s), 1);
	ck_assert(session_event(&s, 0, &ev));
	ck_assert_uint_eq(ev.kind, SESSION_EV_MIGRATED);
	ck_assert_uint_eq(ev.vaddr, 0x2000);
	ck_assert_uint_eq(ev.old_node, 0);
	ck_assert_uint_eq(ev.new_node, 1);
	ck_assert_uint_eq(ev.old_pfn, 0x100);
	ck_assert_uint_eq(ev.new_pfn, 0x200);
	ck_assert_str_eq(ev.text, "[heap]");
	snapshot_free(&old);
	snapshot_free(&new);
	session_free(&s);
}
END_TEST

START_TEST(test_history_keeps_first_sighting_and_each_move)
{
	struct snapshot a, b, c;
	struct session_hist h;
	struct session s;

	ck_assert_int_eq(session_init(&s, NULL, 1.0), 0);
	model_init(&a, "[heap]");
	model_init(&b, "[heap]");
	model_init(&c, "[heap]");
	model_add(&a, 0x2000, 0x100, 0, MODEL_PRESENT);
	model_add(&b, 0x2000, 0x200, 1, MODEL_PRESENT);
	model_add(&c, 0x2000, 0x300, 0, MODEL_PRESENT);
	step(&s, &a, &b);
	step(&s, &b, &c);
	ck_assert(session_history(&s, 0x2000, &h));
	ck_assert_uint_eq(h.moves, 2);
	ck_assert_uint_eq(h.nr, 3);
	ck_assert_uint_eq(h.e[0].pfn, 0x100);
	ck_assert_uint_eq(h.e[0].seq, 1);
	ck_assert_uint_eq(h.e[1].pfn, 0x200);
	ck_assert_uint_eq(h.e[1].node, 1);
	ck_assert_uint_eq(h.e[2].pfn, 0x300);
	ck_assert_uint_eq(h.e[2].seq, 3);
	ck_assert(!session_history(&s, 0x3000, &h));
	snapshot_free(&a);
	snapshot_free(&b);
	snapshot_free(&c);
	session_free(&s);
}
END_TEST

START_TEST(test_moved_in_counts_distinct_pages_of_a_range)
{
	struct snapshot a, b, c;
	struct session s;

	ck_assert_int_eq(session_init(&s, NULL, 1.0), 0);
	model_init(&a, "[heap]");
	model_init(&b, "[heap]");
	model_init(&c, "[heap]");
	model_add(&a, 0x2000, 0x100, 0, MODEL_PRESENT);
	model_add(&a, 0x5000, 0x101, 0, MODEL_PRESENT);
	model_add(&b, 0x2000, 0x200, 1, MODEL_PRESENT);
	model_add(&b, 0x5000, 0x101, 0, MODEL_PRESENT);
	model_add(&c, 0x2000, 0x300, 0, MODEL_PRESENT);
	model_add(&c, 0x5000, 0x301, 1, MODEL_PRESENT);
	step(&s, &a, &b);
	step(&s, &b, &c);
	ck_assert_uint_eq(session_moved_in(&s, 0x1000, 0x100000), 2);
	ck_assert_uint_eq(session_moved_in(&s, 0x1000, 0x3000), 1);
	ck_assert_uint_eq(session_moved_in(&s, 0x6000, 0x100000), 0);
	snapshot_free(&a);
	snapshot_free(&b);
	snapshot_free(&c);
	session_free(&s);
}
END_TEST

START_TEST(test_pin_change_is_logged_when_the_module_saw_both)
{
	struct snapshot old, new;
	struct session s;
	struct session_event ev;

	ck_assert_int_eq(session_init(&s, NULL, 1.0), 0);
	model_init(&old, "[anon]");
	model_init(&new, "[anon]");
	model_add(&old, 0x2000, 0x100, 0, MODEL_KMOD);
	model_add(&new, 0x2000, 0x100, 0, MODEL_KMOD | PINNED);
	model_add(&old, 0x3000, 0x101, 0, MODEL_PRESENT);
	model_add(&new, 0x3000, 0x101, 0, MODEL_PRESENT | PINNED);
	step(&s, &old, &new);
	ck_assert_uint_eq(session_nr_events(&s), 1);
	ck_assert(session_event(&s, 0, &ev));
	ck_assert_uint_eq(ev.kind, SESSION_EV_PINNED);
	ck_assert_uint_eq(ev.vaddr, 0x2000);
	snapshot_free(&old);
	snapshot_free(&new);
	session_free(&s);
}
END_TEST

START_TEST(test_many_changes_are_logged_once_per_mapping)
{
	struct snapshot old, new;
	struct session s;
	struct session_event ev;
	const uint64_t n = SESSION_EVENTS_AGGREGATE + 1;

	ck_assert_int_eq(session_init(&s, NULL, 1.0), 0);
	model_init(&old, "[heap]");
	model_init(&new, "[heap]");
	for (uint64_t i = 0; i < n; i++) {
		model_add(&old, 0x2000 + i * 4096, 0x100 + i, 0, MODEL_PRESENT);
		model_add(&new, 0x2000 + i * 4096, 0x900 + i, 1, MODEL_PRESENT);
	}
	step(&s, &old, &new);
	ck_assert_uint_eq(session_nr_events(&s), 1);
	ck_assert(session_event(&s, 0, &ev));
	ck_assert_uint_eq(ev.count, n);
	snapshot_free(&old);
	snapshot_free(&new);
	session_free(&s);
}
END_TEST

START_TEST(test_event_log_keeps_the_newest_when_full)
{
	struct session s;
	struct session_event ev;
	char text[32];

	ck_assert_int_eq(session_init(&s, NULL, 1.0), 0);
	for (int i = 0; i < SESSION_EVENTS_MAX + 5; i++) {
		snprintf(text, sizeof(text), "note %d", i);
		session_note(&s, text);
	}
	ck_assert_uint_eq(session_nr_events(&s), SESSION_EVENTS_MAX);
	ck_assert(session_event(&s, 0, &ev));
	snprintf(text, sizeof(text), "note %d", SESSION_EVENTS_MAX + 4);
	ck_assert_str_eq(ev.text, text);
	ck_assert(session_event(&s, SESSION_EVENTS_MAX - 1, &ev));
	ck_assert_str_eq(ev.text, "note 5");
	ck_assert(!session_event(&s, SESSION_EVENTS_MAX, &ev));
	session_free(&s);
}
END_TEST

START_TEST(test_parse_value_reads_vmstat_and_sched_lines)
{
	const char *vmstat = "numa_hint_faults 12\nnuma_hint_faults_local 7\n";
	const char *sched = "se.nr_migrations : 3\nnuma_pages_migrated                          :                   42\n";
	uint64_t v;

	ck_assert(perf_events_parse_value(vmstat, "numa_hint_faults", &v));
	ck_assert_uint_eq(v, 12);
	ck_assert(perf_events_parse_value(vmstat, "numa_hint_faults_local", &v));
	ck_assert_uint_eq(v, 7);
	ck_assert(perf_events_parse_value(sched, "numa_pages_migrated", &v));
	ck_assert_uint_eq(v, 42);
	ck_assert(!perf_events_parse_value(vmstat, "numa_pte_updates", &v));
}
END_TEST

START_TEST(test_rate_is_unknown_when_the_source_changed)
{
	struct perf_sample a = { .time = { 10, 0 } }, b = { .time = { 12, 0 } };
	double r;

	a.source[PERF_RATE_FAULTS] = b.source[PERF_RATE_FAULTS] = PERF_SRC_PERF;
	a.value[PERF_RATE_FAULTS] = 100;
	b.value[PERF_RATE_FAULTS] = 300;
	ck_assert(perf_events_rate(&a, &b, PERF_RATE_FAULTS, &r));
	ck_assert(r == 100.0);
	b.source[PERF_RATE_FAULTS] = PERF_SRC_PROC_STAT;
	ck_assert(!perf_events_rate(&a, &b, PERF_RATE_FAULTS, &r));
}
END_TEST

START_TEST(test_every_rate_and_source_has_a_name)
{
	for (unsigned int r = 0; r < PERF_RATE_NR; r++)
		ck_assert_ptr_nonnull(perf_events_rate_name(r));
	for (unsigned int s = 0; s < PERF_SRC_NR; s++)
		ck_assert_ptr_nonnull(perf_events_source_name(s));
	for (unsigned int k = 0; k < SESSION_EV_NR; k++)
		ck_assert_ptr_nonnull(session_event_name(k));
}
END_TEST

/* PART: a fresh read of RANGES; MODEL becomes the merged frame. */
static void roll(struct session *s, struct session_frame *model,
		 struct snapshot *part, const struct snapshot_range *ranges,
		 size_t nr)
{
	struct session_frame merged;

	memset(&merged, 0, sizeof(merged));
	part->seq = model->snap.seq + 1;
	ck_assert_int_eq(refresh_step(s, model, part, ranges, nr, NULL, &merged), 0);
	session_frame_clear(model);
	snapshot_free(part);
	*model = merged;
}

START_TEST(test_slice_merge_keeps_pages_outside_the_slice_as_last_seen)
{
	const struct snapshot_range slice = { 0x3000, 0x5000 };
	struct snapshot first, part;
	struct session_frame model;
	struct session s;

	ck_assert_int_eq(session_init(&s, NULL, 1.0), 0);
	model_init(&first, "[heap]");
	model_init(&part, "[heap]");
	model_add(&first, 0x2000, 0x100, 0, MODEL_PRESENT);
	model_add(&first, 0x3000, 0x101, 0, MODEL_PRESENT);
	model_add(&first, 0x4000, 0x102, 0, MODEL_PRESENT);
	model_add(&first, 0x5000, 0x103, 0, MODEL_PRESENT);
	frame_of(&model, &first);
	snapshot_free(&first);
	/* 0x4000 was freed, 0x3000 moved to node 1 */
	model_add(&part, 0x3000, 0x201, 1, MODEL_PRESENT);
	roll(&s, &model, &part, &slice, 1);
	ck_assert_uint_eq(model.snap.nr_pages, 3);
	ck_assert_uint_eq(page_of(&model, 0).vaddr, 0x2000);
	ck_assert_uint_eq(page_of(&model, 0).pfn, 0x100);
	ck_assert_uint_eq(page_of(&model, 1).vaddr, 0x3000);
	ck_assert_uint_eq(page_of(&model, 1).pfn, 0x201);
	ck_assert(page_of(&model, 1).flags & SNAPSHOT_BIT(SNAPSHOT_PAGE_MIGRATED));
	ck_assert_uint_eq(page_of(&model, 2).vaddr, 0x5000);
	ck_assert_uint_eq(model.snap.nr_changes, 1);
	ck_assert_uint_eq(model.snap.changes[0].page, 1);
	ck_assert_uint_eq(model.snap.changes[0].old_pfn, 0x101);
	ck_assert_uint_eq(session_nr_events(&s), 1);
	session_frame_clear(&model);
	session_free(&s);
}
END_TEST

START_TEST(test_slice_compares_a_page_with_its_observation_by_the_focus)
{
	const struct snapshot_range focus = { 0x2000, 0x3000 };
	const struct snapshot_range slice = { 0x1000, 0x100000 };
	struct snapshot first, part;
	struct session_frame model;
	struct session_event ev;
	struct session_hist h;
	struct session s;

	ck_assert_int_eq(session_init(&s, NULL, 1.0), 0);
	model_init(&first, "[heap]");
	model_add(&first, 0x2000, 0x100, 0, MODEL_PRESENT);
	model_add(&first, 0x7000, 0x107, 0, MODEL_PRESENT);
	frame_of(&model, &first);
	snapshot_free(&first);
	/* the focus sees 0x2000 move once */
	model_init(&part, "[heap]");
	model_add(&part, 0x2000, 0x200, 1, MODEL_PRESENT);
	roll(&s, &model, &part, &focus, 1);
	/* the slice sees it where the focus last saw it: no second move */
	model_init(&part, "[heap]");
	model_add(&part, 0x2000, 0x200, 1, MODEL_PRESENT);
	model_add(&part, 0x7000, 0x107, 0, MODEL_PRESENT);
	roll(&s, &model, &part, &slice, 1);
	ck_assert_uint_eq(session_nr_events(&s), 1);
	ck_assert(!(page_of(&model, 0).flags & SNAPSHOT_BIT(SNAPSHOT_PAGE_MIGRATED)));
	/* and the next move is from there */
	model_init(&part, "[heap]");
	model_add(&part, 0x2000, 0x300, 0, MODEL_PRESENT);
	roll(&s, &model, &part, &focus, 1);
	ck_assert_uint_eq(session_nr_events(&s), 2);
	ck_assert(session_event(&s, 0, &ev));
	ck_assert_uint_eq(ev.old_pfn, 0x200);
	ck_assert_uint_eq(ev.new_pfn, 0x300);
	ck_assert(session_history(&s, 0x2000, &h));
	ck_assert_uint_eq(h.moves, 2);
	ck_assert_uint_eq(h.nr, 3);
	session_frame_clear(&model);
	session_free(&s);
}
END_TEST

START_TEST(test_frame_drops_pages_of_a_mapping_that_went_away)
{
	const struct snapshot_range slice = { 0x1000, 0x2000 };
	struct snapshot first, part;
	struct session_frame model, merged;

	model_init(&first, "[heap]");
	model_add(&first, 0x50000, 0x100, 0, MODEL_PRESENT);
	model_add(&first, 0x90000, 0x101, 0, MODEL_PRESENT);
	frame_of(&model, &first);
	model_init(&part, "[heap]");
	/* the target unmapped 0x80000-0x100000 */
	part.mappings[0].end = 0x80000;
	memset(&merged, 0, sizeof(merged));
	ck_assert_int_eq(session_frame_make(&merged, &model, &part, &slice, 1), 0);
	ck_assert_uint_eq(merged.snap.nr_pages, 1);
	ck_assert_uint_eq(page_of(&merged, 0).vaddr, 0x50000);
	ck_assert_uint_eq(merged.snap.nr_mappings, 1);
	ck_assert_uint_eq(merged.snap.mappings[0].end, 0x80000);
	snapshot_free(&first);
	snapshot_free(&part);
	session_frame_clear(&model);
	session_frame_clear(&merged);
}
END_TEST

START_TEST(test_merge_drops_pages_of_a_mapping_that_went_away)
{
	const struct snapshot_range slice = { 0x1000, 0x2000 };
	struct snapshot model, part, merged;

	model_init(&model, "[heap]");
	model_add(&model, 0x50000, 0x100, 0, MODEL_PRESENT);
	model_add(&model, 0x90000, 0x101, 0, MODEL_PRESENT);
	model_init(&part, "[heap]");
	/* the target unmapped 0x80000-0x100000 */
	part.mappings[0].end = 0x80000;
	memset(&merged, 0, sizeof(merged));
	ck_assert_int_eq(snapshot_merge(&model, &part, &slice, 1, &merged), 0);
	ck_assert_uint_eq(merged.nr_pages, 1);
	ck_assert_uint_eq(merged.pages[0].vaddr, 0x50000);
	ck_assert_uint_eq(merged.nr_mappings, 1);
	ck_assert_uint_eq(merged.mappings[0].end, 0x80000);
	snapshot_free(&model);
	snapshot_free(&part);
	snapshot_free(&merged);
}
END_TEST

START_TEST(test_slice_end_counts_pages_of_the_model)
{
	struct snapshot first;
	struct session_frame model;

	model_init(&first, "[heap]");
	for (uint64_t i = 0; i < 10; i++)
		model_add(&first, 0x2000 + i * 0x1000, 0x100 + i, 0, MODEL_PRESENT);
	frame_of(&model, &first);
	ck_assert_uint_eq(page_store_slice_end(&model.store, 0, 4), 0x6000);
	ck_assert_uint_eq(page_store_slice_end(&model.store, 0x6000, 4), 0xa000);
	ck_assert_uint_eq(page_store_slice_end(&model.store, 0xa000, 4), UINT64_MAX);
	ck_assert_uint_eq(page_store_index(&model.store, 0x6000) -
			  page_store_index(&model.store, 0x2000), 4);
	snapshot_free(&first);
	session_frame_clear(&model);
}
END_TEST

START_TEST(test_part_unchanged_only_when_pages_and_mappings_are_the_same)
{
	const struct snapshot_range slice = { 0x2000, 0x4000 };
	struct snapshot first, part;
	struct session_frame model;
	const struct page_store *st = &model.store;

	model_init(&first, "[heap]");
	model_add(&first, 0x1000, 0x100, 0, MODEL_PRESENT);
	model_add(&first, 0x2000, 0x101, 0, MODEL_PRESENT);
	model_add(&first, 0x3000, 0x102, 1, MODEL_PRESENT);
	model_add(&first, 0x5000, 0x103, 0, MODEL_PRESENT);
	/* tracking's results in the model do not count as a change */
	first.pages[1].flags |= SNAPSHOT_BIT(SNAPSHOT_PAGE_MIGRATED) |
				SNAPSHOT_BIT(SNAPSHOT_KNOWN_MIGRATED);
	frame_of(&model, &first);
	model_init(&part, "[heap]");
	model_add(&part, 0x2000, 0x101, 0, MODEL_PRESENT);
	model_add(&part, 0x3000, 0x102, 1, MODEL_PRESENT);
	ck_assert(page_store_part_unchanged(st, &model.snap, &part, &slice, 1));
	/* a page on another node */
	part.pages[1].node = 0;
	ck_assert(!page_store_part_unchanged(st, &model.snap, &part, &slice, 1));
	part.pages[1].node = 1;
	/* a mapping whose permissions changed */
	strcpy(part.mappings[0].perms, "r--p");
	ck_assert(!page_store_part_unchanged(st, &model.snap, &part, &slice, 1));
	strcpy(part.mappings[0].perms, model.snap.mappings[0].perms);
	/* a page gone from the slice */
	part.nr_pages = 1;
	ck_assert(!page_store_part_unchanged(st, &model.snap, &part, &slice, 1));
	part.nr_pages = 2;
	/* a page faulted in where the model had none */
	model_add(&part, 0x3800, 0x104, 0, MODEL_PRESENT);
	ck_assert(!page_store_part_unchanged(st, &model.snap, &part, &slice, 1));
	snapshot_free(&first);
	snapshot_free(&part);
	session_frame_clear(&model);
}
END_TEST

/*
 * Rounds of moves over interleaved pages: every page's history holds
 * each of its moves, whichever round made it first or again, and the
 * history stays sorted whatever mix of fresh and known pages a round has
 */
START_TEST(test_history_of_many_pages_moved_in_interleaved_rounds)
{
	enum { PAGES = 600, ROUNDS = 5 };
	struct snapshot snap[ROUNDS + 1];
	struct session_hist h;
	struct session s;
	unsigned int moves[PAGES] = { 0 };

	ck_assert_int_eq(session_init(&s, NULL, 1.0), 0);
	for (int r = 0; r <= ROUNDS; r++) {
		model_init(&snap[r], "[heap]");
		/* round R moves the pages whose number is a multiple of R + 1 */
		for (uint64_t p = 0; p < PAGES; p++) {
			bool moved = r > 0 && p % (uint64_t)(r + 1) == 0;

			moves[p] += moved;
			model_add(&snap[r], 0x10000 + p * 0x1000,
				  0x1000 + p + 0x10000 * moves[p], moves[p] % 2,
				  MODEL_PRESENT);
		}
		snap[r].seq = (unsigned int)r;
		if (r)
			step(&s, &snap[r - 1], &snap[r]);
	}
	size_t ever = 0;

	for (uint64_t p = 0; p < PAGES; p++) {
		bool known = session_history(&s, 0x10000 + p * 0x1000, &h);

		ever += moves[p] > 0;
		ck_assert(known == (moves[p] > 0));
		if (!known)
			continue;
		ck_assert_uint_eq(h.moves, moves[p]);
		ck_assert_uint_eq(h.nr, moves[p] + 1);
		ck_assert_uint_eq(h.e[0].pfn, 0x1000 + p);
		ck_assert_uint_eq(h.e[h.nr - 1].pfn, 0x1000 + p + 0x10000 * moves[p]);
	}
	/* the multiples of 2, 3 or 5 below 600 */
	ck_assert_uint_eq(ever, 440);
	ck_assert_uint_eq(session_moved_in(&s, 0, UINT64_MAX), ever);
	for (int r = 0; r <= ROUNDS; r++)
		snapshot_free(&snap[r]);
	session_free(&s);
}
END_TEST

START_TEST(test_the_sessions_own_memory_is_left_out_of_numa_balancing)
{
	/* placed locally as by default, but without MPOL_F_MOF, so that
	 * NUMA balancing's scanner skips the session's page arrays */
	int mode = -1, err = numa_own_memory_unbalanced();

	if (err == -ENOSYS)
		return;		/* a kernel without NUMA: nothing to mark */
	ck_assert_int_eq(err, 0);
	ck_assert_int_eq(get_mempolicy(&mode, NULL, 0, NULL, 0), 0);
	ck_assert_int_eq(mode, MPOL_LOCAL);
}
END_TEST

static void add(TCase *tc)
{
	tcase_add_test(tc, test_migrated_page_is_logged_with_old_and_new_node);
	tcase_add_test(tc, test_history_keeps_first_sighting_and_each_move);
	tcase_add_test(tc, test_history_of_many_pages_moved_in_interleaved_rounds);
	tcase_add_test(tc, test_moved_in_counts_distinct_pages_of_a_range);
	tcase_add_test(tc, test_pin_change_is_logged_when_the_module_saw_both);
	tcase_add_test(tc, test_many_changes_are_logged_once_per_mapping);
	tcase_add_test(tc, test_event_log_keeps_the_newest_when_full);
	tcase_add_test(tc, test_parse_value_reads_vmstat_and_sched_lines);
	tcase_add_test(tc, test_rate_is_unknown_when_the_source_changed);
	tcase_add_test(tc, test_every_rate_and_source_has_a_name);
	tcase_add_test(tc, test_slice_merge_keeps_pages_outside_the_slice_as_last_seen);
	tcase_add_test(tc, test_slice_compares_a_page_with_its_observation_by_the_focus);
	tcase_add_test(tc, test_frame_drops_pages_of_a_mapping_that_went_away);
	tcase_add_test(tc, test_merge_drops_pages_of_a_mapping_that_went_away);
	tcase_add_test(tc, test_part_unchanged_only_when_pages_and_mappings_are_the_same);
	tcase_add_test(tc, test_slice_end_counts_pages_of_the_model);
	tcase_add_test(tc, test_the_sessions_own_memory_is_left_out_of_numa_balancing);
}

int main(void)
{
	return unit_run("session", add);
}
