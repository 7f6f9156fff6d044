// SPDX-License-Identifier: GPL-2.0
/* CSV: a header row, then one row per page (or mapping); paths quoted. */
#include "config.h"

#include <inttypes.h>

#include "model/fields.h"
#include "sinks/output.h"

static void csv_begin(struct output *out, const struct snapshot *snap)
{
	FILE *f = out->f;

	/* one header row for the whole run; "snapshot" tells runs apart */
	if (snap->seq > 1 && out->nr_lines)
		return;
	fputs("snapshot", f);
	if (out->summary) {
		fputs(",start,end,perms,offset,vma", f);
		for (unsigned int c = 0; c < SNAPSHOT_COUNT_NR; c++)
			fprintf(f, ",%s", snapshot_count_name(c));
		fputs(",nodes\n", f);
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

static void csv_page(struct output *out, const struct snapshot *snap,
		     size_t index)
{
	FILE *f = out->f;

	fprintf(f, "%u", snap->seq);
	for (size_t i = 0; i < fields_nr; i++) {
		struct field_value v;

		if (!fields[i].name)
			continue;
		fields[i].get(snap, &snap->pages[index], &v);
		fputc(',', f);
		csv_value(f, &v);
	}
	fputc('\n', f);
	out->nr_lines++;
}

static void csv_mapping(struct output *out, const struct snapshot *snap,
			const struct snapshot_summary *sum)
{
	const struct maps_entry *map = &snap->mappings[sum->mapping];
	FILE *f = out->f;
	bool first = true;

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
	fputs("\"\n", f);
	out->nr_lines++;
}

static void csv_end(struct output *out, const struct snapshot *snap)
{
	fflush(out->f);
}

/* One row per journal record, after one header row */
static void csv_event(struct output *out, const struct page_event *ev)
{
	FILE *f = out->f;
	char time[48];

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

/* CSV lines go straight to the stream: nothing is held back */
static int csv_drain(struct output *out, FILE *f)
{
	return 0;
}

const struct output_ops out_csv_ops = {
	.name = "csv",
	.begin = csv_begin,
	.page = csv_page,
	.mapping = csv_mapping,
	.end = csv_end,
	.event = csv_event,
	.drain = csv_drain,
};
