// SPDX-License-Identifier: GPL-2.0
/* The session's collector thread and model: frames, events, page history. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kernel/procs.h"
#include "model/track.h"
#include "tui/session.h"

static const char *const event_names[SESSION_EV_NR] = {
	[SESSION_EV_MIGRATED] = "migrated",
	[SESSION_EV_REPLACED] = "replaced",
	[SESSION_EV_DIVERGED] = "diverged",
	[SESSION_EV_PINNED] = "pinned",
	[SESSION_EV_UNPINNED] = "unpinned",
	[SESSION_EV_NOTE] = "note",
	[SESSION_EV_JOURNAL] = "journal",
};

void session_journal_event(struct session *s, const struct page_event *pe)
{
	struct session_event *ev;

	pthread_mutex_lock(&s->lock);
	ev = session_push_event(s, SESSION_EV_JOURNAL);
	ev->time = pe->time;
	ev->vaddr = pe->start;
	ev->end = pe->end;
	ev->count = event_pages(pe);
	ev->journal_kind = pe->kind;
	ev->pinned = pe->pinned_pages;
	ev->lost = pe->lost;
	ev->cause_pid = pe->cause_pid;
	memcpy(ev->cause, pe->cause_comm, sizeof(ev->cause));
	snprintf(ev->text, sizeof(ev->text), "%s", pe->vma ? pe->vma : "-");
	pthread_mutex_unlock(&s->lock);
}

const char *session_event_name(unsigned int kind)
{
	return kind < SESSION_EV_NR ? event_names[kind] : NULL;
}

int session_init(struct session *s, struct collect *ctx, double interval)
{
	pthread_condattr_t attr;
	int err;

	memset(s, 0, sizeof(*s));
	s->notify[0] = s->notify[1] = -1;
	s->ctx = ctx;
	s->status.interval = interval;
	s->status.snap_every = interval;
	s->events = calloc(SESSION_EVENTS_MAX, sizeof(*s->events));
	if (!s->events)
		return -ENOMEM;
	if (pipe2(s->notify, O_CLOEXEC | O_NONBLOCK)) {
		err = -errno;
		goto err_free;
	}
	pthread_mutex_init(&s->lock, NULL);
	pthread_condattr_init(&attr);
	/* the collector's deadlines are monotonic: a clock step moves none */
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&s->cond, &attr);
	pthread_condattr_destroy(&attr);
	if (ctx) {
		err = perf_events_open(&s->perf, ctx->opts.pid, !ctx->opts.no_perf);
		if (err)
			goto err_close;
	}
	return 0;

err_close:
	close(s->notify[0]);
	close(s->notify[1]);
err_free:
	free(s->events);
	s->events = NULL;
	return err;
}

void session_free(struct session *s)
{
	if (s->latest)
		session_frame_put(s, s->latest);
	s->latest = NULL;
	if (s->ctx)
		perf_events_close(&s->perf);
	if (s->notify[0] >= 0) {
		close(s->notify[0]);
		close(s->notify[1]);
	}
	free(s->events);
	free(s->hist);
	pthread_mutex_destroy(&s->lock);
	pthread_cond_destroy(&s->cond);
	s->events = NULL;
	s->hist = NULL;
}

int session_fd(const struct session *s)
{
	return s->notify[0];
}

void session_drain(struct session *s)
{
	char buf[64];

	while (read(s->notify[0], buf, sizeof(buf)) > 0)
		;
}

void session_notify(struct session *s)
{
	/* a full pipe already says there is news */
	(void)!write(s->notify[1], "", 1);
}

struct session_frame *session_frame_get(struct session *s)
{
	struct session_frame *f;

	pthread_mutex_lock(&s->lock);
	f = s->latest;
	if (f)
		f->refs++;
	pthread_mutex_unlock(&s->lock);
	return f;
}

void session_frame_put(struct session *s, struct session_frame *f)
{
	bool last;

	if (!f)
		return;
	pthread_mutex_lock(&s->lock);
	last = --f->refs == 0;
	pthread_mutex_unlock(&s->lock);
	if (last) {
		session_frame_clear(f);
		free(f);
	}
}

void session_frame_clear(struct session_frame *f)
{
	page_store_free(&f->store);
	snapshot_free(&f->snap);
}

/* Pages of [START, END) of frame MODEL last seen maybe pinned */
static uint64_t frame_pinned_in(const void *model, uint64_t start,
				uint64_t end)
{
	const struct session_frame *f = model;
	struct page_store_iter it;
	struct snapshot_page page;
	uint64_t n = 0;

	page_store_iter_init(&it, &f->store, page_store_index(&f->store, start));
	while (page_store_next(&it, &page) && page.vaddr < end)
		n += snapshot_page_test(&page, PAGEWATCH_PAGE_MAYBE_PINNED);
	return n;
}

void session_frame_view(const struct session_frame *f, struct event_view *view)
{
	event_view_of_snapshot(view, &f->snap);
	view->pinned_in = frame_pinned_in;
	view->model = f;
}

int session_frame_make(struct session_frame *f,
		       const struct session_frame *model, struct snapshot *part,
		       const struct snapshot_range *ranges, size_t nr)
{
	int err;

	err = page_store_merge(model ? &model->store : NULL, part, ranges, nr,
			       &f->store);
	if (err)
		return err;
	/* the rest of the frame is the newest part's: it moves */
	f->snap = *part;
	f->snap.pages = NULL;
	f->snap.nr_pages = f->store.nr_pages;
	f->snap.cap_pages = 0;
	f->snap.pages_mapped = 0;
	f->snap.summaries = NULL;
	f->snap.nr_summaries = 0;
	part->mappings = NULL;
	part->nr_mappings = 0;
	part->changes = NULL;
	part->nr_changes = 0;
	return 0;
}

void session_get_status(struct session *s, struct session_status *status)
{
	pthread_mutex_lock(&s->lock);
	*status = s->status;
	pthread_mutex_unlock(&s->lock);
}

void session_set_interval(struct session *s, double interval)
{
	pthread_mutex_lock(&s->lock);
	s->status.interval = interval;
	pthread_cond_signal(&s->cond);
	pthread_mutex_unlock(&s->lock);
}

void session_set_focus(struct session *s, uint64_t start, uint64_t end,
		       uint64_t cursor)
{
	pthread_mutex_lock(&s->lock);
	s->focus_start = start;
	s->focus_end = end;
	s->focus_cursor = cursor;
	pthread_mutex_unlock(&s->lock);
}

void session_set_paused(struct session *s, bool paused)
{
	pthread_mutex_lock(&s->lock);
	s->status.paused = paused;
	pthread_cond_signal(&s->cond);
	pthread_mutex_unlock(&s->lock);
}

/* Called with the lock held. */
struct session_event *session_push_event(struct session *s, unsigned int kind)
{
	struct session_event *ev;
	size_t slot = (s->ev_head + s->ev_count) % SESSION_EVENTS_MAX;

	if (s->ev_count == SESSION_EVENTS_MAX)
		s->ev_head = (s->ev_head + 1) % SESSION_EVENTS_MAX;
	else
		s->ev_count++;
	s->ev_total++;
	ev = &s->events[slot];
	memset(ev, 0, sizeof(*ev));
	ev->kind = kind;
	ev->count = 1;
	ev->old_node = ev->new_node = PAGEWATCH_NODE_NONE;
	if (s->stamp)
		ev->time = *s->stamp;
	else
		clock_gettime(CLOCK_REALTIME, &ev->time);
	return ev;
}

void session_note_at(struct session *s, const char *text,
		     const struct timespec *when)
{
	struct session_event *ev;
	struct timespec time;

	pthread_mutex_lock(&s->lock);
	s->stamp = when;
	ev = session_push_event(s, SESSION_EV_NOTE);
	s->stamp = NULL;
	snprintf(ev->text, sizeof(ev->text), "%s", text);
	time = ev->time;
	pthread_mutex_unlock(&s->lock);
	if (s->record_note)
		s->record_note(s->record_arg, &time, text);
}

void session_note(struct session *s, const char *text)
{
	session_note_at(s, text, NULL);
}

bool session_event(struct session *s, size_t i, struct session_event *ev)
{
	bool ok;

	pthread_mutex_lock(&s->lock);
	ok = i < s->ev_count;
	if (ok)
		*ev = s->events[(s->ev_head + s->ev_count - 1 - i) %
				SESSION_EVENTS_MAX];
	pthread_mutex_unlock(&s->lock);
	return ok;
}

size_t session_nr_events(struct session *s)
{
	size_t n;

	pthread_mutex_lock(&s->lock);
	n = s->ev_count;
	pthread_mutex_unlock(&s->lock);
	return n;
}

/* First history record at or after VADDR (lock held). */
static size_t hist_lower(const struct session *s, uint64_t vaddr)
{
	size_t lo = 0, hi = s->nr_hist;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->hist[mid].vaddr < vaddr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

bool session_history(struct session *s, uint64_t vaddr, struct session_hist *hist)
{
	size_t i;
	bool ok;

	pthread_mutex_lock(&s->lock);
	i = hist_lower(s, vaddr);
	ok = i < s->nr_hist && s->hist[i].vaddr == vaddr;
	if (ok)
		*hist = s->hist[i];
	pthread_mutex_unlock(&s->lock);
	return ok;
}

uint64_t session_moved_in(struct session *s, uint64_t start, uint64_t end)
{
	uint64_t n;

	pthread_mutex_lock(&s->lock);
	n = hist_lower(s, end) - hist_lower(s, start);
	pthread_mutex_unlock(&s->lock);
	return n;
}

static void hist_push(struct session_hist *h, uint64_t pfn, uint16_t node,
		      unsigned int seq, time_t time)
{
	if (h->nr == SESSION_HIST_MAX) {
		/* keep the first sighting, drop the oldest move after it */
		memmove(&h->e[1], &h->e[2], (SESSION_HIST_MAX - 2) * sizeof(h->e[0]));
		h->nr--;
	}
	h->e[h->nr].pfn = pfn;
	h->e[h->nr].node = node;
	h->e[h->nr].seq = seq;
	h->e[h->nr].time = time;
	h->nr++;
}

static uint16_t page_node(const struct snapshot_page *page)
{
	return snapshot_page_known(page, SNAPSHOT_KNOWN_NODE) ?
	       page->node : PAGEWATCH_NODE_NONE;
}

/* Room for NR entries of history, grown by doubling */
static int hist_reserve(struct session *s, size_t nr)
{
	struct session_hist *grown;
	size_t cap = s->cap_hist ? s->cap_hist : 256;

	if (nr <= s->cap_hist)
		return 0;
	while (cap < nr)
		cap *= 2;
	grown = realloc(s->hist, cap * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	s->hist = grown;
	s->cap_hist = cap;
	return 0;
}

/* CUR's move of one page into H: a fresh entry starts at its old place */
static void hist_move(struct session_hist *h, bool fresh,
		      const struct snapshot *prev, const struct snapshot *cur,
		      const struct snapshot_change *c)
{
	const struct snapshot_page *page = &cur->pages[c->page];

	if (fresh) {
		memset(h, 0, sizeof(*h));
		h->vaddr = page->vaddr;
		hist_push(h, c->old_pfn, c->old_node, prev->seq,
			  prev->time.tv_sec);
	}
	h->moves++;
	hist_push(h, page->pfn, page_node(page), cur->seq, cur->time.tv_sec);
}

/*
 * Extend the history with CUR's changes (sorted by address, as the
 * history): merged in place from the end, so that a refresh costs the
 * entries it moves aside for fresh ones, not a copy of the whole history
 * (hundreds of thousands of pages while a mover runs).
 */
static int apply_history(struct session *s, const struct snapshot *prev,
			 const struct snapshot *cur)
{
	size_t fresh = 0, i, k;

	for (size_t c = 0; c < cur->nr_changes; c++) {
		uint64_t vaddr = cur->pages[cur->changes[c].page].vaddr;
		size_t at = hist_lower(s, vaddr);

		if (at == s->nr_hist || s->hist[at].vaddr != vaddr)
			fresh++;
	}
	if (hist_reserve(s, s->nr_hist + fresh + 1))
		return -ENOMEM;
	i = s->nr_hist;
	k = s->nr_hist + fresh;
	for (size_t c = cur->nr_changes; c-- > 0;) {
		uint64_t vaddr = cur->pages[cur->changes[c].page].vaddr;
		size_t at;

		if (k == i) {
			/* every fresh one placed: the rest are in their place */
			at = hist_lower(s, vaddr);
			hist_move(&s->hist[at], false, prev, cur, &cur->changes[c]);
			continue;
		}
		while (i > 0 && s->hist[i - 1].vaddr > vaddr)
			s->hist[--k] = s->hist[--i];
		if (i > 0 && s->hist[i - 1].vaddr == vaddr) {
			s->hist[--k] = s->hist[--i];
			hist_move(&s->hist[k], false, prev, cur, &cur->changes[c]);
		} else {
			hist_move(&s->hist[--k], true, prev, cur, &cur->changes[c]);
		}
	}
	s->nr_hist += fresh;
	return 0;
}

static const char *map_name(const struct snapshot *snap, uint32_t mapping)
{
	return maps_name(&snap->mappings[mapping]);
}

/* One event per page, or one per mapping when there are too many. */
static void log_pages(struct session *s, const struct snapshot *cur,
		      unsigned int kind, const size_t *pages, size_t nr,
		      const struct snapshot_change *const *changes)
{
	struct session_event *ev = NULL;

	for (size_t i = 0; i < nr; i++) {
		const struct snapshot_page *page = &cur->pages[pages[i]];

		if (nr > SESSION_EVENTS_AGGREGATE) {
			if (ev && cur->pages[pages[i - 1]].mapping == page->mapping) {
				ev->count++;
				continue;
			}
		}
		ev = session_push_event(s, kind);
		ev->vaddr = page->vaddr;
		ev->new_pfn = page->pfn;
		ev->new_node = page_node(page);
		if (changes && changes[i]) {
			ev->old_pfn = changes[i]->old_pfn;
			ev->old_node = changes[i]->old_node;
		}
		snprintf(ev->text, sizeof(ev->text), "%s",
			 map_name(cur, page->mapping));
	}
}

static int log_changes(struct session *s, const struct snapshot *cur)
{
	const struct snapshot_change **changes;
	static const unsigned int kinds[3] = {
		SESSION_EV_REPLACED, SESSION_EV_MIGRATED, SESSION_EV_DIVERGED,
	};
	size_t *pages, nr[3] = { 0, 0, 0 }, stride = cur->nr_changes + 1;
	int err = -ENOMEM;

	pages = malloc(stride * 3 * sizeof(*pages));
	changes = malloc(stride * 3 * sizeof(*changes));
	if (!pages || !changes)
		goto out_free;
	/* replaced, migrated (another node), diverged: three lists in one */
	for (size_t i = 0; i < cur->nr_changes; i++) {
		const struct snapshot_change *c = &cur->changes[i];
		const struct snapshot_page *page = &cur->pages[c->page];
		unsigned int list = snapshot_page_test(page, SNAPSHOT_PAGE_DIVERGED) ? 2 :
				    snapshot_page_test(page, SNAPSHOT_PAGE_MIGRATED) ? 1 : 0;
		size_t at = list * stride + nr[list]++;

		pages[at] = c->page;
		changes[at] = c;
	}
	for (unsigned int l = 0; l < 3; l++)
		log_pages(s, cur, kinds[l], pages + l * stride, nr[l],
			  changes + l * stride);
	s->status.moved = cur->nr_changes;
	err = 0;
out_free:
	free(pages);
	free(changes);
	return err;
}

/* A list of page indices that grows as pages are found */
struct page_list {
	size_t *at;
	size_t nr, cap;
};

static int list_add(struct page_list *l, size_t page)
{
	if (l->nr == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 64;
		size_t *at = realloc(l->at, cap * sizeof(*at));

		if (!at)
			return -ENOMEM;
		l->at = at;
		l->cap = cap;
	}
	l->at[l->nr++] = page;
	return 0;
}

/* Pages present in both whose pin state is known in both and changed. */
static int log_pins(struct session *s, const struct session_frame *prev,
		    const struct snapshot *cur)
{
	struct page_store_cursor at = { 0, 0 };
	struct page_list pinned = { 0 }, unpinned = { 0 };
	struct snapshot_page old;
	int err = 0;

	if (!prev)
		return 0;
	for (size_t n = 0; n < cur->nr_pages && !err; n++) {
		const struct snapshot_page *page = &cur->pages[n];
		bool was, is;

		/* a full refresh's pages are spooled: not kept mapped behind */
		if (n && n % PAGE_STORE_CHUNK == 0)
			snapshot_pages_release(cur, n - PAGE_STORE_CHUNK, n);
		if (!snapshot_page_known(page, SNAPSHOT_KNOWN_KMOD) ||
		    !page_store_seek(&prev->store, &at, page->vaddr, &old) ||
		    !snapshot_page_known(&old, SNAPSHOT_KNOWN_KMOD))
			continue;
		was = snapshot_page_test(&old, PAGEWATCH_PAGE_MAYBE_PINNED);
		is = snapshot_page_test(page, PAGEWATCH_PAGE_MAYBE_PINNED);
		if (was != is)
			err = list_add(is ? &pinned : &unpinned, n);
	}
	if (!err) {
		log_pages(s, cur, SESSION_EV_PINNED, pinned.at, pinned.nr, NULL);
		log_pages(s, cur, SESSION_EV_UNPINNED, unpinned.at,
			  unpinned.nr, NULL);
	}
	free(pinned.at);
	free(unpinned.at);
	return err;
}

int session_apply(struct session *s, const struct session_frame *prev,
		  const struct snapshot *cur)
{
	static const struct snapshot none;
	int err;

	pthread_mutex_lock(&s->lock);
	/* seen when the snapshot was taken: a replay shows the same time */
	s->stamp = &cur->time;
	err = log_changes(s, cur);
	if (!err)
		err = log_pins(s, prev, cur);
	if (!err)
		err = apply_history(s, prev ? &prev->snap : &none, cur);
	s->stamp = NULL;
	pthread_mutex_unlock(&s->lock);
	return err;
}

void session_reset_log(struct session *s)
{
	pthread_mutex_lock(&s->lock);
	s->ev_head = s->ev_count = 0;
	s->ev_total = 0;
	free(s->hist);
	s->hist = NULL;
	s->nr_hist = 0;
	s->cap_hist = 0;
	s->status.moved = 0;
	pthread_mutex_unlock(&s->lock);
}
