// SPDX-License-Identifier: GPL-2.0
/* The session's model: event log, page history, moved counts; rate parsing. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "model.h"
#include "perf_events.h"
#include "track.h"
#include "tui/session.h"
#include "unit.h"

#define MODEL_KMOD (MODEL_PRESENT | SNAPSHOT_BIT(SNAPSHOT_KNOWN_KMOD))
#define PINNED SNAPSHOT_BIT(PAGEWATCH_PAGE_MAYBE_PINNED)

/* OLD and NEW, NEW compared with OLD; SESSION applied. */
static void step(struct session *s, struct snapshot *old, struct snapshot *new)
{
	new->seq = old->seq + 1;
	ck_assert_int_eq(track_compare(old, new, NULL), 0);
	ck_assert_int_eq(session_apply(s, old, new), 0);
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

static void add(TCase *tc)
{
	tcase_add_test(tc, test_migrated_page_is_logged_with_old_and_new_node);
	tcase_add_test(tc, test_history_keeps_first_sighting_and_each_move);
	tcase_add_test(tc, test_moved_in_counts_distinct_pages_of_a_range);
	tcase_add_test(tc, test_pin_change_is_logged_when_the_module_saw_both);
	tcase_add_test(tc, test_many_changes_are_logged_once_per_mapping);
	tcase_add_test(tc, test_event_log_keeps_the_newest_when_full);
	tcase_add_test(tc, test_parse_value_reads_vmstat_and_sched_lines);
	tcase_add_test(tc, test_rate_is_unknown_when_the_source_changed);
	tcase_add_test(tc, test_every_rate_and_source_has_a_name);
}

int main(void)
{
	return unit_run("session", add);
}
