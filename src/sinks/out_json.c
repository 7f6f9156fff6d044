// SPDX-License-Identifier: GPL-2.0
/* JSON Lines: a snapshot object, then one object per page or mapping. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "model/fields.h"
#include "sinks/line_template.h"
#include "sinks/output.h"
#include "model/track.h"

/*
 * The sink's own state: page lines buffered before stdio gets them, and
 * what is formatted once and reused while it repeats (the mapping's path,
 * the flag list, the shape of a line).
 */
struct json_state {
	struct output_buffer b;	/* page lines not yet handed to the stream */
	char *raw;		/* the string str escapes */
	char *str;
	size_t str_len;
	bool have_flags;
	uint64_t flags;
	size_t flags_len;
	char flags_text[1024];
	struct line_template t;	/* of the last shape */
};

static inline struct json_state *js(struct output *out)
{
	return out->priv;
}

/* Hand the buffered page lines to F (NULL: drop them). */
static int json_drain(struct output *out, FILE *f)
{
	return output_buffer_drain(&js(out)->b, f);
}

/* Before anything else is written to the stream */
static void json_flush(struct output *out)
{
	json_drain(out, out->f);
}

static void json_range(FILE *f, const struct snapshot *snap)
{
	if (!snap->range_end) {
		fputs("null", f);
		return;
	}
	fprintf(f, "{\"start\":\"0x%" PRIx64 "\",\"end\":\"0x%" PRIx64 "\"}",
		snap->range_start, snap->range_end);
}

static void json_or_null(FILE *f, const char *s)
{
	if (s)
		output_json_string(f, s);
	else
		fputs("null", f);
}

static void json_begin(struct output *out, const struct snapshot *snap)
{
	FILE *f = out->f;
	char time[40], state[2] = { snap->proc.state, '\0' };

	json_flush(out);
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
	fprintf(f, ",\"all\":%s,\"tracked\":%s,\"mappings\":%zu,\"pages\":%zu",
		snap->all ? "true" : "false", snap->tracked ? "true" : "false",
		snap->nr_mappings, output_nr_selected(out, snap));
	fprintf(f, ",\"pages_read\":%zu,\"filter\":", snap->nr_pages);
	json_or_null(f, out->sel.filter);
	fputs(",\"vma\":", f);
	json_or_null(f, out->sel.vma);
	fprintf(f, ",\"format_version\":%d}\n", OUTPUT_FORMAT_VERSION);
}

/*
 * Page lines are built in a buffer of the sink's and handed to stdio in
 * large blocks, which glibc writes without copying: printf per field, then
 * a copy per line, were most of the time of a snapshot of a million pages.
 */
#define JSON_BUF	(256 * 1024)
#define JSON_LINE_MAX	4096	/* a line longer than this is written directly */

struct json_line {
	struct output *out;
	FILE *f;
	char *buf;
	size_t len;
	size_t cap;
	bool overflow;	/* F is NULL (a template) and the text did not fit */
};

/* Write the line so far, after the buffered lines it follows. */
static void line_flush(struct json_line *l)
{
	struct output_buffer *b = &js(l->out)->b;

	if (b->len && l->buf == b->buf + b->len)
		output_buffer_drain(b, l->f);
	fwrite(l->buf, 1, l->len, l->f);
	l->len = 0;
}

static inline void line_put(struct json_line *l, const char *s, size_t n)
{
	if (l->len + n > l->cap) {
		if (!l->f) {
			l->overflow = true;
			return;
		}
		line_flush(l);
		if (n > l->cap) {
			fwrite(s, 1, n, l->f);
			return;
		}
	}
	memcpy(l->buf + l->len, s, n);
	l->len += n;
}

#define line_lit(l, s)	line_put(l, s, sizeof(s) - 1)

static void line_uint(struct json_line *l, uint64_t u, bool hex)
{
	char tmp[24], *p = output_number(u, hex, tmp + sizeof(tmp));

	line_put(l, p, (size_t)(tmp + sizeof(tmp) - p));
}

/* The escaped form of S, formatted again only when S changes. */
static void line_string(struct output *out, struct json_line *l, const char *s)
{
	size_t len;

	if (!js(out)->raw || strcmp(js(out)->raw, s)) {
		free(js(out)->raw);
		free(js(out)->str);
		len = strlen(s);
		js(out)->raw = strdup(s);
		js(out)->str = malloc(6 * len + 3);
		if (!js(out)->raw || !js(out)->str) {
			free(js(out)->raw);
			free(js(out)->str);
			js(out)->raw = js(out)->str = NULL;
			if (!l->f) {
				l->overflow = true;
				return;
			}
			fflush(l->f);
			output_json_string(l->f, s);
			return;
		}
		js(out)->str_len = output_json_escape(s, js(out)->str);
	}
	line_put(l, js(out)->str, js(out)->str_len);
}

static void line_flags(struct output *out, struct json_line *l, uint64_t flags)
{
	if (!js(out)->have_flags || js(out)->flags != flags) {
		char *p = js(out)->flags_text;

		*p++ = '[';
		for (unsigned int bit = 0; bit < SNAPSHOT_PAGE_NR_FLAGS; bit++) {
			const char *name = fields_flag_name(bit);

			if (!(flags & SNAPSHOT_BIT(bit)) || !name)
				continue;
			p += sprintf(p, "%s\"%s\"", p > js(out)->flags_text + 1 ?
				     "," : "", name);
		}
		*p++ = ']';
		js(out)->flags_len = (size_t)(p - js(out)->flags_text);
		js(out)->flags = flags;
		js(out)->have_flags = true;
	}
	line_put(l, js(out)->flags_text, js(out)->flags_len);
}

static void line_value(struct output *out, struct json_line *l,
		       const struct field_value *v)
{
	switch (v->kind) {
	case FIELD_NULL:
		line_lit(l, "null");
		break;
	case FIELD_BOOL:
		if (v->u)
			line_lit(l, "true");
		else
			line_lit(l, "false");
		break;
	case FIELD_UINT:
		line_uint(l, v->u, false);
		break;
	case FIELD_HEX:
		line_lit(l, "\"0x");
		line_uint(l, v->u, true);
		line_lit(l, "\"");
		break;
	case FIELD_STR:
		line_string(out, l, v->s);
		break;
	case FIELD_FLAGS:
		line_flags(out, l, v->u);
		break;
	}
}

#define JSON_KEYS	64

/* ,"name": of every field, formatted once */
struct json_key {
	size_t len;
	char text[40];
};

static const struct json_key *json_keys(void)
{
	static struct json_key keys[JSON_KEYS];
	static bool done;

	if (!done) {
		for (size_t i = 0; i < fields_nr && i < JSON_KEYS; i++) {
			size_t len = fields[i].name ? strlen(fields[i].name) : 0;

			/* a field without a cached key is written the slow way */
			if (!len || len + 4 > sizeof(keys[i].text))
				continue;
			keys[i].len = (size_t)sprintf(keys[i].text, ",\"%s\":",
						      fields[i].name);
		}
		done = true;
	}
	return keys;
}

/*
 * The line of PAGE into L, field by field. With T, numbers are left out and
 * noted as T's slots (line_template.h: the text only the shape decides,
 * built once per shape): the text becomes the template of PAGE's shape, a
 * hexadecimal number's quotes and "0x" part of it. False when T cannot
 * hold it (an uncached key, a path of kilobytes).
 */
static bool json_line_fields(struct output *out, struct json_line *l,
			     const struct snapshot *snap,
			     const struct snapshot_page *page,
			     struct line_template *t)
{
	const struct json_key *keys = json_keys();

	line_lit(l, "{\"type\":\"page\",\"seq\":");
	line_uint(l, snap->seq, false);
	for (size_t i = 0; i < fields_nr; i++) {
		struct field_value v;

		if (!fields[i].name)
			continue;
		fields[i].get(snap, page, &v);
		if (i < JSON_KEYS && keys[i].len) {
			line_put(l, keys[i].text, keys[i].len);
		} else if (t) {
			return false;
		} else {
			line_lit(l, ",\"");
			line_put(l, fields[i].name, strlen(fields[i].name));
			line_lit(l, "\":");
		}
		if (t && (v.kind == FIELD_UINT || v.kind == FIELD_HEX)) {
			bool hex = v.kind == FIELD_HEX;

			if (hex)
				line_lit(l, "\"0x");
			t->len = l->len;
			line_template_slot(t, (unsigned int)i, hex, 0);
			if (hex)
				line_lit(l, "\"");
			continue;
		}
		line_value(out, l, &v);
	}
	line_lit(l, "}\n");
	return !l->overflow;
}

static bool json_build_template(struct output *out, struct line_template *t,
				const struct snapshot *snap,
				const struct snapshot_page *page)
{
	struct json_line l = {
		.out = out, .f = NULL, .buf = t->text, .cap = sizeof(t->text),
	};

	line_template_start(t, snap, page);
	if (!json_line_fields(out, &l, snap, page, t))
		return false;
	t->len = l.len;
	return line_template_finish(t);
}

static void json_page(struct output *out, const struct snapshot *snap,
		      size_t index)
{
	const struct snapshot_page *page = snapshot_page_at(snap, index);
	struct json_state *state = js(out);
	struct line_template *t = &state->t;
	struct output_buffer *b = &state->b;
	struct json_line l = { .out = out, .f = out->f, .cap = JSON_LINE_MAX };

	/* a tracked change adds fields of its own: no shape covers it */
	if (!(snap->nr_changes && track_find(snap, index)) &&
	    (line_template_matches(t, snap, page) ||
	     json_build_template(out, t, snap, page))) {
		char *line = output_buffer_room(b, out->f,
						LINE_TEMPLATE_LINE_MAX);

		b->len += line_template_fill(t, snap, page, line);
		return;
	}
	/* the line goes on the buffered ones; a long one is written at once */
	l.buf = output_buffer_room(b, out->f, JSON_LINE_MAX);
	json_line_fields(out, &l, snap, page, NULL);
	if (l.buf == b->buf + b->len)
		b->len += l.len;
	else
		line_flush(&l);
}

static void json_mapping(struct output *out, const struct snapshot *snap,
			 const struct snapshot_summary *sum)
{
	const struct maps_entry *map = &snap->mappings[sum->mapping];
	FILE *f = out->f;
	bool first = true;

	json_flush(out);
	fprintf(f, "{\"type\":\"mapping\",\"seq\":%u,\"start\":\"0x%" PRIx64
		"\",\"end\":\"0x%" PRIx64 "\",\"perms\":\"%s\",\"offset\":\"0x%"
		PRIx64 "\",\"vma\":", snap->seq, map->start, map->end,
		map->perms, map->offset);
	output_json_string(f, maps_name(map));
	for (unsigned int c = 0; c < SNAPSHOT_COUNT_NR; c++) {
		fprintf(f, ",\"%s\":", snapshot_count_name(c));
		if (sum->known[c])
			fprintf(f, "%" PRIu64, sum->count[c]);
		else
			fputs("null", f);
	}
	fputs(",\"nodes\":", f);
	if (!snapshot_nodes_known(snap)) {
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
	fputs("},\"hugetlb_nodes\":", f);
	if (!sum->known[SNAPSHOT_COUNT_HUGETLB]) {
		fputs("null}\n", f);
		return;
	}
	first = true;
	fputc('{', f);
	for (int n = 0; n < snap->nr_nodes; n++) {
		if (!sum->node_hugetlb[n])
			continue;
		fprintf(f, "%s\"%d\":%" PRIu64, first ? "" : ",", n,
			sum->node_hugetlb[n]);
		first = false;
	}
	fputs("}}\n", f);
}

static void json_end(struct output *out, const struct snapshot *snap)
{
	json_flush(out);
	fflush(out->f);
}

/* One object per journal record */
static void json_event(struct output *out, const struct page_event *ev)
{
	FILE *f = out->f;
	char time[48];

	json_flush(out);
	output_time_ns(&ev->time, time, sizeof(time));
	fprintf(f, "{\"type\":\"event\",\"seq\":%" PRIu64 ",\"time\":\"%s\",\"kind\":",
		ev->seq, time);
	output_json_string(f, event_kind_name(ev));
	if (event_has_range(ev))
		fprintf(f, ",\"start\":\"0x%" PRIx64 "\",\"end\":\"0x%" PRIx64
			"\",\"pages\":%" PRIu64, ev->start, ev->end,
			event_pages(ev));
	else
		fputs(",\"start\":null,\"end\":null,\"pages\":0", f);
	fprintf(f, ",\"blockable\":%s,\"cause_pid\":%d,\"cause_comm\":",
		ev->blockable ? "true" : "false", (int)ev->cause_pid);
	output_json_string(f, ev->cause_comm);
	fputs(",\"vma\":", f);
	if (ev->vma)
		output_json_string(f, ev->vma);
	else
		fputs("null", f);
	if (ev->pinned_known)
		fprintf(f, ",\"pinned_pages\":%" PRIu64, ev->pinned_pages);
	else
		fputs(",\"pinned_pages\":null", f);
	if (ev->kind == PAGEWATCH_JOURNAL_OVERFLOW)
		fprintf(f, ",\"lost\":%" PRIu64, ev->lost);
	fputs("}\n", f);
	out->nr_lines++;
}

static int json_open(struct output *out, bool block)
{
	struct json_state *state = calloc(1, sizeof(*state));

	if (!state)
		return -ENOMEM;
	/*
	 * The keys are formatted here, by the output the program opens
	 * before any block's thread starts (pthread_create() orders it
	 * before them): the threads' own outputs only read them.
	 */
	(void)json_keys();
	/* a block of a thread's stays in the buffer until its turn */
	_Static_assert(OUTPUT_BLOCK_TEXT >= LINE_TEMPLATE_LINE_MAX &&
		       JSON_BUF >= LINE_TEMPLATE_LINE_MAX,
		       "a template's line fits an empty buffer");
	if (output_buffer_init(&state->b, block ? OUTPUT_BLOCK_TEXT : JSON_BUF)) {
		free(state);
		return -ENOMEM;
	}
	out->priv = state;
	return 0;
}

static void json_close(struct output *out)
{
	struct json_state *state = js(out);

	json_flush(out);
	output_buffer_free(&state->b);
	free(state->raw);
	free(state->str);
	free(state);
}

const struct output_ops out_json_ops = {
	.name = "json",
	.open = json_open,
	.close = json_close,
	.begin = json_begin,
	.page = json_page,
	.mapping = json_mapping,
	.end = json_end,
	.event = json_event,
	.drain = json_drain,
};
