// SPDX-License-Identifier: GPL-2.0
/* Recordings read back: the lines parsed, the state at a tick rebuilt. */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/filter.h"
#include "model/gzlib.h"
#include "model/json_value.h"
#include "model/recording.h"

/* Where the reading of one line stands */
struct rec_reader {
	struct recording *rec;
	size_t line;
	struct recording_tick *tick;	/* being read; not yet in rec->ticks */
	size_t cap_pages;
	size_t cap_gone;
	size_t cap_changes;
	size_t cap_events;
	size_t cap_notes;
	size_t cap_flags;
};

static int fail(struct rec_reader *r, const char *fmt, ...)
{
	va_list ap;

	if (r->rec->error_line)
		return -EINVAL;
	r->rec->error_line = r->line;
	va_start(ap, fmt);
	vsnprintf(r->rec->error, sizeof(r->rec->error), fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* Grow *ARR of *CAP items of SIZE to hold one more than NR */
static int grow(void *arr, size_t *cap, size_t nr, size_t size)
{
	void **p = arr;
	size_t ncap;
	void *n;

	if (nr < *cap)
		return 0;
	ncap = *cap ? 2 * *cap : 16;
	n = realloc(*p, ncap * size);
	if (!n)
		return -ENOMEM;
	*p = n;
	*cap = ncap;
	return 0;
}

static void tick_free(struct recording_tick *t)
{
	maps_free(t->mappings, t->nr_mappings);
	free(t->pages);
	free(t->gone);
	free(t->changes);
	for (size_t i = 0; i < t->nr_events; i++)
		free(t->events[i].vma);
	free(t->events);
	free(t->notes);
	free(t->flags);
	memset(t, 0, sizeof(*t));
}

void recording_free(struct recording *rec)
{
	for (size_t i = 0; i < rec->nr_ticks; i++)
		tick_free(&rec->ticks[i]);
	free(rec->ticks);
	free(rec->online);
	free(rec->vma);
	for (size_t i = 0; i < rec->nr_regions; i++)
		free(rec->regions[i].name);
	free(rec->regions);
	snapshot_free(&rec->cur);
	memset(rec, 0, sizeof(*rec));
}

/* Copy string V (at most LEN - 1 bytes, no NUL inside) into BUF */
static bool get_string(const struct json_value *v, char *buf, size_t len)
{
	if (!v || v->type != JSON_STRING || strlen(v->s) >= len)
		return false;
	strcpy(buf, v->s);
	return true;
}

static bool get_bool(const struct json_value *v, bool *b)
{
	if (!v || v->type != JSON_BOOL)
		return false;
	*b = v->b;
	return true;
}

/* ITEMS[0..N) of array V as unsigned integers, each at most MAX[i] */
static bool get_uints(const struct json_value *v, size_t n,
		      const uint64_t *max, uint64_t *u)
{
	if (!v || v->type != JSON_ARRAY || v->n != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!json_uint(&v->items[i], max[i], &u[i]))
			return false;
	return true;
}

static int header_sources(struct rec_reader *r, const struct json_value *v)
{
	unsigned int s;

	if (!v || v->type != JSON_ARRAY)
		return fail(r, "header: \"sources\" is not a list of names");
	for (size_t i = 0; i < v->n; i++) {
		for (s = 0; s < SNAPSHOT_SRC_NR; s++)
			if (v->items[i].type == JSON_STRING &&
			    !strcmp(v->items[i].s, snapshot_source_name(s)))
				break;
		/* a source this pagewatch does not know is left out */
		if (s < SNAPSHOT_SRC_NR)
			r->rec->sources |= 1U << s;
	}
	return 0;
}

static int header_nodes(struct rec_reader *r, const struct json_value *v)
{
	struct recording *rec = r->rec;
	uint64_t u, n;

	if (!json_uint(json_get(v, "nr_nodes"), 1024, &n))
		return fail(r, "header: \"nr_nodes\" is missing or not a count");
	rec->nr_nodes = (int)n;
	v = json_get(v, "nodes");
	if (!v || v->type != JSON_ARRAY || v->n > 1024)
		return fail(r, "header: \"nodes\" is not a list of nodes");
	rec->online = calloc(v->n + 1, sizeof(*rec->online));
	if (!rec->online)
		return -ENOMEM;
	for (size_t i = 0; i < v->n; i++) {
		if (!json_uint(&v->items[i], n ? n - 1 : 0, &u))
			return fail(r, "header: node %zu is not below nr_nodes", i);
		rec->online[rec->nr_online++] = (int)u;
	}
	return 0;
}

/* "regions": [[start, end, "name"], ...], or none */
static int header_regions(struct rec_reader *r, const struct json_value *v)
{
	static const uint64_t max[2] = { UINT64_MAX, UINT64_MAX };
	struct recording *rec = r->rec;
	uint64_t u[2];

	if (!v || v->type == JSON_NULL)
		return 0;
	if (v->type != JSON_ARRAY || v->n > 4096)
		return fail(r, "header: \"regions\" is not a list");
	rec->regions = calloc(v->n + 1, sizeof(*rec->regions));
	if (!rec->regions)
		return -ENOMEM;
	for (size_t i = 0; i < v->n; i++) {
		const struct json_value *e = &v->items[i];

		if (e->type != JSON_ARRAY || e->n != 3 ||
		    !get_uints(&(struct json_value){ .type = JSON_ARRAY, .n = 2,
						       .items = e->items },
			       2, max, u) ||
		    e->items[2].type != JSON_STRING)
			return fail(r, "header: region %zu is not [start, end, name]", i);
		rec->regions[i].start = u[0];
		rec->regions[i].end = u[1];
		rec->regions[i].name = strdup(e->items[2].s);
		if (!rec->regions[i].name)
			return -ENOMEM;
		rec->nr_regions++;
	}
	return 0;
}

static int parse_header(struct rec_reader *r, const struct json_value *v)
{
	struct recording *rec = r->rec;
	const struct json_value *range, *vma;
	static const uint64_t range_max[2] = { UINT64_MAX, UINT64_MAX };
	uint64_t u, se[2];
	int err;

	if (!json_get(v, "type") || json_get(v, "type")->type != JSON_STRING ||
	    strcmp(json_get(v, "type")->s, "recording"))
		return fail(r, "not a pagewatch recording (its first line is no recording header)");
	if (!json_uint(json_get(v, "recording_version"), UINT32_MAX, &u) || !u)
		return fail(r, "header: \"recording_version\" is missing");
	rec->version = (unsigned int)u;
	if (u > RECORDING_VERSION) {
		fail(r, "recording format version %u is newer than this pagewatch reads (%d): use a newer pagewatch",
		     rec->version, RECORDING_VERSION);
		return -EPROTONOSUPPORT;
	}
	if (!json_uint(json_get(v, "pid"), INT32_MAX, &u))
		return fail(r, "header: \"pid\" is missing");
	rec->pid = (pid_t)u;
	if (!get_string(json_get(v, "command"), rec->command, sizeof(rec->command)) ||
	    !get_string(json_get(v, "user"), rec->user, sizeof(rec->user)) ||
	    !get_string(json_get(v, "kernel"), rec->kernel, sizeof(rec->kernel)))
		return fail(r, "header: \"command\", \"user\" or \"kernel\" is missing or too long");
	err = header_nodes(r, v);
	if (!err)
		err = header_sources(r, json_get(v, "sources"));
	if (err)
		return err;
	if (json_uint(json_get(v, "kmod_abi"), UINT32_MAX, &u))
		rec->kmod_abi = (unsigned int)u;
	range = json_get(v, "range");
	if (range && range->type != JSON_NULL) {
		if (!get_uints(range, 2, range_max, se) || se[0] >= se[1])
			return fail(r, "header: \"range\" is not [start, end]");
		rec->range_start = se[0];
		rec->range_end = se[1];
	}
	vma = json_get(v, "vma");
	if (vma && vma->type == JSON_STRING) {
		rec->vma = strdup(vma->s);
		if (!rec->vma)
			return -ENOMEM;
	}
	err = header_regions(r, json_get(v, "regions"));
	if (err)
		return err;
	if (!get_bool(json_get(v, "all"), &rec->all) ||
	    !get_bool(json_get(v, "journal"), &rec->journal) ||
	    !json_number(json_get(v, "interval"), &rec->interval))
		return fail(r, "header: \"all\", \"journal\" or \"interval\" is missing");
	return 0;
}

static int parse_mappings(struct rec_reader *r, const struct json_value *v)
{
	static const uint64_t max[6] = { UINT64_MAX, UINT64_MAX, UINT64_MAX,
					 UINT64_MAX, UINT32_MAX, UINT32_MAX };
	struct recording_tick *t = r->tick;
	const struct json_value *list = json_get(v, "list"), *m;
	uint64_t u[6];

	if (!t || t->mappings)
		return fail(r, "a mappings line outside a tick, or twice in one");
	if (!list || list->type != JSON_ARRAY)
		return fail(r, "mappings: \"list\" is not a list");
	t->mappings = calloc(list->n + 1, sizeof(*t->mappings));
	if (!t->mappings)
		return -ENOMEM;
	for (size_t i = 0; i < list->n; i++) {
		struct maps_entry *e = &t->mappings[i];

		m = &list->items[i];
		if (m->type != JSON_ARRAY || m->n != 8 ||
		    !get_uints(&(struct json_value){ .type = JSON_ARRAY, .n = 6,
						       .items = m->items },
			       6, max, u) ||
		    !get_string(&m->items[6], e->perms, sizeof(e->perms)) ||
		    m->items[7].type != JSON_STRING)
			return fail(r, "mapping %zu is not [start, end, offset, inode, major, minor, perms, path]", i);
		if (u[0] >= u[1] || (i && u[0] < t->mappings[i - 1].end))
			return fail(r, "mapping %zu is empty or out of order", i);
		e->path = strdup(m->items[7].s);
		if (!e->path)
			return -ENOMEM;
		t->nr_mappings++;
		e->start = u[0];
		e->end = u[1];
		e->offset = u[2];
		e->inode = u[3];
		e->dev_major = (unsigned int)u[4];
		e->dev_minor = (unsigned int)u[5];
	}
	return 0;
}

static int parse_page(struct rec_reader *r, const struct json_value *v)
{
	static const uint64_t max[10] = {
		UINT64_MAX, UINT64_MAX, UINT64_MAX, UINT32_MAX, UINT32_MAX,
		UINT32_MAX, UINT32_MAX, PAGEWATCH_NODE_NONE, UINT8_MAX, UINT8_MAX
	};
	struct recording_tick *t = r->tick;
	struct snapshot_page *p;
	uint64_t u[10];

	if (!t)
		return fail(r, "a page line before the first tick");
	if (!get_uints(v, 10, max, u))
		return fail(r, "page: not [vaddr, pfn, flags, refcount, mapcount, pincount, mapping, node, order, swap_type]");
	if (u[0] & 0xfff || (t->nr_pages && u[0] <= t->pages[t->nr_pages - 1].vaddr))
		return fail(r, "page 0x%llx: not page-aligned or out of order",
			    (unsigned long long)u[0]);
	if (grow(&t->pages, &r->cap_pages, t->nr_pages, sizeof(*t->pages)))
		return -ENOMEM;
	p = &t->pages[t->nr_pages++];
	p->vaddr = u[0];
	p->pfn = u[1];
	p->flags = u[2];
	p->refcount = (uint32_t)u[3];
	p->mapcount = (uint32_t)u[4];
	p->pincount = (uint32_t)u[5];
	p->mapping = (uint32_t)u[6];
	p->node = (uint16_t)u[7];
	p->order = (uint8_t)u[8];
	p->swap_type = (uint8_t)u[9];
	return 0;
}

static int parse_flags(struct rec_reader *r, const struct json_value *v)
{
	static const uint64_t max[3] = { UINT64_MAX, UINT32_MAX, UINT64_MAX };
	struct recording_tick *t = r->tick;
	uint64_t u[3];

	if (!t)
		return fail(r, "a flags line before the first tick");
	if (!get_uints(v, 3, max, u) || !u[1])
		return fail(r, "flags: not [vaddr, pages, xor]");
	if (t->nr_flags && u[0] <= t->flags[t->nr_flags - 1].vaddr)
		return fail(r, "flags 0x%llx: out of order", (unsigned long long)u[0]);
	if (grow(&t->flags, &r->cap_flags, t->nr_flags, sizeof(*t->flags)))
		return -ENOMEM;
	t->flags[t->nr_flags++] = (struct recording_flags){ u[0], u[1], u[2] };
	return 0;
}

static int parse_gone(struct rec_reader *r, const struct json_value *v)
{
	struct recording_tick *t = r->tick;
	uint64_t u;

	if (!t || t->gone || v->type != JSON_ARRAY)
		return fail(r, "a gone line outside a tick, twice, or not a list");
	t->gone = calloc(v->n + 1, sizeof(*t->gone));
	if (!t->gone)
		return -ENOMEM;
	for (size_t i = 0; i < v->n; i++) {
		if (!json_uint(&v->items[i], UINT64_MAX, &u) ||
		    (i && u <= t->gone[i - 1]))
			return fail(r, "gone: item %zu is not an address in order", i);
		t->gone[t->nr_gone++] = u;
	}
	return 0;
}

static int parse_change(struct rec_reader *r, const struct json_value *v)
{
	static const uint64_t max[4] = { UINT64_MAX, UINT64_MAX,
					 PAGEWATCH_NODE_NONE, PAGEWATCH_NODE_NONE };
	struct recording_tick *t = r->tick;
	struct recording_change *c;
	uint64_t u[4];

	if (!t)
		return fail(r, "a change line before the first tick");
	if (!get_uints(v, 4, max, u))
		return fail(r, "change: not [vaddr, old_pfn, old_node, via_node]");
	if (t->nr_changes && u[0] <= t->changes[t->nr_changes - 1].vaddr)
		return fail(r, "change 0x%llx: out of order", (unsigned long long)u[0]);
	if (grow(&t->changes, &r->cap_changes, t->nr_changes, sizeof(*t->changes)))
		return -ENOMEM;
	c = &t->changes[t->nr_changes++];
	c->vaddr = u[0];
	c->old_pfn = u[1];
	c->old_node = (uint16_t)u[2];
	c->via_node = (uint16_t)u[3];
	return 0;
}

static bool get_time(const struct json_value *v, struct timespec *ts)
{
	static const uint64_t max[2] = { INT64_MAX, 999999999 };
	uint64_t u[2];

	if (!get_uints(v, 2, max, u))
		return false;
	ts->tv_sec = (time_t)u[0];
	ts->tv_nsec = (long)u[1];
	return true;
}

static int parse_event(struct rec_reader *r, const struct json_value *v)
{
	struct recording_tick *t = r->tick;
	struct recording_event *e;
	struct page_event *ev;
	const struct json_value *vma;
	uint64_t u[6];
	bool ok;

	if (!t)
		return fail(r, "an event line before the first tick");
	if (grow(&t->events, &r->cap_events, t->nr_events, sizeof(*t->events)))
		return -ENOMEM;
	e = &t->events[t->nr_events];
	memset(e, 0, sizeof(*e));
	ev = &e->ev;
	ok = json_uint(json_get(v, "seq"), UINT64_MAX, &ev->seq) &&
	     get_time(json_get(v, "time"), &ev->time) &&
	     json_uint(json_get(v, "kind"), UINT16_MAX, &u[0]) &&
	     json_uint(json_get(v, "start"), UINT64_MAX, &ev->start) &&
	     json_uint(json_get(v, "end"), UINT64_MAX, &ev->end) &&
	     json_uint(json_get(v, "lost"), UINT64_MAX, &ev->lost) &&
	     get_bool(json_get(v, "blockable"), &ev->blockable) &&
	     json_uint(json_get(v, "cause_pid"), INT32_MAX, &u[1]) &&
	     get_string(json_get(v, "cause_comm"), ev->cause_comm,
			sizeof(ev->cause_comm)) &&
	     json_uint(json_get(v, "pinned_pages"), UINT64_MAX, &ev->pinned_pages) &&
	     get_bool(json_get(v, "pinned_known"), &ev->pinned_known);
	vma = json_get(v, "vma");
	if (!ok || !vma || (vma->type != JSON_NULL && vma->type != JSON_STRING))
		return fail(r, "event: a field is missing or malformed");
	ev->kind = (unsigned int)u[0];
	ev->cause_pid = (pid_t)u[1];
	if (vma->type == JSON_STRING) {
		e->vma = strdup(vma->s);
		if (!e->vma)
			return -ENOMEM;
		ev->vma = e->vma;
	}
	t->nr_events++;
	return 0;
}

static int copy_mappings(const struct maps_entry *from, size_t nr,
			 struct maps_entry **to)
{
	*to = calloc(nr + 1, sizeof(**to));
	if (!*to)
		return -ENOMEM;
	for (size_t i = 0; i < nr; i++) {
		(*to)[i] = from[i];
		(*to)[i].path = strdup(from[i].path);
		if (!(*to)[i].path) {
			maps_free(*to, i);
			*to = NULL;
			return -ENOMEM;
		}
	}
	return 0;
}

/*
 * STATE (the state after the tick before T) becomes the state after T:
 * pages merged in address order. A tick that does not fit the state is
 * refused (-EINVAL, nothing changed).
 */
/*
 * OLD (a copy of STATE's pages) with T's flag runs applied; each run
 * within the state and after the one before. -EINVAL when one is not.
 */
static int apply_flags(const struct snapshot *state,
		       const struct recording_tick *t, struct snapshot_page *old,
		       const char **why)
{
	size_t next = 0, at;

	for (size_t k = 0; k < t->nr_flags; k++) {
		const struct recording_flags *f = &t->flags[k];

		at = snapshot_page_index(state, f->vaddr);
		if (at == state->nr_pages || state->pages[at].vaddr != f->vaddr ||
		    at < next || f->n > state->nr_pages - at) {
			*why = "a flags run does not lie on the pages before it";
			return -EINVAL;
		}
		for (size_t p = at; p < at + f->n; p++)
			old[p].flags ^= f->xor;
		next = at + f->n;
	}
	return 0;
}

static int apply_tick(struct snapshot *state, const struct recording_tick *t,
		      const char **why)
{
	size_t i = 0, j = 0, g = 0, n = 0, nr_maps;
	struct snapshot_page *pages, *olds = state->pages;
	struct maps_entry *maps = NULL;
	int err;

	nr_maps = t->mappings ? t->nr_mappings : state->nr_mappings;
	if (!t->mappings && !state->mappings && t->nr_pages) {
		*why = "its pages come before any mappings line";
		return -EINVAL;
	}
	if (t->nr_flags) {
		olds = malloc((state->nr_pages + 1) * sizeof(*olds));
		if (!olds)
			return -ENOMEM;
		if (state->nr_pages)	/* no pages: maybe no array either */
			memcpy(olds, state->pages,
			       state->nr_pages * sizeof(*olds));
		err = apply_flags(state, t, olds, why);
		if (err) {
			free(olds);
			return err;
		}
	}
	pages = malloc((state->nr_pages + t->nr_pages + 1) * sizeof(*pages));
	if (!pages) {
		if (olds != state->pages)
			free(olds);
		return -ENOMEM;
	}
	while (i < state->nr_pages || j < t->nr_pages) {
		const struct snapshot_page *old = i < state->nr_pages ?
						  &olds[i] : NULL;
		const struct snapshot_page *new = j < t->nr_pages ?
						  &t->pages[j] : NULL;

		if (new && (!old || new->vaddr <= old->vaddr)) {
			if (old && old->vaddr == new->vaddr)
				i++;
			if (new->mapping >= nr_maps) {
				*why = "a page names a mapping that is not listed";
				goto err_free;
			}
			pages[n++] = *new;
			j++;
			continue;
		}
		i++;
		while (g < t->nr_gone && t->gone[g] < old->vaddr)
			g++;
		if (g < t->nr_gone && t->gone[g] == old->vaddr)
			continue;
		if (old->mapping >= nr_maps) {
			*why = "a page kept from before names a mapping no longer listed";
			goto err_free;
		}
		pages[n++] = *old;
	}
	if (n != t->nr_state_pages) {
		*why = "its page count does not match the pages listed (cut short?)";
		goto err_free;
	}
	if (t->mappings && copy_mappings(t->mappings, t->nr_mappings, &maps))
		goto err_nomem;
	if (maps) {
		maps_free(state->mappings, state->nr_mappings);
		state->mappings = maps;
		state->nr_mappings = t->nr_mappings;
	}
	if (olds != state->pages)
		free(olds);
	free(state->pages);
	state->pages = pages;
	state->nr_pages = state->cap_pages = n;
	return 0;
err_nomem:
	err = -ENOMEM;
	goto out_free;
err_free:
	err = -EINVAL;
out_free:
	if (olds != state->pages)
		free(olds);
	free(pages);
	return err;
}

/* The tick being read is whole: checked against the state and kept */
static int end_tick(struct rec_reader *r)
{
	struct recording *rec = r->rec;
	struct recording_tick *t = r->tick;
	const char *why = NULL;
	size_t line = r->line;
	int err;

	if (!t)
		return 0;
	err = apply_tick(&rec->cur, t, &why);
	if (err == -EINVAL) {
		r->line = t->line;
		err = fail(r, "tick %zu: %s", rec->nr_ticks, why);
		r->line = line;
	}
	if (err)
		return err;
	rec->cur_tick = (long)rec->nr_ticks;
	rec->nr_ticks++;
	r->tick = NULL;
	return 0;
}

static int parse_tick(struct rec_reader *r, const struct json_value *v)
{
	static const uint64_t max[3] = { 0, INT32_MAX, UINT64_MAX };
	struct recording *rec = r->rec;
	const struct json_value *proc = json_get(v, "proc");
	struct recording_tick *t;
	uint64_t u, seq, pages, pv[3];
	int err;

	err = end_tick(r);
	if (err)
		return err;
	if (grow(&rec->ticks, &rec->cap_ticks, rec->nr_ticks, sizeof(*rec->ticks)))
		return -ENOMEM;
	t = &rec->ticks[rec->nr_ticks];
	memset(t, 0, sizeof(*t));
	r->tick = t;
	r->cap_pages = r->cap_gone = r->cap_changes = r->cap_events = 0;
	r->cap_notes = r->cap_flags = 0;
	t->line = r->line;
	if (!json_uint(json_get(v, "tick"), SIZE_MAX, &u) || u != rec->nr_ticks)
		return fail(r, "tick: \"tick\" is not %zu, the next tick", rec->nr_ticks);
	if (!json_uint(json_get(v, "seq"), UINT32_MAX, &seq) ||
	    !get_time(json_get(v, "time"), &t->time) ||
	    !json_uint(json_get(v, "pages"), SIZE_MAX / 2, &pages) ||
	    !get_bool(json_get(v, "tracked"), &t->tracked) ||
	    !proc || proc->type != JSON_ARRAY || proc->n != 3 ||
	    proc->items[0].type != JSON_STRING || strlen(proc->items[0].s) != 1 ||
	    !json_uint(&proc->items[1], max[1], &pv[1]) ||
	    !json_uint(&proc->items[2], max[2], &pv[2]))
		return fail(r, "tick: a field is missing or malformed");
	if (rec->nr_ticks &&
	    (t->time.tv_sec < rec->ticks[rec->nr_ticks - 1].time.tv_sec ||
	     (t->time.tv_sec == rec->ticks[rec->nr_ticks - 1].time.tv_sec &&
	      t->time.tv_nsec < rec->ticks[rec->nr_ticks - 1].time.tv_nsec)))
		return fail(r, "tick: its time is before the tick before");
	t->seq = (unsigned int)seq;
	t->nr_state_pages = (size_t)pages;
	t->state = proc->items[0].s[0];
	t->threads = (int)pv[1];
	t->rss_kib = (unsigned long)pv[2];
	return 0;
}

static int parse_note(struct rec_reader *r, const struct json_value *v)
{
	struct recording_tick *t = r->tick;
	struct recording_note *n;

	if (!t)
		return fail(r, "a note line before the first tick");
	if (grow(&t->notes, &r->cap_notes, t->nr_notes, sizeof(*t->notes)))
		return -ENOMEM;
	n = &t->notes[t->nr_notes];
	if (!get_time(json_get(v, "time"), &n->time) ||
	    !get_string(json_get(v, "text"), n->text, sizeof(n->text)))
		return fail(r, "note: \"time\" or \"text\" is missing or malformed");
	t->nr_notes++;
	return 0;
}

/* One line (without its newline) */
static int parse_line(struct rec_reader *r, const char *s, size_t len)
{
	const struct json_value *type, *arr;
	struct json_value v;
	int err;

	err = json_parse(s, len, &v);
	if (err == -ENOMEM)
		return err;
	if ((err || v.type != JSON_OBJECT) && r->line == 1)
		err = fail(r, "not a pagewatch recording (its first line is no JSON header)");
	else if (err || v.type != JSON_OBJECT)
		err = fail(r, len ? "not a JSON object" : "an empty line");
	if (err) {
		json_free(&v);
		return err;
	}
	if (r->line == 1) {
		err = parse_header(r, &v);
		goto out;
	}
	if ((arr = json_get(&v, "p"))) {
		err = parse_page(r, arr);
		goto out;
	}
	if ((arr = json_get(&v, "c"))) {
		err = parse_change(r, arr);
		goto out;
	}
	if ((arr = json_get(&v, "x"))) {
		err = parse_flags(r, arr);
		goto out;
	}
	if ((arr = json_get(&v, "gone"))) {
		err = parse_gone(r, arr);
		goto out;
	}
	type = json_get(&v, "type");
	if (!type || type->type != JSON_STRING)
		err = fail(r, "a line of no known kind");
	else if (!strcmp(type->s, "tick"))
		err = parse_tick(r, &v);
	else if (!strcmp(type->s, "mappings"))
		err = parse_mappings(r, &v);
	else if (!strcmp(type->s, "event"))
		err = parse_event(r, &v);
	else if (!strcmp(type->s, "note"))
		err = parse_note(r, &v);
	else if (!strcmp(type->s, "end"))
		err = end_tick(r) ? -EINVAL : (r->rec->complete = true, 0);
	else
		err = fail(r, "a line of unknown type \"%.32s\"", type->s);
out:
	json_free(&v);
	return err;
}

int recording_parse(struct recording *rec, const char *text, size_t len)
{
	struct rec_reader r = { .rec = rec };
	const char *end = text + len, *nl;
	int err = 0;

	memset(rec, 0, sizeof(*rec));
	rec->cur_tick = -1;
	if (!len) {
		r.line = 1;
		return fail(&r, "an empty file: not a pagewatch recording");
	}
	while (text < end && !rec->complete) {
		nl = memchr(text, '\n', (size_t)(end - text));
		r.line++;
		if (!nl) {
			err = fail(&r, "the last line is cut short (no newline)");
			break;
		}
		err = parse_line(&r, text, (size_t)(nl - text));
		if (err)
			break;
		text = nl + 1;
	}
	if (!err && rec->complete && text < end) {
		r.line++;
		err = fail(&r, "text after the end line");
	}
	if (!err && !rec->complete) {
		/* a tick whose count holds is whole, even without its end */
		err = end_tick(&r);
		r.line++;
		if (!err)
			err = fail(&r, "the recording ends without its end line (cut short)");
	}
	/* the tick being read when it stopped is kept if its count holds */
	if (err && err != -ENOMEM && r.tick)
		end_tick(&r);
	if (r.tick)
		tick_free(r.tick);
	if (!err && !rec->nr_ticks)
		err = fail(&r, "no tick: the recording holds no state");
	if (!rec->nr_ticks && err != -ENOMEM && err != -EPROTONOSUPPORT)
		err = -EINVAL;
	return err;
}

int recording_load(struct recording *rec, const char *path)
{
	size_t len = 0, cap = 1 << 16;
	const struct gzlib *gz = gzlib_get();
	char *text, *grown;
	gzFile f;
	int n, err;

	memset(rec, 0, sizeof(*rec));
	/* zlib reads plain text too: every recording goes through it */
	if (!gz)
		return -ELIBACC;
	text = malloc(cap);
	if (!text)
		return -ENOMEM;
	f = gz->open(path, "rb");
	if (!f) {
		err = errno ? -errno : -ENOMEM;
		free(text);
		return err;
	}
	for (;;) {
		if (cap - len < 1 << 15) {
			grown = realloc(text, cap * 2);
			if (!grown) {
				err = -ENOMEM;
				goto out;
			}
			text = grown;
			cap *= 2;
		}
		n = gz->read(f, text + len, (unsigned int)(cap - len));
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	/* a damaged gzip stream: what came out of it is still read */
	err = recording_parse(rec, text, len);
	if (n < 0 && !rec->error_line) {
		int zerr;

		rec->error_line = 1;
		snprintf(rec->error, sizeof(rec->error), "gzip: %s",
			 gz->error(f, &zerr));
	}
out:
	gz->close(f);
	free(text);
	return err;
}

int recording_state(struct recording *rec, size_t tick, struct snapshot *snap)
{
	const struct recording_tick *t;
	const char *why;
	int err;

	memset(snap, 0, sizeof(*snap));
	if (tick >= rec->nr_ticks)
		return -ERANGE;
	if (rec->cur_tick > (long)tick) {
		snapshot_free(&rec->cur);
		rec->cur_tick = -1;
	}
	while (rec->cur_tick < (long)tick) {
		err = apply_tick(&rec->cur, &rec->ticks[rec->cur_tick + 1], &why);
		if (err)
			return err;
		rec->cur_tick++;
	}
	t = &rec->ticks[tick];
	snap->seq = t->seq;
	snap->pid = rec->pid;
	snap->proc.pid = rec->pid;
	memcpy(snap->proc.command, rec->command, sizeof(snap->proc.command));
	memcpy(snap->proc.user, rec->user, sizeof(snap->proc.user));
	snap->proc.state = t->state;
	snap->proc.threads = t->threads;
	snap->proc.rss_kib = t->rss_kib;
	memcpy(snap->kernel, rec->kernel, sizeof(snap->kernel));
	snap->time = t->time;
	snap->sources = rec->sources;
	snap->kmod_abi = rec->kmod_abi;
	snap->nr_nodes = rec->nr_nodes;
	snap->online = rec->online;
	snap->nr_online = rec->nr_online;
	snap->range_start = rec->range_start;
	snap->range_end = rec->range_end;
	snap->all = rec->all;
	snap->tracked = t->tracked;
	err = copy_mappings(rec->cur.mappings, rec->cur.nr_mappings,
			    &snap->mappings);
	if (err)
		return err;
	snap->nr_mappings = rec->cur.nr_mappings;
	snap->pages = malloc((rec->cur.nr_pages + 1) * sizeof(*snap->pages));
	snap->changes = calloc(t->nr_changes + 1, sizeof(*snap->changes));
	if (!snap->pages || !snap->changes)
		goto err_nomem;
	if (rec->cur.nr_pages)
		memcpy(snap->pages, rec->cur.pages,
		       rec->cur.nr_pages * sizeof(*snap->pages));
	snap->nr_pages = snap->cap_pages = rec->cur.nr_pages;
	for (size_t i = 0; i < t->nr_changes; i++) {
		size_t at = snapshot_page_index(snap, t->changes[i].vaddr);

		/* a change of a page the state does not hold is dropped */
		if (at == snap->nr_pages || snap->pages[at].vaddr != t->changes[i].vaddr)
			continue;
		snap->changes[snap->nr_changes++] = (struct snapshot_change){
			.page = at,
			.old_pfn = t->changes[i].old_pfn,
			.old_node = t->changes[i].old_node,
			.via_node = t->changes[i].via_node,
		};
	}
	return 0;
err_nomem:
	snapshot_free(snap);
	return -ENOMEM;
}

static bool time_before(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec < b->tv_sec ||
	       (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

size_t recording_tick_at(const struct recording *rec, const struct timespec *time)
{
	size_t lo = 0, hi = rec->nr_ticks;

	/* the first tick after TIME; the one before it is the answer */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (time_before(time, &rec->ticks[mid].time))
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo ? lo - 1 : 0;
}

double recording_offset(const struct recording *rec, size_t tick)
{
	const struct timespec *a = &rec->ticks[0].time, *b = &rec->ticks[tick].time;

	return (double)(b->tv_sec - a->tv_sec) +
	       (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

/* "2026-12-02T01:02:03[.123456789]Z" */
static int parse_rfc3339(const char *text, struct timespec *ts)
{
	struct tm tm = { 0 };
	const char *p = strptime(text, "%Y-%m-%dT%H:%M:%S", &tm);
	long ns = 0, scale = 100000000;

	if (!p)
		return -EINVAL;
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9' && scale; p++) {
			ns += (*p - '0') * scale;
			scale /= 10;
		}
	}
	if (strcmp(p, "Z"))
		return -EINVAL;
	/*
	 * The end of the unit the time is given in: a snapshot's time is
	 * printed in milliseconds, and names that snapshot
	 */
	ns += scale ? scale * 10 - 1 : 0;
	ts->tv_sec = timegm(&tm);
	ts->tv_nsec = ns;
	return 0;
}

int recording_parse_time(const struct recording *rec, const char *text,
			 size_t *tick)
{
	struct timespec ts;
	double secs;
	char *end;

	if (!strcmp(text, "end")) {
		*tick = rec->nr_ticks - 1;
		return 0;
	}
	if (text[0] == '+' || (text[0] >= '0' && text[0] <= '9' && !strchr(text, 'T'))) {
		errno = 0;
		secs = strtod(text, &end);
		if (errno || *end || end == text || !(secs >= 0) || secs > 1e12)
			return -EINVAL;
		ts = rec->ticks[0].time;
		ts.tv_sec += (time_t)secs;
		ts.tv_nsec += (long)((secs - (double)(time_t)secs) * 1e9);
		if (ts.tv_nsec >= 1000000000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000;
		}
	} else if (parse_rfc3339(text, &ts)) {
		return -EINVAL;
	}
	*tick = recording_tick_at(rec, &ts);
	return 0;
}

static bool selected(const struct maps_entry *map, uint64_t start,
		     uint64_t end, const char *vma)
{
	if (end && (map->end <= start || map->start >= end))
		return false;
	return !vma || filter_vma_match(vma, map->path);
}

int recording_select(struct snapshot *snap, uint64_t start, uint64_t end,
		     const char *vma)
{
	size_t *index, *page_index, kept = 0, n = 0, c = 0;

	if (!end && !vma)
		return 0;
	index = malloc((snap->nr_mappings + 1) * sizeof(*index));
	page_index = malloc((snap->nr_pages + 1) * sizeof(*page_index));
	if (!index || !page_index) {
		free(index);
		free(page_index);
		return -ENOMEM;
	}
	for (size_t i = 0; i < snap->nr_mappings; i++) {
		if (!selected(&snap->mappings[i], start, end, vma)) {
			free(snap->mappings[i].path);
			index[i] = SIZE_MAX;
			continue;
		}
		index[i] = kept;
		snap->mappings[kept++] = snap->mappings[i];
	}
	snap->nr_mappings = kept;
	for (size_t i = 0; i < snap->nr_pages; i++) {
		struct snapshot_page *p = &snap->pages[i];

		page_index[i] = SIZE_MAX;
		if (index[p->mapping] == SIZE_MAX ||
		    (end && (p->vaddr < start || p->vaddr >= end)))
			continue;
		p->mapping = (uint32_t)index[p->mapping];
		page_index[i] = n;
		snap->pages[n++] = *p;
	}
	snap->nr_pages = n;
	/* the changes name pages by index: those of the pages kept follow */
	for (size_t i = 0; i < snap->nr_changes; i++) {
		size_t to = page_index[snap->changes[i].page];

		if (to == SIZE_MAX)
			continue;
		snap->changes[c] = snap->changes[i];
		snap->changes[c++].page = to;
	}
	snap->nr_changes = c;
	if (end) {
		snap->range_start = start;
		snap->range_end = end;
	}
	free(page_index);
	free(index);
	return 0;
}

/* The page at VADDR among T's new or changed pages, or NULL */
static const struct snapshot_page *tick_page(const struct recording_tick *t,
					     uint64_t vaddr)
{
	/* the tick's pages are sorted as a snapshot's: its search */
	const struct snapshot view = {
		.pages = t->pages, .nr_pages = t->nr_pages,
	};
	size_t i = snapshot_page_index(&view, vaddr);

	return i < t->nr_pages && t->pages[i].vaddr == vaddr ?
	       &t->pages[i] : NULL;
}

static bool tick_gone(const struct recording_tick *t, uint64_t vaddr)
{
	size_t lo = 0, hi = t->nr_gone;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (t->gone[mid] < vaddr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < t->nr_gone && t->gone[lo] == vaddr;
}

size_t recording_page_moves(const struct recording *rec, uint64_t vaddr,
			    struct recording_move *out, size_t max)
{
	struct recording_move last = { .gone = true };
	size_t n = 0;

	/* each tick lists its pages sorted: a binary search per tick */
	for (size_t i = 0; i < rec->nr_ticks; i++) {
		const struct recording_tick *t = &rec->ticks[i];
		const struct snapshot_page *p = tick_page(t, vaddr);
		struct recording_move m = { .tick = i };

		if (p) {
			m.pfn = p->pfn;
			m.node = p->node;
			if (!last.gone && last.pfn == m.pfn && last.node == m.node)
				continue;
		} else if (!last.gone && tick_gone(t, vaddr)) {
			m.gone = true;
		} else {
			continue;
		}
		if (n < max)
			out[n] = m;
		n++;
		last = m;
	}
	return n;
}
