// SPDX-License-Identifier: GPL-2.0
/* JSON Lines: a snapshot object, then one object per page or mapping. */
#include "config.h"

#include <inttypes.h>

#include "fields.h"
#include "output.h"

static void json_range(FILE *f, const struct snapshot *snap)
{
	if (!snap->range_end) {
		fputs("null", f);
		return;
	}
	fprintf(f, "{\"start\":\"0x%" PRIx64 "\",\"end\":\"0x%" PRIx64 "\"}",
		snap->range_start, snap->range_end);
}

static void json_begin(struct output *out, const struct snapshot *snap)
{
	FILE *f = out->f;
	char time[40], state[2] = { snap->proc.state, '\0' };

	output_time(&snap->time, time, sizeof(time));
	fprintf(f, "{\"type\":\"snapshot\",\"seq\":%u,\"pid\":%d,\"command\":",
		snap->seq, (int)snap->pid);
	output_json_string(f, snap->proc.command);
	fputs(",\"state\":", f);
	output_json_string(f, state);
	fprintf(f, ",\"threads\":%d,\"rss_kib\":%lu,\"user\":",
		snap->proc.threads, snap->proc.rss_kib);
	output_json_string(f, snap->proc.user);
	fputs(",\"kernel\":", f);
	output_json_string(f, snap->kernel);
	fprintf(f, ",\"time\":\"%s\",\"complete\":true,\"sources\":{", time);
	for (unsigned int s = 0; s < SNAPSHOT_SRC_NR; s++)
		fprintf(f, "%s\"%s\":%s", s ? "," : "", snapshot_source_name(s),
			snapshot_has(snap, s) ? "true" : "false");
	fputs("},\"kmod_abi\":", f);
	if (snap->kmod_abi)
		fprintf(f, "%u", snap->kmod_abi);
	else
		fputs("null", f);
	fputs(",\"nodes\":[", f);
	for (int i = 0; i < snap->nr_online; i++)
		fprintf(f, "%s%d", i ? "," : "", snap->online[i]);
	fputs("],\"range\":", f);
	json_range(f, snap);
	fprintf(f, ",\"all\":%s,\"tracked\":%s,\"mappings\":%zu,\"pages\":%zu}\n",
		snap->all ? "true" : "false", snap->tracked ? "true" : "false",
		snap->nr_mappings, snap->nr_pages);
}

static void json_flags(FILE *f, uint64_t flags)
{
	bool first = true;

	fputc('[', f);
	for (unsigned int bit = 0; bit < SNAPSHOT_PAGE_NR_FLAGS; bit++) {
		if (!(flags & SNAPSHOT_BIT(bit)) || !fields_flag_name(bit))
			continue;
		fprintf(f, "%s\"%s\"", first ? "" : ",", fields_flag_name(bit));
		first = false;
	}
	fputc(']', f);
}

static void json_value(FILE *f, const struct field_value *v)
{
	switch (v->kind) {
	case FIELD_NULL:
		fputs("null", f);
		break;
	case FIELD_BOOL:
		fputs(v->u ? "true" : "false", f);
		break;
	case FIELD_UINT:
		fprintf(f, "%" PRIu64, v->u);
		break;
	case FIELD_HEX:
		fprintf(f, "\"0x%" PRIx64 "\"", v->u);
		break;
	case FIELD_STR:
		output_json_string(f, v->s);
		break;
	case FIELD_FLAGS:
		json_flags(f, v->u);
		break;
	}
}

static void json_page(struct output *out, const struct snapshot *snap,
		      size_t index)
{
	FILE *f = out->f;

	fprintf(f, "{\"type\":\"page\",\"seq\":%u", snap->seq);
	for (size_t i = 0; i < fields_nr; i++) {
		struct field_value v;

		if (!fields[i].name)
			continue;
		fields[i].get(snap, &snap->pages[index], &v);
		fprintf(f, ",\"%s\":", fields[i].name);
		json_value(f, &v);
	}
	fputs("}\n", f);
}

static void json_mapping(struct output *out, const struct snapshot *snap,
			 const struct snapshot_summary *sum)
{
	const struct maps_entry *map = &snap->mappings[sum->mapping];
	FILE *f = out->f;
	bool first = true;

	fprintf(f, "{\"type\":\"mapping\",\"seq\":%u,\"start\":\"0x%" PRIx64
		"\",\"end\":\"0x%" PRIx64 "\",\"perms\":\"%s\",\"offset\":\"0x%"
		PRIx64 "\",\"vma\":", snap->seq, map->start, map->end,
		map->perms, map->offset);
	output_json_string(f, map->path[0] ? map->path : "[anon]");
	for (unsigned int c = 0; c < SNAPSHOT_COUNT_NR; c++) {
		fprintf(f, ",\"%s\":", snapshot_count_name(c));
		if (sum->known[c])
			fprintf(f, "%" PRIu64, sum->count[c]);
		else
			fputs("null", f);
	}
	fputs(",\"nodes\":", f);
	if (!snapshot_has(snap, SNAPSHOT_SRC_KMOD) &&
	    !snapshot_has(snap, SNAPSHOT_SRC_SYSFS_NODE)) {
		fputs("null}\n", f);
		return;
	}
	fputc('{', f);
	for (int n = 0; n < snap->nr_nodes; n++) {
		if (!sum->node_pages[n])
			continue;
		fprintf(f, "%s\"%d\":%" PRIu64, first ? "" : ",", n,
			sum->node_pages[n]);
		first = false;
	}
	fputs("}}\n", f);
}

static void json_end(struct output *out, const struct snapshot *snap)
{
	fflush(out->f);
}

const struct output_ops out_json_ops = {
	.name = "json",
	.begin = json_begin,
	.page = json_page,
	.mapping = json_mapping,
	.end = json_end,
};
