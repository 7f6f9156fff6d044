// SPDX-License-Identifier: GPL-2.0
/* Recordings: written by the recorder, read back tick by tick. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model.h"
#include "model/json_value.h"
#include "model/page_store.h"
#include "model/recording.h"
#include "sinks/record.h"
#include "unit.h"

static const int online[2] = { 0, 1 };

#define PINNED_FLAG SNAPSHOT_BIT(PAGEWATCH_PAGE_MAYBE_PINNED)

/* Two pages of [heap] on node 0, at PFNs 0x100 and 0x101 */
static void two_pages(struct snapshot *snap)
{
	model_init(snap, "[heap]");
	snap->online = online;
	snap->nr_online = 2;
	model_add(snap, 0x2000, 0x100, 0, MODEL_PRESENT);
	model_add(snap, 0x3000, 0x101, 0, MODEL_PRESENT);
}

/* A path for a recording of this test */
static void temp_path(char *buf, size_t len, const char *suffix)
{
	snprintf(buf, len, "/tmp/pw-test-recording.%d%s", (int)getpid(), suffix);
}

/* Record SNAPS[0..NR) into PATH */
static void record_all(const char *path, struct snapshot *snaps, size_t nr)
{
	struct record_opts opts = { .interval = 1 };
	struct recorder *r;

	ck_assert_int_eq(record_open(&r, path, &opts), 0);
	for (size_t i = 0; i < nr; i++)
		ck_assert_int_eq(record_tick(r, &snaps[i]), 0);
	ck_assert_int_eq(record_close(r), 0);
}

static void assert_same_pages(const struct snapshot *a, const struct snapshot *b)
{
	ck_assert_uint_eq(a->nr_pages, b->nr_pages);
	for (size_t i = 0; i < a->nr_pages; i++) {
		ck_assert_uint_eq(a->pages[i].vaddr, b->pages[i].vaddr);
		ck_assert_uint_eq(a->pages[i].pfn, b->pages[i].pfn);
		ck_assert_uint_eq(a->pages[i].flags, b->pages[i].flags);
		ck_assert_uint_eq(a->pages[i].node, b->pages[i].node);
		ck_assert_uint_eq(a->pages[i].mapping, b->pages[i].mapping);
		ck_assert_uint_eq(a->pages[i].mapcount, b->pages[i].mapcount);
	}
}

START_TEST(test_json_keeps_64_bit_integers)
{
	struct json_value v;
	uint64_t u;

	ck_assert_int_eq(json_parse("[18446744073709551615]", 22, &v), 0);
	ck_assert(json_uint(&v.items[0], UINT64_MAX, &u));
	ck_assert_uint_eq(u, UINT64_MAX);
	json_free(&v);
	ck_assert_int_eq(json_parse("[18446744073709551616]", 22, &v), -EINVAL);
}
END_TEST

START_TEST(test_json_refuses_trailing_text_and_deep_nesting)
{
	struct json_value v;

	ck_assert_int_eq(json_parse("{\"a\":1} x", 9, &v), -EINVAL);
	ck_assert_int_eq(json_parse("[[[[[[[[[[1]]]]]]]]]]", 21, &v), -EINVAL);
	ck_assert_int_eq(json_parse("{\"a\":\"\\u00e9\"}", 14, &v), 0);
	ck_assert_str_eq(json_get(&v, "a")->s, "\xc3\xa9");
	json_free(&v);
}
END_TEST

START_TEST(test_replayed_ticks_equal_the_recorded_snapshots)
{
	struct snapshot snaps[3], got;
	struct recording rec;
	char path[64];

	temp_path(path, sizeof(path), "");
	two_pages(&snaps[0]);
	two_pages(&snaps[1]);
	snaps[1].seq = 2;
	snaps[1].pages[1].pfn = 0x200;	/* replaced */
	snaps[1].pages[1].node = 1;
	snaps[1].tracked = true;
	snaps[1].changes = calloc(1, sizeof(*snaps[1].changes));
	snaps[1].changes[0] = (struct snapshot_change){ .page = 1,
		.old_pfn = 0x101, .old_node = 0, .via_node = PAGEWATCH_NODE_NONE };
	snaps[1].nr_changes = 1;
	two_pages(&snaps[2]);
	snaps[2].seq = 3;
	snaps[2].nr_pages = 1;		/* 0x3000 gone */
	record_all(path, snaps, 3);

	ck_assert_int_eq(recording_load(&rec, path), 0);
	ck_assert(rec.complete);
	ck_assert_uint_eq(rec.nr_ticks, 3);
	ck_assert_int_eq(rec.nr_online, 2);
	/* later ticks hold only what changed */
	ck_assert_uint_eq(rec.ticks[0].nr_pages, 2);
	ck_assert_uint_eq(rec.ticks[1].nr_pages, 1);
	ck_assert_uint_eq(rec.ticks[2].nr_pages, 0);
	ck_assert_uint_eq(rec.ticks[2].nr_gone, 1);
	for (size_t t = 0; t < 3; t++) {
		ck_assert_int_eq(recording_state(&rec, t, &got), 0);
		ck_assert_uint_eq(got.seq, t + 1);
		assert_same_pages(&snaps[t], &got);
		ck_assert_uint_eq(got.nr_changes, snaps[t].nr_changes);
		snapshot_free(&got);
	}
	/* going back rebuilds from the first state */
	ck_assert_int_eq(recording_state(&rec, 1, &got), 0);
	ck_assert_uint_eq(got.changes[0].page, 1);
	ck_assert_uint_eq(got.changes[0].old_pfn, 0x101);
	snapshot_free(&got);
	recording_free(&rec);
	for (size_t t = 0; t < 3; t++)
		snapshot_free(&snaps[t]);
	unlink(path);
}
END_TEST

START_TEST(test_pages_whose_flags_alone_changed_cost_one_line)
{
	struct snapshot snaps[2], got;
	struct recording rec;
	char path[64];

	temp_path(path, sizeof(path), ".flags");
	two_pages(&snaps[0]);
	two_pages(&snaps[1]);
	/* what the first comparison adds to every page */
	for (size_t i = 0; i < 2; i++)
		snaps[1].pages[i].flags |= SNAPSHOT_BIT(SNAPSHOT_KNOWN_MIGRATED) |
					   SNAPSHOT_BIT(SNAPSHOT_KNOWN_DIVERGED);
	record_all(path, snaps, 2);
	ck_assert_int_eq(recording_load(&rec, path), 0);
	ck_assert_uint_eq(rec.ticks[1].nr_pages, 0);
	ck_assert_uint_eq(rec.ticks[1].nr_flags, 1);
	ck_assert_uint_eq(rec.ticks[1].flags[0].n, 2);
	ck_assert_int_eq(recording_state(&rec, 1, &got), 0);
	assert_same_pages(&snaps[1], &got);
	snapshot_free(&got);
	recording_free(&rec);
	snapshot_free(&snaps[0]);
	snapshot_free(&snaps[1]);
	unlink(path);
}
END_TEST

START_TEST(test_gz_recording_reads_as_the_plain_one)
{
	struct snapshot snap, got;
	struct recording rec;
	char path[64];
	FILE *f;
	unsigned char magic[2];

	temp_path(path, sizeof(path), ".gz");
	two_pages(&snap);
	record_all(path, &snap, 1);
	f = fopen(path, "rb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fread(magic, 1, 2, f), 2);
	fclose(f);
	ck_assert(magic[0] == 0x1f && magic[1] == 0x8b);
	ck_assert_int_eq(recording_load(&rec, path), 0);
	ck_assert_int_eq(recording_state(&rec, 0, &got), 0);
	assert_same_pages(&snap, &got);
	snapshot_free(&got);
	recording_free(&rec);
	snapshot_free(&snap);
	unlink(path);
}
END_TEST

START_TEST(test_page_moves_list_each_pfn_and_node_once)
{
	struct snapshot snaps[3];
	struct recording_move m[4];
	struct recording rec;
	char path[64];

	temp_path(path, sizeof(path), ".moves");
	two_pages(&snaps[0]);
	two_pages(&snaps[1]);
	snaps[1].pages[0].refcount = 7;	/* changed, but not moved */
	two_pages(&snaps[2]);
	snaps[2].pages[0].node = 1;
	record_all(path, snaps, 3);
	ck_assert_int_eq(recording_load(&rec, path), 0);
	ck_assert_uint_eq(recording_page_moves(&rec, 0x2000, m, 4), 2);
	ck_assert_uint_eq(m[0].tick, 0);
	ck_assert_uint_eq(m[1].tick, 2);
	ck_assert_uint_eq(m[1].node, 1);
	recording_free(&rec);
	for (size_t t = 0; t < 3; t++)
		snapshot_free(&snaps[t]);
	unlink(path);
}
END_TEST

static const char header[] =
	"{\"type\":\"recording\",\"recording_version\":1,\"format_version\":2,\"pid\":1,\"command\":\"x\",\"user\":\"u\",\"kernel\":\"k\",\"nr_nodes\":1,\"nodes\":[0],\"sources\":[\"pagemap\"],\"kmod_abi\":null,\"range\":null,\"vma\":null,\"all\":false,\"interval\":1,\"journal\":false}\n"
	"{\"type\":\"tick\",\"tick\":0,\"seq\":1,\"time\":[10,0],\"proc\":[\"S\",1,4],\"tracked\":false,\"pages\":1}\n"
	"{\"type\":\"mappings\",\"list\":[[4096,8192,0,0,0,0,\"rw-p\",\"\"]]}\n"
	"{\"p\":[4096,1,0,0,0,0,0,0,0,0]}\n";

START_TEST(test_cut_recording_keeps_whole_ticks_and_names_the_line)
{
	char text[2048];
	struct recording rec;
	int len;

	len = snprintf(text, sizeof(text), "%s%s", header,
		       "{\"type\":\"tick\",\"tick\":1,\"seq\":2,\"time\":[11,0],\"proc\":[\"S\",1,4],\"tracked\":true,\"pages\":2}\n{\"p\":[8");
	ck_assert_int_eq(recording_parse(&rec, text, (size_t)len), -EINVAL);
	ck_assert_uint_eq(rec.error_line, 6);
	ck_assert_str_eq(rec.error, "the last line is cut short (no newline)");
	ck_assert_uint_eq(rec.nr_ticks, 1);
	recording_free(&rec);
}
END_TEST

START_TEST(test_tick_whose_count_does_not_hold_is_refused)
{
	char text[2048];
	struct recording rec;
	int len;

	/* says 2 pages, lists none new: a page line was lost */
	len = snprintf(text, sizeof(text), "%s%s", header,
		       "{\"type\":\"tick\",\"tick\":1,\"seq\":2,\"time\":[11,0],\"proc\":[\"S\",1,4],\"tracked\":true,\"pages\":2}\n{\"type\":\"end\",\"ticks\":2}\n");
	ck_assert_int_eq(recording_parse(&rec, text, (size_t)len), -EINVAL);
	ck_assert_uint_eq(rec.error_line, 5);
	ck_assert_uint_eq(rec.nr_ticks, 1);
	recording_free(&rec);
}
END_TEST

START_TEST(test_newer_version_is_refused)
{
	struct recording rec;
	char text[2048];
	char *v;

	snprintf(text, sizeof(text), "%s", header);
	v = strstr(text, "\"recording_version\":1");
	v[strlen("\"recording_version\":")] = '2';
	ck_assert_int_eq(recording_parse(&rec, text, strlen(text)), -EPROTONOSUPPORT);
	ck_assert_uint_eq(rec.error_line, 1);
	ck_assert_ptr_nonnull(strstr(rec.error, "version 2 is newer"));
	recording_free(&rec);
}
END_TEST

START_TEST(test_page_naming_an_unlisted_mapping_is_refused)
{
	char text[2048];
	struct recording rec;
	int len;

	len = snprintf(text, sizeof(text), "%s%s", header,
		       "{\"type\":\"tick\",\"tick\":1,\"seq\":2,\"time\":[11,0],\"proc\":[\"S\",1,4],\"tracked\":true,\"pages\":2}\n{\"p\":[8192,1,0,0,0,0,5,0,0,0]}\n{\"type\":\"end\",\"ticks\":2}\n");
	ck_assert_int_eq(recording_parse(&rec, text, (size_t)len), -EINVAL);
	ck_assert_ptr_nonnull(strstr(rec.error, "names a mapping that is not listed"));
	ck_assert_uint_eq(rec.nr_ticks, 1);
	recording_free(&rec);
}
END_TEST

START_TEST(test_time_names_the_tick_at_or_before_it)
{
	char text[2048];
	struct recording rec;
	size_t tick;
	int len;

	len = snprintf(text, sizeof(text), "%s%s", header,
		       "{\"type\":\"tick\",\"tick\":1,\"seq\":2,\"time\":[12,500000000],\"proc\":[\"S\",1,4],\"tracked\":true,\"pages\":1}\n{\"type\":\"end\",\"ticks\":2}\n");
	ck_assert_int_eq(recording_parse(&rec, text, (size_t)len), 0);
	ck_assert_int_eq(recording_parse_time(&rec, "+2.4", &tick), 0);
	ck_assert_uint_eq(tick, 0);
	ck_assert_int_eq(recording_parse_time(&rec, "+2.5", &tick), 0);
	ck_assert_uint_eq(tick, 1);
	/* a printed time (milliseconds) names the tick it was printed for */
	ck_assert_int_eq(recording_parse_time(&rec, "1970-01-01T00:00:12.500Z", &tick), 0);
	ck_assert_uint_eq(tick, 1);
	ck_assert_int_eq(recording_parse_time(&rec, "1970-01-01T00:00:12.499Z", &tick), 0);
	ck_assert_uint_eq(tick, 0);
	ck_assert_int_eq(recording_parse_time(&rec, "soon", &tick), -EINVAL);
	recording_free(&rec);
}
END_TEST

/* The text of the file at PATH (freed by the caller) */
static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "r");
	char *buf = malloc(1 << 20);

	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(buf);
	*len = fread(buf, 1, 1 << 20, f);
	fclose(f);
	return buf;
}

/*
 * The session records its frames (pages in a page store, kept by the
 * recorder by sharing them): the file is the one their snapshots make,
 * byte for byte, ticks of moves, flag runs and pages gone included
 */
START_TEST(test_frames_record_what_their_snapshots_record)
{
	struct snapshot snaps[4];
	struct page_store st[4];
	struct record_opts opts = { .interval = 1 };
	struct recorder *r;
	char flat[64], frames[64];
	size_t na, nb;
	char *a, *b;

	temp_path(flat, sizeof(flat), ".flat");
	temp_path(frames, sizeof(frames), ".frames");
	for (int t = 0; t < 4; t++) {
		two_pages(&snaps[t]);
		snaps[t].seq = (unsigned int)t + 1;
		for (uint64_t i = 0; i < 300; i++)
			model_add(&snaps[t], 0x10000 + i * 4096, 0x1000 + i,
				  (uint16_t)(t == 2 && i < 50), MODEL_PRESENT |
				  (t >= 1 && i % 3 ? PINNED_FLAG : 0));
	}
	snaps[3].nr_pages -= 20;	/* the last twenty pages gone */
	record_all(flat, snaps, 4);
	ck_assert_int_eq(record_open(&r, frames, &opts), 0);
	for (int t = 0; t < 4; t++) {
		ck_assert_int_eq(page_store_from_snapshot(t ? &st[t - 1] : NULL,
							  &snaps[t], &st[t]), 0);
		st[t].mappings = snaps[t].mappings;
		st[t].nr_mappings = snaps[t].nr_mappings;
		ck_assert_int_eq(record_tick_frame(r, &snaps[t], &st[t]), 0);
	}
	ck_assert_int_eq(record_close(r), 0);
	a = slurp(flat, &na);
	b = slurp(frames, &nb);
	ck_assert_uint_gt(na, 0);
	ck_assert_uint_eq(na, nb);
	ck_assert(!memcmp(a, b, na));
	free(a);
	free(b);
	for (int t = 0; t < 4; t++) {
		page_store_free(&st[t]);
		snapshot_free(&snaps[t]);
	}
	unlink(flat);
	unlink(frames);
}
END_TEST

static void add(TCase *tc)
{
	tcase_add_test(tc, test_frames_record_what_their_snapshots_record);
	tcase_add_test(tc, test_json_keeps_64_bit_integers);
	tcase_add_test(tc, test_json_refuses_trailing_text_and_deep_nesting);
	tcase_add_test(tc, test_replayed_ticks_equal_the_recorded_snapshots);
	tcase_add_test(tc, test_pages_whose_flags_alone_changed_cost_one_line);
	tcase_add_test(tc, test_gz_recording_reads_as_the_plain_one);
	tcase_add_test(tc, test_page_moves_list_each_pfn_and_node_once);
	tcase_add_test(tc, test_cut_recording_keeps_whole_ticks_and_names_the_line);
	tcase_add_test(tc, test_tick_whose_count_does_not_hold_is_refused);
	tcase_add_test(tc, test_newer_version_is_refused);
	tcase_add_test(tc, test_page_naming_an_unlisted_mapping_is_refused);
	tcase_add_test(tc, test_time_names_the_tick_at_or_before_it);
}

int main(void)
{
	return unit_run("recording", add);
}
