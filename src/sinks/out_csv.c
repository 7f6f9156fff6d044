// SPDX-License-Identifier: GPL-2.0
/* CSV: a header row, then one row per page (or mapping); paths quoted. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "model/fields.h"
#include "model/track.h"
#include "sinks/line_template.h"
#include "sinks/output.h"

/* Page rows made in a buffer from a template per shape (line_template.h) */
#define CSV_BUF		(256 * 1024)

struct csv_state {
	struct output_buffer b;
	struct line_template t;
};

static inline struct csv_state *csv_of(struct output *out)
{
	return out->priv;
}

static void csv_begin(struct output *out, const struct snapshot *snap)
{
	FILE *f = out->f;

	output_buffer_drain(&csv_of(out)->b, f);
	/* one header row for the whole run; "snapshot" tells runs apart */
	if (snap->seq > 1 && out->nr_lines)
		return;
	fputs("snapshot", f);
	if (out->summary) {
		fputs(",start,end,perms,offset,vma", f);
		for (unsigned int c = 0; c < SNAPSHOT_COUNT_NR; c++)
			fprintf(f, ",%s", snapshot_count_name(c));
		fputs(",nodes,hugetlb_nodes\n", f);
	} else {
		for (size_t i = 0; i < fields_nr; i++)
			if (fields[i].name)
				fprintf(f, ",%s", fields[i].name);
		fputc('\n', f);
	}
	out->nr_lines++;
}

static void csv_flags(FILE *f, uint64_t flags)
{
	bool first = true;

	for (unsigned int bit = 0; bit < SNAPSHOT_PAGE_NR_FLAGS; bit++) {
		if (!(flags & SNAPSHOT_BIT(bit)) || !fields_flag_name(bit))
			continue;
		fprintf(f, "%s%s", first ? "" : "|", fields_flag_name(bit));
		first = false;
	}
}

static void csv_value(FILE *f, const struct field_value *v)
{
	switch (v->kind) {
	case FIELD_NULL:
		break;
	case FIELD_BOOL:
		fputs(v->u ? "1" : "0", f);
		break;
	case FIELD_UINT:
		fprintf(f, "%" PRIu64, v->u);
		break;
	case FIELD_HEX:
		fprintf(f, "0x%" PRIx64, v->u);
		break;
	case FIELD_STR:
		output_csv_string(f, v->s);
		break;
	case FIELD_FLAGS:
		csv_flags(f, v->u);
		break;
	}
}

/* A value the template holds as text: the characters csv_value() writes */
static void csv_template_value(struct line_template *t,
			       const struct field_value *v)
{
	switch (v->kind) {
	case FIELD_NULL:
		break;
	case FIELD_BOOL:
		line_template_put(t, v->u ? "1" : "0", 1);
		break;
	case FIELD_UINT:
	case FIELD_HEX:
		/* numbers are slots */
		break;
	case FIELD_STR:
		line_template_put(t, "\"", 1);
		for (const char *c = v->s; *c; c++) {
			if (*c == '"')
				line_template_put(t, "\"", 1);
			line_template_put(t, c, 1);
		}
		line_template_put(t, "\"", 1);
		break;
	case FIELD_FLAGS:
		for (unsigned int bit = 0, first = 1;
		     bit < SNAPSHOT_PAGE_NR_FLAGS; bit++) {
			const char *name = fields_flag_name(bit);

			if (!(v->u & SNAPSHOT_BIT(bit)) || !name)
				continue;
			if (!first)
				line_template_put(t, "|", 1);
			line_template_put(t, name, strlen(name));
			first = 0;
		}
		break;
	}
}

/* The template of PAGE's shape: the row with its numbers left as slots */
static bool csv_build_template(struct line_template *t,
			       const struct snapshot *snap,
			       const struct snapshot_page *page)
{
	char seq[16];

	line_template_start(t, snap, page);
	line_template_put(t, seq, (size_t)snprintf(seq, sizeof(seq), "%u",
						   snap->seq));
	for (size_t i = 0; i < fields_nr; i++) {
		struct field_value v;

		if (!fields[i].name)
			continue;
		fields[i].get(snap, page, &v);
		line_template_put(t, ",", 1);
		if (v.kind == FIELD_HEX)
			line_template_put(t, "0x", 2);
		if (v.kind == FIELD_UINT || v.kind == FIELD_HEX)
			line_template_slot(t, (unsigned int)i,
					   v.kind == FIELD_HEX, 0);
		else
			csv_template_value(t, &v);
	}
	line_template_put(t, "\n", 1);
	return line_template_finish(t);
}

/* A row field by field, straight to the stream */
static void csv_page_fields(FILE *f, const struct snapshot *snap,
			    size_t index)
{
	fprintf(f, "%u", snap->seq);
	for (size_t i = 0; i < fields_nr; i++) {
		struct field_value v;

		if (!fields[i].name)
			continue;
		fields[i].get(snap, snapshot_page_at(snap, index), &v);
		fputc(',', f);
		csv_value(f, &v);
	}
	fputc('\n', f);
}

static void csv_page(struct output *out, const struct snapshot *snap,
		     size_t index)
{
	const struct snapshot_page *page = snapshot_page_at(snap, index);
	struct csv_state *state = csv_of(out);
	struct line_template *t = &state->t;
	char *line;

	/* a tracked change has columns of its own: no shape covers it */
	if (!(snap->nr_changes && track_find(snap, index)) &&
	    (line_template_matches(t, snap, page) ||
	     csv_build_template(t, snap, page))) {
		line = output_buffer_room(&state->b, out->f,
					  LINE_TEMPLATE_LINE_MAX);
		state->b.len += line_template_fill(t, snap, page, line);
	} else {
		output_buffer_drain(&state->b, out->f);
		csv_page_fields(out->f, snap, index);
	}
	out->nr_lines++;
}

static void csv_mapping(struct output *out, const struct snapshot *snap,
			const struct snapshot_summary *sum)
{
	const struct maps_entry *map = &snap->mappings[sum->mapping];
	FILE *f = out->f;
	bool first = true;

	output_buffer_drain(&csv_of(out)->b, f);
	fprintf(f, "%u,0x%" PRIx64 ",0x%" PRIx64 ",%s,0x%" PRIx64 ",", snap->seq,
		map->start, map->end, map->perms, map->offset);
	output_csv_string(f, maps_name(map));
	for (unsigned int c = 0; c < SNAPSHOT_COUNT_NR; c++) {
		fputc(',', f);
		if (sum->known[c])
			fprintf(f, "%" PRIu64, sum->count[c]);
	}
	/* "0=12 1=3": resident pages per node */
	fputs(",\"", f);
	for (int n = 0; n < snap->nr_nodes; n++) {
		if (!sum->node_pages[n])
			continue;
		fprintf(f, "%s%d=%" PRIu64, first ? "" : " ", n, sum->node_pages[n]);
		first = false;
	}
	/* the same for hugetlb pages */
	fputs("\",\"", f);
	first = true;
	for (int n = 0; n < snap->nr_nodes; n++) {
		if (!sum->node_hugetlb[n])
			continue;
		fprintf(f, "%s%d=%" PRIu64, first ? "" : " ", n, sum->node_hugetlb[n]);
		first = false;
	}
	fputs("\"\n", f);
	out->nr_lines++;
}

static void csv_end(struct output *out, const struct snapshot *snap)
{
	output_buffer_drain(&csv_of(out)->b, out->f);
	fflush(out->f);
}

/* One row per journal record, after one header row */
static void csv_event(struct output *out, const struct page_event *ev)
{
	FILE *f = out->f;
	char time[48];

	output_buffer_drain(&csv_of(out)->b, f);
	if (!out->nr_lines++)
		fputs("seq,time,kind,start,end,pages,blockable,cause_pid,cause_comm,vma,pinned_pages,lost\n",
		      f);
	output_time_ns(&ev->time, time, sizeof(time));
	fprintf(f, "%" PRIu64 ",%s,%s,", ev->seq, time, event_kind_name(ev));
	if (event_has_range(ev))
		fprintf(f, "0x%" PRIx64 ",0x%" PRIx64 ",%" PRIu64, ev->start,
			ev->end, event_pages(ev));
	else
		fputs(",,0", f);
	fprintf(f, ",%d,%d,", ev->blockable, (int)ev->cause_pid);
	output_csv_string(f, ev->cause_comm);
	fputc(',', f);
	if (ev->vma)
		output_csv_string(f, ev->vma);
	fputc(',', f);
	if (ev->pinned_known)
		fprintf(f, "%" PRIu64, ev->pinned_pages);
	fputc(',', f);
	if (ev->kind == PAGEWATCH_JOURNAL_OVERFLOW)
		fprintf(f, "%" PRIu64, ev->lost);
	fputc('\n', f);
}

static int csv_drain(struct output *out, FILE *f)
{
	return output_buffer_drain(&csv_of(out)->b, f);
}

static int csv_open(struct output *out, bool block)
{
	struct csv_state *state = calloc(1, sizeof(*state));

	if (!state)
		return -ENOMEM;
	/* a block of a thread's stays in the buffer until its turn */
	if (output_buffer_init(&state->b, block ? OUTPUT_BLOCK_TEXT : CSV_BUF)) {
		free(state);
		return -ENOMEM;
	}
	out->priv = state;
	return 0;
}

static void csv_close(struct output *out)
{
	struct csv_state *state = csv_of(out);

	output_buffer_drain(&state->b, out->f);
	output_buffer_free(&state->b);
	free(state);
}

const struct output_ops out_csv_ops = {
	.name = "csv",
	.open = csv_open,
	.close = csv_close,
	.begin = csv_begin,
	.page = csv_page,
	.mapping = csv_mapping,
	.end = csv_end,
	.event = csv_event,
	.drain = csv_drain,
};
