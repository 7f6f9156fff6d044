// SPDX-License-Identifier: GPL-2.0
/* Aligned text: a mapping heading, then one line (<= 100 columns) per page. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "model/fields.h"
#include "model/track.h"
#include "sinks/line_template.h"
#include "sinks/output.h"

/* Page lines made in a buffer from a template per shape (line_template.h) */
#define TEXT_BUF	(256 * 1024)

/* The sink's own state */
struct text_state {
	long last_mapping;	/* the mapping whose heading was printed */
	struct output_buffer b;
	struct line_template t;
};

static inline struct text_state *text_of(struct output *out)
{
	return out->priv;
}

static void text_sources(FILE *f, const struct snapshot *snap)
{
	bool first = true;

	for (unsigned int s = 0; s < SNAPSHOT_SRC_NR; s++) {
		if (!snapshot_has(snap, s))
			continue;
		fprintf(f, "%s%s", first ? "" : " ", snapshot_source_name(s));
		first = false;
	}
}

static void text_columns(FILE *f)
{
	for (size_t i = 0; i < fields_nr; i++) {
		int w = fields[i].text_width;

		if (!w)
			continue;
		/* the last column is not padded: no trailing blanks */
		fprintf(f, "%s%*s", i ? " " : "", i == fields_nr - 1 ? 0 : w,
			fields[i].title);
	}
	fputc('\n', f);
}

static void text_summary_columns(FILE *f)
{
	fprintf(f, "%-25s %4s %7s %6s %6s %6s %6s %6s %6s %6s %7s %-12s %s\n",
		"START-END", "PERM", "RES", "SWAP", "THP", "PIN", "PROT",
		"REPL", "MIGR", "DIV", "HUGETLB", "NODES", "PATH");
}

/* The flag letters, in lines of at most TEXT_WIDTH columns like the pages */
#define TEXT_WIDTH	100

static void text_legend(FILE *f)
{
	static const char end[] = "; . clear, - unknown";
	int col = fprintf(f, "# flags:");

	for (size_t i = 0; i < fields_text_flags_nr; i++) {
		const char *name = fields_flag_name(fields_text_flags[i]);
		int w = 3 + (int)strlen(name);

		if (i == fields_text_flags_nr - 1)
			w += (int)sizeof(end) - 1;
		if (col + w > TEXT_WIDTH)
			col = fprintf(f, "\n#       ");
		col += fprintf(f, " %c=%s", fields_flag_letter(fields_text_flags[i]),
			       name);
	}
	fprintf(f, "%s\n", end);
}

static void text_begin(struct output *out, const struct snapshot *snap)
{
	FILE *f = out->f;
	char time[40];

	output_buffer_drain(&text_of(out)->b, f);
	output_time(&snap->time, time, sizeof(time));
	fprintf(f, "# snapshot %u: pid %d (%s) state %c, %d thread%s, rss %lu KiB, user %s\n",
		snap->seq, (int)snap->pid, snap->proc.command,
		snap->proc.state ? snap->proc.state : '?', snap->proc.threads,
		snap->proc.threads == 1 ? "" : "s", snap->proc.rss_kib,
		snap->proc.user);
	fprintf(f, "# kernel %s, %s, %zu mappings, %zu pages", snap->kernel,
		time, snap->nr_mappings, snap->nr_pages);
	if (out->sel.filter)
		fprintf(f, " (%zu match --filter %s)", output_nr_selected(out, snap),
			out->sel.filter);
	fputs("; module ", f);
	if (snap->kmod_abi)
		fprintf(f, "ABI %u", snap->kmod_abi);
	else
		fputs("not used", f);
	fputs("\n# sources: ", f);
	text_sources(f, snap);
	fputc('\n', f);
	if (out->summary) {
		text_summary_columns(f);
	} else {
		text_legend(f);
		text_columns(f);
	}
	text_of(out)->last_mapping = -1;
}

static void text_mapping_heading(FILE *f, const struct maps_entry *map)
{
	fprintf(f, "%" PRIx64 "-%" PRIx64 " %s %s\n", map->start, map->end,
		map->perms, maps_name(map));
}

static void text_value(FILE *f, const struct field *field,
		       const struct field_value *v, const struct snapshot_page *page,
		       bool last)
{
	int w = last ? 0 : field->text_width;
	char buf[48];

	fields_format(field, v, page, buf, sizeof(buf));
	fprintf(f, "%*s", w, buf);
}

/* TEXT padded to WIDTH columns as "%*s" pads it */
static void text_template_padded(struct line_template *t, const char *text,
				 int width)
{
	size_t len = strlen(text);
	size_t w = (size_t)(width < 0 ? -width : width);
	size_t pad = w > len ? w - len : 0;

	for (size_t i = 0; width > 0 && i < pad; i++)
		line_template_put(t, " ", 1);
	line_template_put(t, text, len);
	for (size_t i = 0; width < 0 && i < pad; i++)
		line_template_put(t, " ", 1);
}

/* The template of PAGE's shape: the line with its numbers left as slots */
static bool text_build_template(struct line_template *t,
				const struct snapshot *snap,
				const struct snapshot_page *page)
{
	line_template_start(t, snap, page);
	for (size_t i = 0; i < fields_nr; i++) {
		bool last = i == fields_nr - 1;
		struct field_value v;
		char buf[48];

		if (!fields[i].text_width)
			continue;
		fields[i].get(snap, page, &v);
		if (last && v.kind == FIELD_NULL)
			break;
		if (i)
			line_template_put(t, " ", 1);
		if (v.kind == FIELD_UINT || v.kind == FIELD_HEX) {
			line_template_slot(t, (unsigned int)i,
					   v.kind == FIELD_HEX ||
					   fields[i].text_hex,
					   last ? 0 : fields[i].text_width);
			continue;
		}
		fields_format(&fields[i], &v, page, buf, sizeof(buf));
		text_template_padded(t, buf, last ? 0 : fields[i].text_width);
	}
	line_template_put(t, "\n", 1);
	return line_template_finish(t);
}

/* A line field by field, straight to the stream */
static void text_page_fields(FILE *f, const struct snapshot *snap,
			     const struct snapshot_page *page)
{
	for (size_t i = 0; i < fields_nr; i++) {
		struct field_value v;

		if (!fields[i].text_width)
			continue;
		fields[i].get(snap, page, &v);
		/* the last column is not padded: no trailing blanks */
		if (i == fields_nr - 1 && v.kind == FIELD_NULL)
			break;
		if (i)
			fputc(' ', f);
		text_value(f, &fields[i], &v, page, i == fields_nr - 1);
	}
	fputc('\n', f);
}

static void text_page(struct output *out, const struct snapshot *snap,
		      size_t index)
{
	const struct snapshot_page *page = snapshot_page_at(snap, index);
	struct text_state *state = text_of(out);
	struct line_template *t = &state->t;
	char *line;

	if ((long)page->mapping != state->last_mapping) {
		output_buffer_drain(&state->b, out->f);
		text_mapping_heading(out->f, &snap->mappings[page->mapping]);
		state->last_mapping = page->mapping;
	}
	/* a tracked change has a column of its own: no shape covers it */
	if (!(snap->nr_changes && track_find(snap, index)) &&
	    (line_template_matches(t, snap, page) ||
	     text_build_template(t, snap, page))) {
		line = output_buffer_room(&state->b, out->f,
					  LINE_TEMPLATE_LINE_MAX);
		state->b.len += line_template_fill(t, snap, page, line);
	} else {
		output_buffer_drain(&state->b, out->f);
		text_page_fields(out->f, snap, page);
	}
	out->nr_lines++;
}

/* A block of lines follows page LAST's: its heading is already written */
static void text_resume(struct output *out, const struct snapshot *snap,
			const struct snapshot_page *last)
{
	(void)snap;
	text_of(out)->last_mapping = last ? (long)last->mapping : -1;
}

static void text_mapping(struct output *out, const struct snapshot *snap,
			 const struct snapshot_summary *sum)
{
	const struct maps_entry *map = &snap->mappings[sum->mapping];
	char range[40], nodes[128] = "", count[SNAPSHOT_COUNT_NR][24];
	size_t used = 0;
	FILE *f = out->f;

	output_buffer_drain(&text_of(out)->b, f);
	snprintf(range, sizeof(range), "%" PRIx64 "-%" PRIx64, map->start, map->end);
	for (unsigned int c = 0; c < SNAPSHOT_COUNT_NR; c++) {
		if (sum->known[c])
			snprintf(count[c], sizeof(count[c]), "%" PRIu64, sum->count[c]);
		else
			snprintf(count[c], sizeof(count[c]), "-");
	}
	for (int n = 0; n < snap->nr_nodes && used < sizeof(nodes); n++) {
		if (!sum->node_pages[n])
			continue;
		used += (size_t)snprintf(nodes + used, sizeof(nodes) - used,
					 "%sN%d=%" PRIu64, used ? "," : "", n,
					 sum->node_pages[n]);
	}
	/* "N0=3,N1=512;hugetlb:N1=512": hugetlb pages per node after */
	for (int n = 0, h = 0; n < snap->nr_nodes && used < sizeof(nodes); n++) {
		if (!sum->node_hugetlb[n])
			continue;
		used += (size_t)snprintf(nodes + used, sizeof(nodes) - used,
					 "%sN%d=%" PRIu64,
					 h++ ? "," : ";hugetlb:", n,
					 sum->node_hugetlb[n]);
	}
	if (!used)
		snprintf(nodes, sizeof(nodes), "-");
	fprintf(f, "%-25s %4s %7s %6s %6s %6s %6s %6s %6s %6s %7s %-12s %s\n", range,
		map->perms, count[SNAPSHOT_COUNT_RESIDENT],
		count[SNAPSHOT_COUNT_SWAPPED], count[SNAPSHOT_COUNT_THP],
		count[SNAPSHOT_COUNT_PINNED], count[SNAPSHOT_COUNT_PROTNONE],
		count[SNAPSHOT_COUNT_REPLACED], count[SNAPSHOT_COUNT_MIGRATED], count[SNAPSHOT_COUNT_DIVERGED],
		count[SNAPSHOT_COUNT_HUGETLB], nodes, maps_name(map));
	out->nr_lines++;
}

static void text_end(struct output *out, const struct snapshot *snap)
{
	output_buffer_drain(&text_of(out)->b, out->f);
	fputc('\n', out->f);
	fflush(out->f);
}

/* One line per journal record, after a column line */
static void text_event(struct output *out, const struct page_event *ev)
{
	FILE *f = out->f;
	char time[48], range[40] = "-", pinned[24] = "-";

	output_buffer_drain(&text_of(out)->b, f);
	if (!out->nr_lines++)
		fprintf(f, "# %-30s %8s %-15s %-27s %8s %6s %-22s %s\n", "TIME",
			"SEQ", "KIND", "RANGE", "PAGES", "PINNED", "CAUSE",
			"VMA");
	output_time_ns(&ev->time, time, sizeof(time));
	if (event_has_range(ev))
		snprintf(range, sizeof(range), "%" PRIx64 "-%" PRIx64,
			 ev->start, ev->end);
	if (ev->pinned_known)
		snprintf(pinned, sizeof(pinned), "%" PRIu64, ev->pinned_pages);
	fprintf(f, "%-32s %8" PRIu64 " %-15s %-27s %8" PRIu64 " %6s %7d %-14.14s %s",
		time, ev->seq, event_kind_name(ev), range, event_pages(ev),
		pinned, (int)ev->cause_pid, ev->cause_comm,
		ev->vma ? ev->vma : "-");
	if (ev->kind == PAGEWATCH_JOURNAL_OVERFLOW)
		fprintf(f, " (%" PRIu64 " records lost)", ev->lost);
	fputc('\n', f);
}

static int text_drain(struct output *out, FILE *f)
{
	return output_buffer_drain(&text_of(out)->b, f);
}

static int text_open(struct output *out, bool block)
{
	struct text_state *state = calloc(1, sizeof(*state));

	if (!state)
		return -ENOMEM;
	/* a block of a thread's stays in the buffer until its turn */
	if (output_buffer_init(&state->b, block ? OUTPUT_BLOCK_TEXT : TEXT_BUF)) {
		free(state);
		return -ENOMEM;
	}
	state->last_mapping = -1;
	out->priv = state;
	return 0;
}

static void text_close(struct output *out)
{
	struct text_state *state = text_of(out);

	output_buffer_drain(&state->b, out->f);
	output_buffer_free(&state->b);
	free(state);
}

const struct output_ops out_text_ops = {
	.name = "text",
	.open = text_open,
	.close = text_close,
	.begin = text_begin,
	.page = text_page,
	.mapping = text_mapping,
	.end = text_end,
	.event = text_event,
	.drain = text_drain,
	.resume = text_resume,
};
