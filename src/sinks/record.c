// SPDX-License-Identifier: GPL-2.0
/* --record: a recording written as a run goes, its changes per tick. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "model/gzlib.h"
#include "model/page_store.h"
#include "model/recording.h"
#include "sinks/output.h"
#include "sinks/record.h"

struct recorder {
	const struct gzlib *gz;		/* zlib, opened by record_open() */
	gzFile f;
	struct record_opts opts;	/* its regions: ours, copied */
	struct record_region *regions;
	int err;		/* the first write error */
	unsigned long ticks;
	/*
	 * The state of the last tick, to compare the next one with: its
	 * pages at 16 bytes each (a session's frame's, shared), its mappings
	 */
	struct page_store state;
	struct maps_entry *maps;
	size_t nr_maps;
	/* events seen since the last tick */
	struct recording_event *events;	/* vma: the event's, copied */
	size_t nr_events;
	size_t cap_events;
	struct recording_note *notes;
	size_t nr_notes;
	size_t cap_notes;
	/* a line and an escaped string being made */
	char line[1024];
	char *esc;
	size_t esc_cap;
};

static void put(struct recorder *r, const char *s, size_t len)
{
	if (r->err || !len)
		return;
	if (r->gz->write(r->f, s, (unsigned int)len) != (int)len) {
		int zerr;

		r->gz->error(r->f, &zerr);
		r->err = zerr == Z_ERRNO && errno ? -errno : -EIO;
	}
}

static void puts_r(struct recorder *r, const char *s)
{
	put(r, s, strlen(s));
}

/* S as a JSON string */
static void put_string(struct recorder *r, const char *s)
{
	size_t need = 6 * strlen(s) + 3;

	if (need > r->esc_cap) {
		char *grown = realloc(r->esc, need);

		if (!grown) {
			r->err = r->err ? r->err : -ENOMEM;
			return;
		}
		r->esc = grown;
		r->esc_cap = need;
	}
	put(r, r->esc, output_json_escape(s, r->esc));
}

int record_open(struct recorder **rp, const char *path,
		const struct record_opts *opts)
{
	size_t len = strlen(path);
	bool gz = len > 3 && !strcmp(path + len - 3, ".gz");
	const struct gzlib *lib = gzlib_get();
	struct recorder *r;

	if (!lib)
		return -ELIBACC;
	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->gz = lib;
	errno = 0;
	/* "T": zlib writes plain text, through the same calls */
	r->f = lib->open(path, gz ? "wb6" : "wT");
	if (!r->f) {
		int err = errno ? -errno : -ENOMEM;

		free(r);
		return err;
	}
	r->opts = *opts;
	/* the header is written with the first tick: the names are kept */
	r->regions = calloc(opts->nr_regions + 1, sizeof(*r->regions));
	if (!r->regions) {
		lib->close(r->f);
		free(r);
		return -ENOMEM;
	}
	if (opts->nr_regions)
		memcpy(r->regions, opts->regions,
		       opts->nr_regions * sizeof(*r->regions));
	r->opts.regions = r->regions;
	*rp = r;
	return 0;
}

static void write_header(struct recorder *r, const struct snapshot *snap)
{
	snprintf(r->line, sizeof(r->line),
		 "{\"type\":\"recording\",\"recording_version\":%d,\"format_version\":%d,\"pid\":%d,\"command\":",
		 RECORDING_VERSION, OUTPUT_FORMAT_VERSION, (int)snap->pid);
	puts_r(r, r->line);
	put_string(r, snap->proc.command);
	puts_r(r, ",\"user\":");
	put_string(r, snap->proc.user);
	puts_r(r, ",\"kernel\":");
	put_string(r, snap->kernel);
	snprintf(r->line, sizeof(r->line), ",\"nr_nodes\":%d,\"nodes\":[",
		 snap->nr_nodes);
	puts_r(r, r->line);
	for (int i = 0; i < snap->nr_online; i++) {
		snprintf(r->line, sizeof(r->line), "%s%d", i ? "," : "",
			 snap->online[i]);
		puts_r(r, r->line);
	}
	puts_r(r, "],\"sources\":[");
	for (unsigned int s = 0, n = 0; s < SNAPSHOT_SRC_NR; s++) {
		if (!snapshot_has(snap, s))
			continue;
		snprintf(r->line, sizeof(r->line), "%s\"%s\"", n++ ? "," : "",
			 snapshot_source_name(s));
		puts_r(r, r->line);
	}
	if (snap->kmod_abi)
		snprintf(r->line, sizeof(r->line), "],\"kmod_abi\":%u", snap->kmod_abi);
	else
		snprintf(r->line, sizeof(r->line), "],\"kmod_abi\":null");
	puts_r(r, r->line);
	if (snap->range_end)
		snprintf(r->line, sizeof(r->line), ",\"range\":[%" PRIu64 ",%" PRIu64 "]",
			 snap->range_start, snap->range_end);
	else
		snprintf(r->line, sizeof(r->line), ",\"range\":null");
	puts_r(r, r->line);
	puts_r(r, ",\"vma\":");
	if (r->opts.vma)
		put_string(r, r->opts.vma);
	else
		puts_r(r, "null");
	puts_r(r, ",\"regions\":[");
	for (size_t i = 0; i < r->opts.nr_regions; i++) {
		snprintf(r->line, sizeof(r->line), "%s[%" PRIu64 ",%" PRIu64 ",",
			 i ? "," : "", r->opts.regions[i].start,
			 r->opts.regions[i].end);
		puts_r(r, r->line);
		put_string(r, r->opts.regions[i].name);
		puts_r(r, "]");
	}
	puts_r(r, "]");
	snprintf(r->line, sizeof(r->line),
		 ",\"all\":%s,\"interval\":%.3f,\"journal\":%s}\n",
		 snap->all ? "true" : "false", r->opts.interval,
		 r->opts.journal ? "true" : "false");
	puts_r(r, r->line);
}

static bool maps_equal(const struct maps_entry *a, size_t na,
		       const struct maps_entry *b, size_t nb)
{
	if (na != nb)
		return false;
	for (size_t i = 0; i < na; i++)
		if (a[i].start != b[i].start || a[i].end != b[i].end ||
		    a[i].offset != b[i].offset || a[i].inode != b[i].inode ||
		    a[i].dev_major != b[i].dev_major ||
		    a[i].dev_minor != b[i].dev_minor ||
		    strcmp(a[i].perms, b[i].perms) || strcmp(a[i].path, b[i].path))
			return false;
	return true;
}

static void write_mappings(struct recorder *r, const struct snapshot *snap)
{
	puts_r(r, "{\"type\":\"mappings\",\"list\":[");
	for (size_t i = 0; i < snap->nr_mappings; i++) {
		const struct maps_entry *m = &snap->mappings[i];

		snprintf(r->line, sizeof(r->line),
			 "%s[%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%u,%u,",
			 i ? "," : "", m->start, m->end, m->offset, m->inode,
			 m->dev_major, m->dev_minor);
		puts_r(r, r->line);
		put_string(r, m->perms);
		puts_r(r, ",");
		put_string(r, m->path);
		puts_r(r, "]");
	}
	puts_r(r, "]}\n");
}

static bool page_equal(const struct snapshot_page *a, const struct snapshot_page *b)
{
	return a->vaddr == b->vaddr && a->pfn == b->pfn && a->flags == b->flags &&
	       a->refcount == b->refcount && a->mapcount == b->mapcount &&
	       a->pincount == b->pincount && a->mapping == b->mapping &&
	       a->node == b->node && a->order == b->order &&
	       a->swap_type == b->swap_type;
}

static void write_page(struct recorder *r, const struct snapshot_page *p)
{
	int n = snprintf(r->line, sizeof(r->line),
			 "{\"p\":[%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%u,%u,%u,%u,%u,%u,%u]}\n",
			 p->vaddr, p->pfn, p->flags, p->refcount, p->mapcount,
			 p->pincount, p->mapping, p->node, p->order, p->swap_type);

	put(r, r->line, (size_t)n);
}

/* Only the flags of the page at the same address changed */
static bool only_flags(const struct snapshot_page *a, const struct snapshot_page *b)
{
	struct snapshot_page c = *b;

	c.flags = a->flags;
	return page_equal(a, &c);
}

/*
 * A run of pages of the last tick, consecutive there, whose flags all
 * changed by the same bits (tracking's "known" bits at the first
 * comparison, a mapping's pages becoming pinned): one line for them all
 */
struct flag_run {
	uint64_t vaddr;
	size_t first;		/* index in the last tick's pages */
	size_t n;
	uint64_t xor;
};

static void run_flush(struct recorder *r, struct flag_run *run)
{
	if (!run->n)
		return;
	snprintf(r->line, sizeof(r->line),
		 "{\"x\":[%" PRIu64 ",%zu,%" PRIu64 "]}\n", run->vaddr, run->n,
		 run->xor);
	puts_r(r, r->line);
	run->n = 0;
}

static void run_add(struct recorder *r, struct flag_run *run, size_t i,
		    uint64_t vaddr, uint64_t xor)
{
	if (run->n && run->xor == xor && run->first + run->n == i) {
		run->n++;
		return;
	}
	run_flush(r, run);
	*run = (struct flag_run){ vaddr, i, 1, xor };
}

/* A tick's pages in address order: a snapshot's array or a frame's store */
struct tick_pages {
	const struct snapshot *snap;
	const struct page_store *st;	/* NULL: SNAP's array */
	size_t at;
	struct page_store_iter it;
	struct snapshot_page page;
};

static void tick_pages_init(struct tick_pages *tp, const struct snapshot *snap,
			    const struct page_store *st)
{
	tp->snap = snap;
	tp->st = st;
	tp->at = 0;
	if (st)
		page_store_iter_init(&tp->it, st, 0);
}

/* The next page, or NULL */
static const struct snapshot_page *tick_pages_next(struct tick_pages *tp)
{
	if (tp->st)
		return page_store_next(&tp->it, &tp->page) ? &tp->page : NULL;
	return tp->at < tp->snap->nr_pages ? &tp->snap->pages[tp->at++] : NULL;
}

/* The last tick's pages, walked with a one-page look-ahead */
struct last_pages {
	struct page_store_iter it;
	struct snapshot_page page;
	bool have;
	size_t index;		/* of PAGE */
};

static void last_init(struct last_pages *l, const struct recorder *r)
{
	page_store_iter_init(&l->it, &r->state, 0);
	l->have = page_store_next(&l->it, &l->page);
	l->index = 0;
}

/* Step to the last tick's first page at or after VADDR */
static void last_seek(struct last_pages *l, uint64_t vaddr)
{
	while (l->have && l->page.vaddr < vaddr) {
		l->have = page_store_next(&l->it, &l->page);
		l->index++;
	}
}

/* Pages of the tick new or changed since the last tick, then those gone */
static void write_pages(struct recorder *r, const struct snapshot *snap,
			const struct page_store *st)
{
	const struct snapshot_page *new;
	struct flag_run run = { 0 };
	struct tick_pages tp;
	struct last_pages last;
	size_t gone = 0;

	tick_pages_init(&tp, snap, st);
	last_init(&last, r);
	while ((new = tick_pages_next(&tp))) {
		last_seek(&last, new->vaddr);
		if (last.have && page_equal(&last.page, new))
			continue;
		if (last.have && only_flags(&last.page, new)) {
			run_add(r, &run, last.index, last.page.vaddr,
				last.page.flags ^ new->flags);
			continue;
		}
		write_page(r, new);
	}
	run_flush(r, &run);
	tick_pages_init(&tp, snap, st);
	new = tick_pages_next(&tp);
	for (last_init(&last, r); last.have;
	     last.have = page_store_next(&last.it, &last.page)) {
		while (new && new->vaddr < last.page.vaddr)
			new = tick_pages_next(&tp);
		if (new && new->vaddr == last.page.vaddr)
			continue;
		snprintf(r->line, sizeof(r->line), "%s%" PRIu64,
			 gone++ ? "," : "{\"gone\":[", last.page.vaddr);
		puts_r(r, r->line);
	}
	if (gone)
		puts_r(r, "]}\n");
}

static void write_changes(struct recorder *r, const struct snapshot *snap,
			  const struct page_store *st)
{
	for (size_t i = 0; i < snap->nr_changes; i++) {
		const struct snapshot_change *c = &snap->changes[i];

		snprintf(r->line, sizeof(r->line),
			 "{\"c\":[%" PRIu64 ",%" PRIu64 ",%u,%u]}\n",
			 st ? page_store_vaddr(st, c->page) :
			      snap->pages[c->page].vaddr,
			 c->old_pfn, c->old_node, c->via_node);
		puts_r(r, r->line);
	}
}

static void write_event(struct recorder *r, const struct page_event *ev)
{
	snprintf(r->line, sizeof(r->line),
		 "{\"type\":\"event\",\"seq\":%" PRIu64 ",\"time\":[%lld,%ld],\"kind\":%u,\"name\":\"%s\",\"start\":%" PRIu64 ",\"end\":%" PRIu64 ",\"lost\":%" PRIu64 ",\"blockable\":%s,\"cause_pid\":%d,\"cause_comm\":",
		 ev->seq, (long long)ev->time.tv_sec, ev->time.tv_nsec, ev->kind,
		 event_kind_name(ev), ev->start, ev->end, ev->lost,
		 ev->blockable ? "true" : "false", (int)ev->cause_pid);
	puts_r(r, r->line);
	put_string(r, ev->cause_comm);
	puts_r(r, ",\"vma\":");
	if (ev->vma)
		put_string(r, ev->vma);
	else
		puts_r(r, "null");
	snprintf(r->line, sizeof(r->line),
		 ",\"pinned_pages\":%" PRIu64 ",\"pinned_known\":%s}\n",
		 ev->pinned_pages, ev->pinned_known ? "true" : "false");
	puts_r(r, r->line);
}

int record_note(struct recorder *r, const struct timespec *time,
		const char *text)
{
	struct recording_note *n;

	if (r->nr_notes == r->cap_notes) {
		size_t cap = r->cap_notes ? 2 * r->cap_notes : 8;
		struct recording_note *grown = realloc(r->notes, cap * sizeof(*grown));

		if (!grown)
			return -ENOMEM;
		r->notes = grown;
		r->cap_notes = cap;
	}
	n = &r->notes[r->nr_notes++];
	n->time = *time;
	snprintf(n->text, sizeof(n->text), "%s", text);
	return 0;
}

int record_event(struct recorder *r, const struct page_event *ev)
{
	struct recording_event *e;

	if (r->nr_events == r->cap_events) {
		size_t cap = r->cap_events ? 2 * r->cap_events : 64;
		struct recording_event *grown = realloc(r->events, cap * sizeof(*grown));

		if (!grown)
			return -ENOMEM;
		r->events = grown;
		r->cap_events = cap;
	}
	e = &r->events[r->nr_events];
	e->ev = *ev;
	e->vma = NULL;
	/* the model EV was seen through goes on: its mapping's name is kept */
	if (ev->vma && !(e->vma = strdup(ev->vma)))
		return -ENOMEM;
	e->ev.vma = e->vma;
	r->nr_events++;
	return 0;
}

/* SNAP's mappings, kept as the last tick's when they changed */
static int keep_maps(struct recorder *r, const struct snapshot *snap)
{
	if (r->maps && maps_equal(r->maps, r->nr_maps, snap->mappings,
				  snap->nr_mappings))
		return 0;
	maps_free(r->maps, r->nr_maps);
	r->nr_maps = 0;
	r->maps = calloc(snap->nr_mappings + 1, sizeof(*r->maps));
	if (!r->maps)
		return -ENOMEM;
	for (size_t i = 0; i < snap->nr_mappings; i++) {
		r->maps[i] = snap->mappings[i];
		r->maps[i].path = strdup(snap->mappings[i].path);
		if (!r->maps[i].path)
			return -ENOMEM;
		r->nr_maps++;
	}
	return 0;
}

/*
 * The state of SNAP (its pages ST, or its own) is the one the next tick is
 * compared with: a frame's pages are shared, a snapshot's made into a
 * store (16 bytes a page, sharing what did not change with the last one)
 */
static int keep_state(struct recorder *r, const struct snapshot *snap,
		      const struct page_store *st)
{
	struct page_store state;
	int err;

	err = st ? page_store_share(&state, st) :
		   page_store_from_snapshot(&r->state, snap, &state);
	if (!err) {
		page_store_free(&r->state);
		r->state = state;
		err = keep_maps(r, snap);
	}
	/*
	 * each page's mapping index is found in our copy of the mappings,
	 * never in SNAP's, which its caller frees (on an error too)
	 */
	r->state.mappings = r->maps;
	r->state.nr_mappings = r->nr_maps;
	return err;
}

static int tick(struct recorder *r, const struct snapshot *snap,
		const struct page_store *st)
{
	char state[2] = { snap->proc.state ? snap->proc.state : '?', '\0' };
	bool new_maps;
	int err;

	if (!r->ticks)
		write_header(r, snap);
	new_maps = !r->ticks || !maps_equal(r->maps, r->nr_maps, snap->mappings,
					    snap->nr_mappings);
	snprintf(r->line, sizeof(r->line),
		 "{\"type\":\"tick\",\"tick\":%lu,\"seq\":%u,\"time\":[%lld,%ld],\"proc\":[",
		 r->ticks, snap->seq, (long long)snap->time.tv_sec,
		 snap->time.tv_nsec);
	puts_r(r, r->line);
	put_string(r, state);
	snprintf(r->line, sizeof(r->line),
		 ",%d,%lu],\"tracked\":%s,\"pages\":%zu}\n", snap->proc.threads,
		 snap->proc.rss_kib, snap->tracked ? "true" : "false",
		 st ? st->nr_pages : snap->nr_pages);
	puts_r(r, r->line);
	if (new_maps)
		write_mappings(r, snap);
	write_pages(r, snap, st);
	write_changes(r, snap, st);
	for (size_t i = 0; i < r->nr_notes; i++) {
		snprintf(r->line, sizeof(r->line),
			 "{\"type\":\"note\",\"time\":[%lld,%ld],\"text\":",
			 (long long)r->notes[i].time.tv_sec, r->notes[i].time.tv_nsec);
		puts_r(r, r->line);
		put_string(r, r->notes[i].text);
		puts_r(r, "}\n");
	}
	r->nr_notes = 0;
	for (size_t i = 0; i < r->nr_events; i++) {
		write_event(r, &r->events[i].ev);
		free(r->events[i].vma);
	}
	r->nr_events = 0;
	r->ticks++;
	err = keep_state(r, snap, st);
	if (err && !r->err)
		r->err = err;
	return r->err;
}

int record_tick(struct recorder *r, const struct snapshot *snap)
{
	return tick(r, snap, NULL);
}

int record_tick_frame(struct recorder *r, const struct snapshot *frame,
		      const struct page_store *pages)
{
	return tick(r, frame, pages);
}

unsigned long record_ticks(const struct recorder *r)
{
	return r->ticks;
}

int record_close(struct recorder *r)
{
	int err, zerr;

	snprintf(r->line, sizeof(r->line), "{\"type\":\"end\",\"ticks\":%lu}\n",
		 r->ticks);
	puts_r(r, r->line);
	errno = 0;
	zerr = r->gz->close(r->f);
	err = r->err;
	if (!err && zerr != Z_OK)
		err = zerr == Z_ERRNO && errno ? -errno : -EIO;
	for (size_t i = 0; i < r->nr_events; i++)
		free(r->events[i].vma);
	free(r->events);
	free(r->notes);
	free(r->regions);
	page_store_free(&r->state);
	maps_free(r->maps, r->nr_maps);
	free(r->esc);
	free(r);
	return err;
}
