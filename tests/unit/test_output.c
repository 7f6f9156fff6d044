// SPDX-License-Identifier: GPL-2.0
/* The text, CSV, JSON and OpenMetrics sinks; JSON is checked by jq, a real parser. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "collect/keep.h"
#include "model.h"
#include "sinks/output.h"
#include "model/snapshot_summary.h"
#include "model/track.h"
#include "unit.h"

static const char tricky_path[] = "/tmp/a \"quoted\", path";

/* Render SNAP with sink NAME into a malloc'd string. */
static char *render(const char *name, const struct snapshot *snap, bool summary)
{
	const struct output_ops *ops = output_find(name);
	struct output out;
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	ck_assert_ptr_nonnull(ops);
	f = open_memstream(&text, &len);
	output_init(&out, ops, f, summary);
	ops->begin(&out, snap);
	if (summary) {
		struct snapshot_summary *sums;
		size_t nr;

		ck_assert_int_eq(snapshot_summarize(snap, NULL, NULL, &sums, &nr), 0);
		for (size_t i = 0; i < nr; i++)
			ops->mapping(&out, snap, &sums[i]);
		snapshot_summary_free(sums, nr);
	} else {
		for (size_t i = 0; i < snap->nr_pages; i++)
			ops->page(&out, snap, i);
	}
	ops->end(&out, snap);
	output_flush(&out);
	output_fini(&out);
	fclose(f);
	return text;
}

/* Does jq -e EXPR (with -s: over all lines) accept TEXT? */
static bool jq_accepts(const char *text, const char *expr)
{
	char path[] = "/tmp/pw-test-json.XXXXXX", cmd[1024];
	int fd, status;

	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	snprintf(cmd, sizeof(cmd), "jq -e -s '%s' %s >/dev/null", expr, path);
	status = system(cmd);
	unlink(path);
	ck_assert_msg(status != 127 * 256, "jq is needed to check JSON output");
	return status == 0;
}

static void two_page_model(struct snapshot *snap, const char *path)
{
	model_init(snap, path);
	model_add(snap, 0x2000, 0x100, 1, MODEL_PRESENT | SNAPSHOT_BIT(PAGEWATCH_PAGE_THP));
	model_add(snap, 0x3000, 0x77, 0, SNAPSHOT_BIT(PAGEWATCH_PAGE_SWAP));
}

/* output_number(U, HEX) as a string */
static const char *number(uint64_t u, bool hex)
{
	static char buf[32];
	char tmp[24], *p = output_number(u, hex, tmp + sizeof(tmp));

	snprintf(buf, sizeof(buf), "%.*s", (int)(tmp + sizeof(tmp) - p), p);
	return buf;
}

START_TEST(test_number_prints_decimal_like_printf)
{
	ck_assert_str_eq(number(0, false), "0");
	ck_assert_str_eq(number(9, false), "9");
	ck_assert_str_eq(number(10, false), "10");
	ck_assert_str_eq(number(99, false), "99");
	ck_assert_str_eq(number(100, false), "100");
	ck_assert_str_eq(number(1002003, false), "1002003");
	ck_assert_str_eq(number(UINT64_MAX, false), "18446744073709551615");
}
END_TEST

START_TEST(test_number_prints_hexadecimal_without_leading_zeros)
{
	ck_assert_str_eq(number(0, true), "0");
	ck_assert_str_eq(number(0xf, true), "f");
	ck_assert_str_eq(number(0x10, true), "10");
	ck_assert_str_eq(number(0xff, true), "ff");
	ck_assert_str_eq(number(0x100, true), "100");
	ck_assert_str_eq(number(0x1003, true), "1003");
	ck_assert_str_eq(number(0x7f4e79baa000, true), "7f4e79baa000");
	ck_assert_str_eq(number(UINT64_MAX, true), "ffffffffffffffff");
}
END_TEST

START_TEST(test_csv_has_a_header_row_naming_the_fields)
{
	struct snapshot snap;
	char *text;

	two_page_model(&snap, "[heap]");
	text = render("csv", &snap, false);
	ck_assert(!strncmp(text, "snapshot,addr,vma,pfn,node,present,swapped,", 43));
	free(text);
	snapshot_free(&snap);
}
END_TEST

START_TEST(test_csv_quotes_paths_and_doubles_their_quotes)
{
	struct snapshot snap;
	char *text;

	two_page_model(&snap, tricky_path);
	text = render("csv", &snap, false);
	ck_assert_ptr_nonnull(strstr(text, "\n1,0x2000,\"/tmp/a \"\"quoted\"\", path\",256,1,1,0,"));
	free(text);
	snapshot_free(&snap);
}
END_TEST

START_TEST(test_csv_leaves_unknown_values_empty)
{
	struct snapshot snap;
	char *text, *row;

	two_page_model(&snap, "[heap]");
	text = render("csv", &snap, false);
	/* second page: swapped, so no pfn and no node */
	row = strstr(text, "\n1,0x3000,\"[heap]\",,,0,1,");
	ck_assert_ptr_nonnull(row);
	free(text);
	snapshot_free(&snap);
}
END_TEST

START_TEST(test_json_is_valid_json_lines_with_header_first)
{
	struct snapshot snap;
	char *text;

	two_page_model(&snap, tricky_path);
	text = render("json", &snap, false);
	ck_assert(jq_accepts(text, "length == 3 and .[0].type == \"snapshot\" and .[0].pid == 4242 and .[0].complete and .[1].type == \"page\""));
	free(text);
	snapshot_free(&snap);
}
END_TEST

START_TEST(test_json_page_has_every_documented_key)
{
	struct snapshot snap;
	char *text;

	two_page_model(&snap, "[heap]");
	text = render("json", &snap, false);
	ck_assert(jq_accepts(text, ".[1] | has(\"addr\") and has(\"vma\") and has(\"pfn\") and has(\"node\") and has(\"present\") and has(\"swapped\") and has(\"thp\") and has(\"order\") and has(\"refcount\") and has(\"mapcount\") and has(\"pincount\") and has(\"pinned\") and has(\"protnone\") and has(\"savedwrite\") and has(\"writable\") and has(\"migrated\") and has(\"diverged\")"));
	free(text);
	snapshot_free(&snap);
}
END_TEST

START_TEST(test_json_values_and_nulls_where_unknown)
{
	struct snapshot snap;
	char *text;

	two_page_model(&snap, tricky_path);
	text = render("json", &snap, false);
	ck_assert(jq_accepts(text, ".[1] | .addr == \"0x2000\" and .vma == \"/tmp/a \\\"quoted\\\", path\" and .pfn == 256 and .node == 1 and .thp == true and .mapcount == 1 and .refcount == null and .pinned == null and .migrated == null"));
	ck_assert(jq_accepts(text, ".[2] | .swapped == true and .pfn == null and .swap_offset == 119"));
	free(text);
	snapshot_free(&snap);
}
END_TEST

START_TEST(test_json_escapes_control_bytes_and_invalid_utf8)
{
	struct snapshot snap;
	char *text;

	two_page_model(&snap, "/tmp/bad\x01name\xff\n");
	text = render("json", &snap, false);
	ck_assert(jq_accepts(text, ".[1].vma == \"/tmp/bad\\u0001name\\ufffd\\n\""));
	free(text);
	snapshot_free(&snap);
}
END_TEST

START_TEST(test_json_page_lines_longer_than_the_line_buffer_stay_in_order)
{
	static char path[6001];
	struct snapshot snap;
	char *text;

	/* 1500 quotes: 3000 escaped bytes per line, past the 4 KiB line cap */
	path[0] = '/';
	memset(path + 1, '"', 1500);
	memset(path + 1501, 'x', 4000);
	two_page_model(&snap, path);
	text = render("json", &snap, false);
	ck_assert(jq_accepts(text, "length == 3 and .[1].addr == \"0x2000\" and (.[1].vma | length) == 5501 and .[2].type == \"page\" and .[2].vma == .[1].vma"));
	free(text);
	snapshot_free(&snap);
}
END_TEST

START_TEST(test_json_shows_migration_with_old_node_and_pfn)
{
	struct snapshot old, snap;
	char *text;

	two_page_model(&old, "[heap]");
	model_init(&snap, "[heap]");
	model_add(&snap, 0x2000, 0x900, 0, MODEL_PRESENT);
	ck_assert_int_eq(track_compare(&old, &snap, NULL), 0);
	text = render("json", &snap, false);
	ck_assert(jq_accepts(text, ".[0].tracked and (.[1] | .migrated == true and .old_node == 1 and .old_pfn == 256 and .node == 0 and .pfn == 2304 and .diverged == null)"));
	free(text);
	snapshot_free(&old);
	snapshot_free(&snap);
}
END_TEST

START_TEST(test_json_pages_of_one_shape_keep_their_own_numbers)
{
	struct snapshot old, snap;
	size_t i;
	char *text;

	/* four pages of one shape, the third of them migrated */
	model_init(&old, "[heap]");
	model_init(&snap, "[heap]");
	for (i = 0; i < 4; i++) {
		model_add(&old, 0x2000 + i * 0x1000, 0x100 + i, 1, MODEL_PRESENT);
		model_add(&snap, 0x2000 + i * 0x1000, i == 2 ? 0x900 : 0x100 + i,
			  i == 2 ? 0 : 1, MODEL_PRESENT);
	}
	snap.pages[1].mapcount = 3;
	ck_assert_int_eq(track_compare(&old, &snap, NULL), 0);
	text = render("json", &snap, false);
	ck_assert(jq_accepts(text, "[.[1:][] | [.addr, .pfn, .node, .mapcount, .migrated, .old_pfn]] == [[\"0x2000\", 256, 1, 1, false, null], [\"0x3000\", 257, 1, 3, false, null], [\"0x4000\", 2304, 0, 1, true, 258], [\"0x5000\", 259, 1, 1, false, null]]"));
	free(text);
	/* the next snapshot's lines carry its own seq */
	snap.seq = 2;
	text = render("json", &snap, false);
	ck_assert(jq_accepts(text, "[.[1:][] | .seq] == [2, 2, 2, 2]"));
	free(text);
	snapshot_free(&old);
	snapshot_free(&snap);
}
END_TEST

START_TEST(test_json_summary_gives_one_object_per_mapping)
{
	struct snapshot snap;
	char *text;

	two_page_model(&snap, "[heap]");
	snap.sources |= 1U << SNAPSHOT_SRC_SYSFS_NODE;
	text = render("json", &snap, true);
	ck_assert(jq_accepts(text, "length == 2 and (.[1] | .type == \"mapping\" and .vma == \"[heap]\" and .resident == 1 and .swapped == 1 and .pinned == null and .nodes == {\"1\": 1})"));
	free(text);
	snapshot_free(&snap);
}
END_TEST

/* The module's counts of SNAP's pages in [START, END), as the ioctl makes them */
static void count_like_the_module(const struct snapshot *snap, uint64_t start,
				  uint64_t end, struct pagewatch_count *c)
{
	memset(c, 0, sizeof(*c));
	c->start = start;
	c->end = end;
	for (size_t i = 0; i < snap->nr_pages; i++) {
		const struct snapshot_page *p = &snap->pages[i];
		uint64_t kmod = p->flags & SNAPSHOT_FLAGS_KMOD;

		if (p->vaddr < start || p->vaddr >= end)
			continue;
		c->with_state += snapshot_page_test(p, PAGEWATCH_PAGE_PRESENT) ||
				 snapshot_page_test(p, PAGEWATCH_PAGE_SWAP) ||
				 snapshot_page_test(p, PAGEWATCH_PAGE_MIGRATION);
		for (int b = 0; b < 64; b++)
			c->flag[b] += kmod >> b & 1;
		if (snapshot_page_test(p, PAGEWATCH_PAGE_PRESENT) &&
		    snapshot_page_known(p, SNAPSHOT_KNOWN_NODE)) {
			c->node_present[p->node]++;
			c->node_hugetlb[p->node] +=
				snapshot_page_test(p, PAGEWATCH_PAGE_HUGETLB);
		}
	}
}

/* What a reader hands on without --all: pages with state */
static bool has_state(const struct snapshot_page *p, const void *arg)
{
	(void)arg;
	return snapshot_page_test(p, PAGEWATCH_PAGE_PRESENT) ||
	       snapshot_page_test(p, PAGEWATCH_PAGE_SWAP) ||
	       snapshot_page_test(p, PAGEWATCH_PAGE_MIGRATION);
}

START_TEST(test_summary_of_module_counts_equals_summary_of_pages)
{
	const uint64_t hugetlb = SNAPSHOT_BIT(PAGEWATCH_PAGE_HUGETLB) |
				 SNAPSHOT_BIT(PAGEWATCH_PAGE_PMD);
	struct snapshot_summary *pages_sums, counted[3] = { 0 };
	size_t nr_pages_sums, nr_counted = 0;
	uint64_t read, total = 0;
	struct snapshot snap;

	model_init(&snap, "[heap]");
	snap.sources |= 1U << SNAPSHOT_SRC_KMOD;
	/* three mappings: mixed pages, hugetlb pages, pages with no state */
	snap.mappings = realloc(snap.mappings, 3 * sizeof(*snap.mappings));
	snap.nr_mappings = 3;
	snap.mappings[1] = snap.mappings[0];
	snap.mappings[1].start = 0x200000;
	snap.mappings[1].end = 0x600000;
	snap.mappings[1].path = strdup("/dev/hugepages/x");
	snap.mappings[2] = snap.mappings[1];
	snap.mappings[2].start = 0x600000;
	snap.mappings[2].end = 0x700000;
	snap.mappings[2].path = strdup("[stack]");
	model_add(&snap, 0x1000, 10, 0, MODEL_PRESENT);
	model_add(&snap, 0x2000, 11, 1, MODEL_PRESENT |
		  SNAPSHOT_BIT(PAGEWATCH_PAGE_THP));
	model_add(&snap, 0x3000, 12, 1, MODEL_PRESENT |
		  SNAPSHOT_BIT(PAGEWATCH_PAGE_MAYBE_PINNED));
	model_add(&snap, 0x4000, 13, 0, MODEL_PRESENT |
		  SNAPSHOT_BIT(PAGEWATCH_PAGE_PROTNONE));
	model_add(&snap, 0x5000, 77, PAGEWATCH_NODE_NONE,
		  SNAPSHOT_BIT(PAGEWATCH_PAGE_SWAP));
	for (int i = 0; i < 4; i++)
		snap.pages[model_add(&snap, 0x200000 + i * 0x1000, 512 + i,
				     i & 1, MODEL_PRESENT | hugetlb)].mapping = 1;
	snap.pages[model_add(&snap, 0x600000, 0, PAGEWATCH_NODE_NONE,
			     SNAPSHOT_BIT(PAGEWATCH_PAGE_MARKER))].mapping = 2;

	/* the pages a reader keeps: those with state */
	ck_assert_int_eq(snapshot_summarize(&snap, has_state, NULL,
					    &pages_sums, &nr_pages_sums), 0);
	for (size_t m = 0; m < 3; m++) {
		struct pagewatch_count c;

		count_like_the_module(&snap, snap.mappings[m].start,
				      snap.mappings[m].end, &c);
		ck_assert_int_eq(snapshot_summary_add_counts(&snap, counted,
				 &nr_counted, m, &c, &read), 0);
		total += read;
	}
	ck_assert_uint_eq(total, 9);
	/* no line for the mapping whose only page has no state */
	ck_assert_uint_eq(nr_pages_sums, 2);
	ck_assert_uint_eq(nr_counted, nr_pages_sums);
	for (size_t i = 0; i < nr_counted; i++) {
		ck_assert_uint_eq(counted[i].mapping, pages_sums[i].mapping);
		ck_assert_mem_eq(counted[i].count, pages_sums[i].count,
				 sizeof(counted[i].count));
		ck_assert_mem_eq(counted[i].known, pages_sums[i].known,
				 sizeof(counted[i].known));
		ck_assert_mem_eq(counted[i].node_pages, pages_sums[i].node_pages,
				 2 * snap.nr_nodes * sizeof(uint64_t));
	}
	ck_assert_uint_eq(counted[1].node_hugetlb[0], 2);
	ck_assert_uint_eq(counted[1].node_hugetlb[1], 2);
	snapshot_summary_free(pages_sums, nr_pages_sums);
	for (size_t i = 0; i < nr_counted; i++)
		free(counted[i].node_pages);
	snapshot_free(&snap);
}
END_TEST

/* Is LINE one of the lines of TEXT? */
static bool has_line(const char *text, const char *line)
{
	size_t n = strlen(line);

	for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		if (!strncmp(p, line, n) && (p[n] == '\n' || !p[n]))
			return true;
	return false;
}

START_TEST(test_openmetrics_gauges_per_node_typed_with_unit_and_eof)
{
	struct snapshot snap;
	char *text;

	two_page_model(&snap, "[heap]");
	snap.sources |= 1U << SNAPSHOT_SRC_KPAGEFLAGS;
	text = render("openmetrics", &snap, false);
	ck_assert(has_line(text, "# TYPE pagewatch_resident_pages gauge"));
	ck_assert(has_line(text, "# UNIT pagewatch_resident_pages pages"));
	ck_assert(has_line(text, "pagewatch_resident_pages{pid=\"4242\",comm=\"model\",node=\"0\"} 0"));
	ck_assert(has_line(text, "pagewatch_resident_pages{pid=\"4242\",comm=\"model\",node=\"1\"} 1"));
	ck_assert(has_line(text, "pagewatch_thp_pages{pid=\"4242\",comm=\"model\"} 1"));
	ck_assert(has_line(text, "pagewatch_swapped_pages{pid=\"4242\",comm=\"model\"} 1"));
	ck_assert_str_eq(text + strlen(text) - 6, "# EOF\n");
	free(text);
	snapshot_free(&snap);
}
END_TEST

START_TEST(test_openmetrics_leaves_out_what_its_sources_cannot_tell)
{
	struct snapshot snap;
	char *text;

	two_page_model(&snap, "[heap]");
	text = render("openmetrics", &snap, false);
	/* no module: pinned and protnone unknown; no kpageflags: thp; one snapshot: moves */
	ck_assert_ptr_null(strstr(text, "pagewatch_pinned_pages{"));
	ck_assert_ptr_null(strstr(text, "pagewatch_protnone_pages{"));
	ck_assert_ptr_null(strstr(text, "pagewatch_thp_pages{"));
	ck_assert_ptr_null(strstr(text, "pagewatch_migrated_pages_total{"));
	ck_assert(has_line(text, "# TYPE pagewatch_pinned_pages gauge"));
	free(text);
	snapshot_free(&snap);
}
END_TEST

START_TEST(test_openmetrics_escapes_label_values)
{
	struct snapshot snap;
	char *text;

	two_page_model(&snap, tricky_path);
	snprintf(snap.proc.command, sizeof(snap.proc.command), "a\"b\\c");
	text = render("openmetrics", &snap, true);
	ck_assert(has_line(text, "pagewatch_swapped_pages{pid=\"4242\",comm=\"a\\\"b\\\\c\",mapping=\"/tmp/a \\\"quoted\\\", path\"} 1"));
	free(text);
	snapshot_free(&snap);
}
END_TEST

START_TEST(test_openmetrics_counters_add_up_over_rounds)
{
	const struct output_ops *ops = output_find("openmetrics");
	struct snapshot snap;
	struct output out;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	two_page_model(&snap, "[heap]");
	snap.tracked = true;
	snap.pages[0].flags |= SNAPSHOT_BIT(SNAPSHOT_PAGE_MIGRATED);
	ck_assert_int_eq(output_init(&out, ops, f, false), 0);
	for (int round = 0; round < 3; round++) {
		ops->begin(&out, &snap);
		for (size_t i = 0; i < snap.nr_pages; i++)
			ops->page(&out, &snap, i);
		ops->end(&out, &snap);
		ck_assert_int_eq(output_flush(&out), 0);
	}
	output_fini(&out);
	fclose(f);
	/* a counter goes on over the run; a gauge is this round's */
	ck_assert(has_line(text, "pagewatch_migrated_pages_total{pid=\"4242\",comm=\"model\"} 1"));
	ck_assert(has_line(text, "pagewatch_migrated_pages_total{pid=\"4242\",comm=\"model\"} 3"));
	ck_assert(has_line(text, "# TYPE pagewatch_migrated_pages_total counter"));
	ck_assert_ptr_null(strstr(text, "pagewatch_swapped_pages{pid=\"4242\",comm=\"model\"} 3"));
	free(text);
	snapshot_free(&snap);
}
END_TEST

START_TEST(test_text_page_lines_fit_in_100_columns)
{
	struct snapshot old, snap;
	char *text, *line;

	two_page_model(&old, "[heap]");
	model_init(&snap, "[heap]");
	model_add(&snap, 0x7ffffffff000, 0xfffffffff, 0, MODEL_PRESENT |
		  SNAPSHOT_BIT(SNAPSHOT_KNOWN_KMOD));
	old.pages[0].vaddr = 0x7ffffffff000;
	old.pages[0].pfn = 0xffffffffe;
	ck_assert_int_eq(track_compare(&old, &snap, NULL), 0);
	snap.pages[0].refcount = 4294967295U;
	text = render("text", &snap, false);
	for (line = strtok(text, "\n"); line; line = strtok(NULL, "\n"))
		if (line[0] != '#')
			ck_assert_msg(strlen(line) <= 100, "too wide: %s", line);
	free(text);
	snapshot_free(&old);
	snapshot_free(&snap);
}
END_TEST

START_TEST(test_text_shows_unknown_values_as_dash)
{
	struct snapshot snap;
	char *text;

	two_page_model(&snap, "[heap]");
	text = render("text", &snap, false);
	/* ADDR PFN NODE ORD REF MAP PIN FLAGS */
	ck_assert_ptr_nonnull(strstr(text, "        2000        100    1   -      -     1     - p.--ta.---"));
	free(text);
	snapshot_free(&snap);
}
END_TEST

/* Pages of SNAP with sink NAME through output_pages(), as --snapshot does */
static char *render_pages(const char *name, const struct snapshot *snap,
			  bool (*keep)(const struct snapshot_page *,
				       const void *),
			  unsigned int threads)
{
	const struct output_ops *ops = output_find(name);
	struct output out;
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	f = open_memstream(&text, &len);
	ck_assert_int_eq(output_init(&out, ops, f, false), 0);
	output_select(&out, snap, keep, NULL, keep ? "present" : NULL, NULL);
	ops->begin(&out, snap);
	ck_assert_int_eq(output_pages(&out, snap, keep, NULL, threads), 0);
	ops->end(&out, snap);
	output_flush(&out);
	output_fini(&out);
	fclose(f);
	return text;
}

static bool keep_present(const struct snapshot_page *page, const void *arg)
{
	(void)arg;
	return snapshot_page_test(page, PAGEWATCH_PAGE_PRESENT);
}

#define SPOOL_TEST_SECOND	(2 * OUTPUT_BLOCK)

/* Page I of the spool test: runs of shapes that cross the blocks' bounds */
static struct snapshot_page spool_test_page(size_t i)
{
	static const uint64_t shapes[3] = {
		MODEL_PRESENT,
		MODEL_PRESENT | SNAPSHOT_BIT(PAGEWATCH_PAGE_THP),
		SNAPSHOT_BIT(PAGEWATCH_PAGE_SWAP),
	};

	return (struct snapshot_page){
		.vaddr = 0x1000 + 4096 * i, .pfn = 0x5000 + 7 * i,
		.node = (uint16_t)(i / 900 % 2), .mapcount = 1,
		.flags = shapes[i / 700 % 3],
		.mapping = i >= SPOOL_TEST_SECOND,
	};
}

/* SNAP's mappings: the second starts at the third block's first page */
static void spool_test_mappings(struct snapshot *snap, uint64_t nr)
{
	struct maps_entry *second;

	snap->mappings = realloc(snap->mappings, 2 * sizeof(*snap->mappings));
	ck_assert_ptr_nonnull(snap->mappings);
	snap->nr_mappings = 2;
	snap->mappings[0].end = 0x1000 + 4096 * SPOOL_TEST_SECOND;
	second = &snap->mappings[1];
	*second = snap->mappings[0];
	second->start = snap->mappings[0].end;
	second->end = 0x1000 + 4096 * nr;
	second->path = strdup("/lib/second.so");
}

START_TEST(test_spooled_pages_are_written_as_the_same_pages_in_memory)
{
	const char *const sinks[] = { "json", "csv", "text" };
	const unsigned int threads[] = { 1, 3 };
	const uint64_t nr = 5 * OUTPUT_BLOCK + 17;
	struct snapshot mem, spooled;
	struct page_consumer *c;
	struct keeper *k;

	model_init(&mem, "[heap]");
	model_init(&spooled, "[heap]");
	spool_test_mappings(&mem, nr);
	spool_test_mappings(&spooled, nr);
	k = keep_spool_new(&spooled);
	ck_assert_int_eq(k->ops->split(k, 1, &nr, true), 0);
	c = k->ops->consumer(k, 0);
	for (size_t i = 0; i < nr;) {
		struct snapshot_page *room;
		size_t n;

		room = c->room(c, nr - i, &n);
		for (size_t j = 0; j < n; j++, i++) {
			room[j] = spool_test_page(i);
			snapshot_add_page(&mem, &room[j]);
		}
		ck_assert_int_eq(c->take(c, room, n), 0);
	}
	ck_assert_int_eq(k->ops->finish(k), 0);
	k->ops->free(k);
	ck_assert_uint_ne(spooled.pages_mapped, 0);

	/*
	 * Against the pages in memory written by one thread, one page after
	 * the other; the filter leaves out runs of swapped pages at blocks'
	 * starts
	 */
	for (size_t s = 0; s < 3; s++) {
		for (size_t t = 0; t < 2; t++) {
			for (int filtered = 0; filtered < 2; filtered++) {
				bool (*keep)(const struct snapshot_page *,
					     const void *) =
					filtered ? keep_present : NULL;
				char *want = render_pages(sinks[s], &mem, keep,
							  1);
				char *got = render_pages(sinks[s], &spooled,
							 keep, threads[t]);

				ck_assert_str_eq(got, want);
				free(want);
				free(got);
			}
		}
	}
	snapshot_free(&mem);
	snapshot_free(&spooled);
}
END_TEST

static void add(TCase *tc)
{
	tcase_add_test(tc, test_number_prints_decimal_like_printf);
	tcase_add_test(tc, test_number_prints_hexadecimal_without_leading_zeros);
	tcase_add_test(tc, test_csv_has_a_header_row_naming_the_fields);
	tcase_add_test(tc, test_csv_quotes_paths_and_doubles_their_quotes);
	tcase_add_test(tc, test_csv_leaves_unknown_values_empty);
	tcase_add_test(tc, test_json_is_valid_json_lines_with_header_first);
	tcase_add_test(tc, test_json_page_has_every_documented_key);
	tcase_add_test(tc, test_json_values_and_nulls_where_unknown);
	tcase_add_test(tc, test_json_escapes_control_bytes_and_invalid_utf8);
	tcase_add_test(tc, test_json_page_lines_longer_than_the_line_buffer_stay_in_order);
	tcase_add_test(tc, test_json_shows_migration_with_old_node_and_pfn);
	tcase_add_test(tc, test_json_pages_of_one_shape_keep_their_own_numbers);
	tcase_add_test(tc, test_json_summary_gives_one_object_per_mapping);
	tcase_add_test(tc, test_summary_of_module_counts_equals_summary_of_pages);
	tcase_add_test(tc, test_text_page_lines_fit_in_100_columns);
	tcase_add_test(tc, test_text_shows_unknown_values_as_dash);
	tcase_add_test(tc, test_openmetrics_gauges_per_node_typed_with_unit_and_eof);
	tcase_add_test(tc, test_openmetrics_leaves_out_what_its_sources_cannot_tell);
	tcase_add_test(tc, test_openmetrics_escapes_label_values);
	tcase_add_test(tc, test_openmetrics_counters_add_up_over_rounds);
	tcase_add_test(tc, test_spooled_pages_are_written_as_the_same_pages_in_memory);
}

int main(void)
{
	return unit_run("output", add);
}
