// SPDX-License-Identifier: GPL-2.0
/*
 * One refresh of the session's model, in one place. A small target is
 * read whole at every refresh and compared with the previous frame. On a
 * target whose full snapshot costs more than the session's CPU budget,
 * each refresh reads the part the person looks at and one slice of the
 * rest and merges them into the model (session_frame_make()); the slices go
 * round the address space. A page is always compared with its previous
 * observation, whichever refresh made it.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/procs.h"
#include "model/track.h"
#include "tui/clock.h"
#include "tui/session.h"

int refresh_step(struct session *s, const struct session_frame *model,
		 struct snapshot *part, const struct snapshot_range *ranges,
		 size_t nr, const struct track_pin_query *query,
		 struct session_frame *merged)
{
	int err;

	/* PART lies in RANGES: only the model's pages there are asked */
	err = track_compare_store(&model->store, part, query);
	if (!err)
		err = session_apply(s, model, part);
	if (err)
		return err;
	return session_frame_make(merged, model, part, ranges, nr);
}

static void mark_exited(struct session *s)
{
	char note[64];
	bool was;

	pthread_mutex_lock(&s->lock);
	was = s->status.exited;
	if (!was) {
		s->status.exited = true;
		clock_gettime(CLOCK_REALTIME, &s->status.exit_time);
	}
	pthread_mutex_unlock(&s->lock);
	if (was)
		return;
	snprintf(note, sizeof(note), "target %d exited", (int)s->ctx->opts.pid);
	session_note(s, note);
}

static void publish(struct session *s, struct session_frame *f)
{
	struct session_frame *old;

	pthread_mutex_lock(&s->lock);
	old = s->latest;
	s->latest = f;
	s->status.seq = f->snap.seq;
	s->status.error = 0;
	pthread_mutex_unlock(&s->lock);
	session_frame_put(s, old);
}

static void set_error(struct session *s, int err)
{
	pthread_mutex_lock(&s->lock);
	s->status.error = err;
	pthread_mutex_unlock(&s->lock);
}

/*
 * Every page, compared with the previous frame: the small target's way,
 * and the first frame's. The pages go through a spool file, as one
 * snapshot's do, and into the frame behind the comparison: a first frame
 * of millions of pages never holds them at 48 bytes each.
 */
static int refresh_full(struct session *s, struct session_frame *prev,
			struct session_frame *f, size_t *read)
{
	static const struct snapshot_range all = { 0, UINT64_MAX };
	struct track_pin_query query;
	bool have_query = sources_pin_query(&s->ctx->src, &query);
	bool spool = s->ctx->opts.spool;
	struct snapshot part;
	int err;

	s->ctx->opts.spool = true;
	err = collect_snapshot(s->ctx, &part);
	s->ctx->opts.spool = spool;
	if (err)
		return err;
	*read = part.nr_pages;
	if (prev) {
		err = track_compare_store(&prev->store, &part,
					  have_query ? &query : NULL);
		if (!err)
			err = session_apply(s, prev, &part);
		/* a failed comparison leaves the frame good, its events short */
		if (err)
			set_error(s, err);
	}
	err = session_frame_make(f, prev, &part, &all, 1);
	snapshot_free(&part);
	return err;
}

/* Pages of MODEL within [START, END) */
static size_t pages_in(const struct page_store *model, uint64_t start,
		       uint64_t end)
{
	return page_store_index(model, end) - page_store_index(model, start);
}

/* Pages a refresh may read within the budget. */
static size_t budget_pages(const struct session *s)
{
	double cpu = SESSION_CPU_BUDGET * s->status.interval - s->fixed_cost;
	double pages = s->page_cost > 0 ? cpu / s->page_cost : 0;

	return pages < 1024 ? 1024 : (size_t)pages;
}

/*
 * The focus: the selected mapping, or the part of it around the cursor
 * that SHARE of the budget reads (a 4 GiB mapping costs 100 times more).
 */
static size_t focus_range(struct session *s, const struct page_store *model,
			  size_t budget, struct snapshot_range *r)
{
	uint64_t start, end, cursor, half;
	size_t max = (size_t)(budget * SESSION_FOCUS_SHARE);

	pthread_mutex_lock(&s->lock);
	start = s->focus_start;
	end = s->focus_end;
	cursor = s->focus_cursor;
	pthread_mutex_unlock(&s->lock);
	if (start >= end)
		return 0;
	r->start = start;
	r->end = end;
	if (pages_in(model, start, end) > max) {
		half = (uint64_t)max / 2 * 4096;
		cursor = cursor < start || cursor >= end ? start : cursor;
		r->start = cursor - start > half ? cursor - half : start;
		r->end = end - r->start > 2 * half ? r->start + 2 * half : end;
		if (r->end - start >= 2 * half && r->end - r->start < 2 * half)
			r->start = r->end - 2 * half;
	}
	pthread_mutex_lock(&s->lock);
	s->status.focus_whole = r->start == start && r->end == end;
	s->status.focus_bytes = r->end - r->start;
	pthread_mutex_unlock(&s->lock);
	return 1;
}

/* Sort two ranges, and make one of them when they touch. */
static size_t union_ranges(struct snapshot_range *r, size_t nr)
{
	struct snapshot_range t;

	if (nr < 2)
		return nr;
	if (r[1].start < r[0].start) {
		t = r[0];
		r[0] = r[1];
		r[1] = t;
	}
	if (r[1].start > r[0].end)
		return 2;
	if (r[1].end > r[0].end)
		r[0].end = r[1].end;
	return 1;
}

/*
 * The next slice starts at SLICE_END; past the last page a cycle ended.
 * Slices come EVERY seconds (the first cycle's length is guessed from it).
 */
static void advance_slice(struct session *s, const struct page_store *model,
			  size_t slice, uint64_t slice_end, double now,
			  double every)
{
	pthread_mutex_lock(&s->lock);
	if (slice_end == UINT64_MAX) {
		s->scan_pos = 0;
		if (s->cycle_start > 0) {
			s->status.cycle = now - s->cycle_start;
			s->status.cycle_measured = true;
		}
		s->cycle_start = now;
	} else {
		s->scan_pos = slice_end;
	}
	if (!s->status.cycle_measured)
		s->status.cycle = every *
				  (double)(model->nr_pages / (slice ? slice : 1) + 1);
	pthread_mutex_unlock(&s->lock);
}

/* The focus and the next slice of the rest, merged into the model. */
static int refresh_rolling(struct session *s, struct session_frame *prev,
			   struct session_frame *f, size_t *read)
{
	struct track_pin_query query;
	bool have_query = sources_pin_query(&s->ctx->src, &query);
	const struct page_store *model = &prev->store;
	struct snapshot_range r[2];
	struct snapshot part;
	size_t budget = budget_pages(s), nr, focus, slice;
	uint64_t slice_end;
	double now = now_sec(), cpu;
	int err;

	nr = focus_range(s, model, budget, &r[0]);
	focus = nr ? pages_in(model, r[0].start, r[0].end) : 0;
	slice = budget > focus ? budget - focus : budget / 4;
	r[nr].start = s->scan_pos;
	slice_end = page_store_slice_end(model, s->scan_pos, slice);
	r[nr].end = slice_end;
	nr = union_ranges(r, nr + 1);

	cpu = thread_cpu();
	err = collect_ranges(s->ctx, &part, r, nr);
	if (err)
		return err;
	s->read_cpu = thread_cpu() - cpu;
	*read = part.nr_pages;
	err = refresh_step(s, prev, &part, r, nr,
			   have_query ? &query : NULL, f);
	snapshot_free(&part);
	if (err)
		return err;

	advance_slice(s, model, slice, slice_end, now, s->status.interval);
	return 0;
}

/*
 * Journal records read per refresh at most, the rest waiting for the next:
 * four default rings, so that a mover as fast as the kernel's ring is
 * deep never leaves a backlog that grows (a backlog is lag on screen)
 */
#define LIVE_MAX_EVENTS		(4 * PAGEWATCH_JOURNAL_RING)

/*
 * Log the journal's records since the last refresh, seen through MODEL;
 * *OLDEST gets the time of the first (0 when none came)
 */
static int log_journal(struct session *s, const struct session_frame *model,
		       double *oldest)
{
	struct page_event evs[64];
	struct event_view view;
	long got;

	*oldest = 0;
	session_frame_view(model, &view);
	for (size_t n = 0; n < LIVE_MAX_EVENTS; n += (size_t)got) {
		got = follow_events(&s->follow, evs, 64, &view);
		if (got == -EAGAIN || got == 0)
			return 0;
		if (got < 0)
			return (int)got;
		if (!*oldest)
			*oldest = clock_ts_sec(&evs[0].time);
		for (long i = 0; i < got; i++) {
			session_journal_event(s, &evs[i]);
			if (s->record_event)
				s->record_event(s->record_arg, &evs[i]);
		}
	}
	return 0;
}

/* How late the changes of this refresh reach the screen */
static void note_lag(struct session *s, double oldest)
{
	struct timespec now;
	double lag;

	if (!oldest)
		return;
	clock_gettime(CLOCK_REALTIME, &now);
	lag = clock_ts_sec(&now) - oldest;
	pthread_mutex_lock(&s->lock);
	/* decays, so one slow refresh does not stay on screen for ever */
	s->status.journal_lag = lag > 0.8 * s->status.journal_lag ?
				lag : 0.8 * s->status.journal_lag;
	if (lag > s->status.journal_lag_worst)
		s->status.journal_lag_worst = lag;
	pthread_mutex_unlock(&s->lock);
}

/* refresh_live(): nothing changed, no frame to publish */
#define REFRESH_UNCHANGED	1

/*
 * The live safety pass: a slice every this many intervals, of this share
 * of the rolling budget (an eighth an interval). One read of two
 * intervals' pages pays a read's fixed costs (the target's maps, status
 * and the listing) once, not twice: an idle target costs less.
 */
#define LIVE_SLICE_INTERVALS	2
#define LIVE_SLICE_SHARE	(LIVE_SLICE_INTERVALS / 8.0)

/*
 * What a live refresh reads: DIRTY[0..*NR) and, every
 * LIVE_SLICE_INTERVALS intervals, the next SLICE pages of the safety pass
 * (*WITH_SLICE, ending at *SLICE_END); sorted and joined, *NR of them.
 * NULL without memory.
 */
static struct snapshot_range *live_ranges(struct session *s,
					  const struct page_store *model,
					  const struct snapshot_range *dirty,
					  size_t *nr, size_t slice, double now,
					  bool *with_slice, uint64_t *slice_end)
{
	struct snapshot_range *r = malloc((*nr + 1) * sizeof(*r));

	if (!r)
		return NULL;
	memcpy(r, dirty, *nr * sizeof(*r));
	/* the journal's looks in between read what it announced only */
	*with_slice = now - s->last_slice >=
		      0.99 * LIVE_SLICE_INTERVALS * s->status.interval;
	if (*with_slice) {
		s->last_slice = now;
		r[*nr].start = s->scan_pos;
		*slice_end = page_store_slice_end(model, s->scan_pos, slice);
		r[(*nr)++].end = *slice_end;
	}
	*nr = snapshot_ranges_join(r, *nr);
	return r;
}

/*
 * Live: the ranges the journal announced since the last refresh, and now
 * and then a slice of the rest as a safety net (LIVE_SLICE_SHARE of the
 * rolling budget, so that an idle target costs little), compared page by
 * page and merged into the model; lost records mean a full refresh.
 */
static int refresh_live(struct session *s, struct session_frame *prev,
			struct session_frame *f, size_t *read)
{
	struct track_pin_query query;
	bool have_query = sources_pin_query(&s->ctx->src, &query);
	const struct page_store *model = &prev->store;
	const struct snapshot_range *dirty;
	struct snapshot_range *r, *rest;
	struct snapshot part;
	size_t nr, nr_dirty;
	size_t slice = (size_t)(budget_pages(s) * LIVE_SLICE_SHARE);
	uint64_t slice_end = 0;
	double now = now_sec(), cpu, oldest;
	bool all, with_slice;
	int err;

	err = log_journal(s, prev, &oldest);
	if (err)
		return err;
	nr = nr_dirty = follow_take_dirty(&s->follow, &dirty, &all);
	if (all) {
		session_note(s, "journal: records were lost: everything read again");
		return refresh_full(s, prev, f, read);
	}
	r = live_ranges(s, model, dirty, &nr, slice, now, &with_slice,
			&slice_end);
	if (!r)
		return -ENOMEM;
	if (!nr) {
		free(r);
		note_lag(s, oldest);
		return REFRESH_UNCHANGED;
	}

	cpu = thread_cpu();
	err = collect_ranges(s->ctx, &part, r, nr);
	if (err) {
		free(r);
		return err;
	}
	/* what changed while it was read is read again after its records */
	err = follow_leave_out_raced(&s->follow, &part, r, &nr, &rest);
	if (rest) {
		free(r);
		r = rest;
	}
	if (err) {
		snapshot_free(&part);
		free(r);
		return err;
	}
	s->read_cpu = thread_cpu() - cpu;
	*read = part.nr_pages;
	if (!nr_dirty &&
	    page_store_part_unchanged(model, &prev->snap, &part, r, nr)) {
		/*
		 * Quiet: nothing announced, and the safety slice found the
		 * model right. No frame: the screen and the model stay as
		 * they are, so an idle target costs its slice, not a copy of
		 * every page per refresh.
		 */
		pthread_mutex_lock(&s->lock);
		s->status.seq = part.seq;
		pthread_mutex_unlock(&s->lock);
		err = REFRESH_UNCHANGED;
	} else {
		err = refresh_step(s, prev, &part, r, nr,
				   have_query ? &query : NULL, f);
	}
	snapshot_free(&part);
	free(r);
	if (err < 0)
		return err;
	note_lag(s, oldest);
	if (with_slice)
		advance_slice(s, model, slice, slice_end, now,
			      LIVE_SLICE_INTERVALS * s->status.interval);
	return err;
}

/* --record: the frame published; a failure ends the recording, not the view */
static void record(struct session *s, const struct session_frame *f)
{
	char note[96];
	int err;

	if (!s->record_frame)
		return;
	err = s->record_frame(s->record_arg, &f->snap, &f->store);
	if (!err)
		return;
	s->record_frame = NULL;
	s->record_event = NULL;
	s->record_note = NULL;
	snprintf(note, sizeof(note), "recording stopped: %s", strerror(-err));
	session_note(s, note);
}

/* Take, compare and publish one refresh; returns the pages read. */
static size_t take(struct session *s, bool *rolling)
{
	struct session_frame *f, *prev;
	bool first;
	size_t read;
	int err;

	if (!procs_alive(s->ctx->opts.pid)) {
		mark_exited(s);
		return 0;
	}
	f = calloc(1, sizeof(*f));
	if (!f) {
		set_error(s, -ENOMEM);
		return 0;
	}
	f->refs = 1;
	prev = session_frame_get(s);
	first = !prev;
	*rolling = prev && s->status.rolling;
	read = 0;
	if (prev && s->follow_ok)
		err = refresh_live(s, prev, f, &read);
	else if (*rolling)
		err = refresh_rolling(s, prev, f, &read);
	else
		err = refresh_full(s, prev, f, &read);
	session_frame_put(s, prev);
	if (err == REFRESH_UNCHANGED) {
		free(f);
		return read;
	}
	if (err) {
		session_frame_clear(f);
		free(f);
		if (err == -ESRCH || !procs_alive(s->ctx->opts.pid))
			mark_exited(s);
		else
			set_error(s, err);
		return 0;
	}
	publish(s, f);
	record(s, f);
	if (first && s->after_first && !s->after_first(s->after_arg))
		session_note(s, "demo: pw-diverge replaced under its pin");
	return read;
}

/* Exponentially weighted: a refresh's cost varies with what moved. */
static double ewma(double old, double now)
{
	return old > 0 ? 0.7 * old + 0.3 * now : now;
}

/*
 * A full snapshot reads every page table entry of the target: on a large
 * one it costs more than SESSION_CPU_BUDGET of the interval, and the
 * session turns to the rolling refresh, whose slices keep within it.
 */
static void account(struct session *s, bool rolling, size_t read, double cpu)
{
	double budget = SESSION_CPU_BUDGET * s->status.interval;
	struct session_frame *f;
	size_t pages;

	if (rolling) {
		if (read)
			s->page_cost = ewma(s->page_cost, s->read_cpu / (double)read);
		s->fixed_cost = ewma(s->fixed_cost, cpu - s->read_cpu);
	} else if (read) {
		s->page_cost = ewma(s->page_cost, cpu / (double)read);
	}
	f = session_frame_get(s);
	pages = f ? f->snap.nr_pages : 0;
	session_frame_put(s, f);
	pthread_mutex_lock(&s->lock);
	s->status.collect_cpu = cpu;
	/* live: a look at the journal four times an interval (refresh_run()) */
	s->status.snap_every = s->status.live ? s->status.interval / 4 :
						s->status.interval;
	if (s->status.live) {
		/* the journal says what to read: no rolling decision */
	} else if (!rolling && cpu > budget) {
		s->status.rolling = true;
		s->status.cycle_measured = false;
		s->scan_pos = 0;
		s->cycle_start = 0;
	} else if (rolling && s->page_cost * (double)pages < budget / 2) {
		/* the target shrank: every page at every refresh again */
		s->status.rolling = false;
	}
	pthread_mutex_unlock(&s->lock);
}

/*
 * Live, the collector comes four times an interval: it refreshes when the
 * journal has records (a change waits a quarter of an interval at most,
 * then the refresh, which a burst of thousands of moved pages makes last
 * longer: on screen within one), and once an interval anyway for the
 * safety slice; in between a quiet target costs one poll().
 */
static bool live_quiet_tick(struct session *s, double now)
{
	if (!s->follow_ok || !s->last_refresh ||
	    now - s->last_refresh >= 0.99 * s->status.interval)
		return false;
	return follow_wait(&s->follow, 0) == 0;
}

bool refresh_run(struct session *s)
{
	double cpu = thread_cpu(), now = now_sec();
	bool rolling = false;
	size_t read;

	if (live_quiet_tick(s, now))
		return false;
	s->last_refresh = now;
	read = take(s, &rolling);
	account(s, rolling, read, thread_cpu() - cpu);
	return true;
}
