// SPDX-License-Identifier: GPL-2.0
/*
 * The session's collector thread: snapshots and event counts on their own
 * clocks, published for the UI, which never waits for them.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/procs.h"
#include "model/track.h"
#include "tui/session.h"

static double ts_sec(const struct timespec *t)
{
	return (double)t->tv_sec + (double)t->tv_nsec / 1e9;
}

static double now_sec(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return ts_sec(&t);
}

static double thread_cpu(void)
{
	struct timespec t;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
	return ts_sec(&t);
}

static void mark_exited(struct session *s)
{
	struct session_event *ev;

	pthread_mutex_lock(&s->lock);
	if (!s->status.exited) {
		s->status.exited = true;
		clock_gettime(CLOCK_REALTIME, &s->status.exit_time);
		ev = session_push_event(s, SESSION_EV_NOTE);
		snprintf(ev->text, sizeof(ev->text), "target %d exited",
			 (int)s->ctx->opts.pid);
	}
	pthread_mutex_unlock(&s->lock);
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

/* Every page, compared with the previous frame: the small target's way. */
static int refresh_full(struct session *s, struct session_frame *prev,
			struct session_frame *f, size_t *read)
{
	struct track_pin_query query;
	bool have_query = sources_pin_query(&s->ctx->src, &query);
	int err;

	err = collect_snapshot(s->ctx, &f->snap);
	*read = f->snap.nr_pages;
	if (err || !prev)
		return err;
	err = track_compare(&prev->snap, &f->snap, have_query ? &query : NULL);
	if (!err)
		err = session_apply(s, &prev->snap, &f->snap);
	/* a failed comparison leaves the frame good, its events short */
	if (err)
		set_error(s, err);
	return 0;
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
static size_t focus_range(struct session *s, const struct snapshot *model,
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
	if (session_pages_in(model, start, end) > max) {
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

/* The focus and the next slice of the rest, merged into the model. */
static int refresh_rolling(struct session *s, struct session_frame *prev,
			   struct session_frame *f, size_t *read)
{
	struct track_pin_query query;
	bool have_query = sources_pin_query(&s->ctx->src, &query);
	const struct snapshot *model = &prev->snap;
	struct snapshot_range r[2];
	struct snapshot part;
	size_t budget = budget_pages(s), nr, focus, slice;
	uint64_t slice_end;
	double now = now_sec(), cpu;
	int err;

	nr = focus_range(s, model, budget, &r[0]);
	focus = nr ? session_pages_in(model, r[0].start, r[0].end) : 0;
	slice = budget > focus ? budget - focus : budget / 4;
	r[nr].start = s->scan_pos;
	slice_end = session_slice_end(model, s->scan_pos, slice);
	r[nr].end = slice_end;
	nr = union_ranges(r, nr + 1);

	cpu = thread_cpu();
	err = collect_ranges(s->ctx, &part, r, nr);
	if (err)
		return err;
	s->read_cpu = thread_cpu() - cpu;
	*read = part.nr_pages;
	session_take_spare(s, &f->snap);
	err = session_step(s, model, &part, r, nr,
			   have_query ? &query : NULL, &f->snap);
	snapshot_free(&part);
	if (err)
		return err;

	/* the slice went past the last page: a cycle ended */
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
		s->status.cycle = s->status.interval *
				  (double)(model->nr_pages / (slice ? slice : 1) + 1);
	pthread_mutex_unlock(&s->lock);
	return 0;
}

/* Take, compare and publish one refresh; returns the pages read. */
static size_t refresh(struct session *s, bool *rolling)
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
	if (*rolling)
		err = refresh_rolling(s, prev, f, &read);
	else
		err = refresh_full(s, prev, f, &read);
	session_frame_put(s, prev);
	if (err) {
		snapshot_free(&f->snap);
		free(f);
		if (err == -ESRCH || !procs_alive(s->ctx->opts.pid))
			mark_exited(s);
		else
			set_error(s, err);
		return 0;
	}
	publish(s, f);
	if (first && s->after_first && !s->after_first(s->after_arg))
		session_note(s, "demo: pw-diverge replaced under its pin");
	return read;
}

static void sample_rates(struct session *s)
{
	struct perf_sample now;

	perf_events_read(&s->perf, &now);
	pthread_mutex_lock(&s->lock);
	for (unsigned int r = 0; r < PERF_RATE_NR; r++) {
		s->status.rate_known[r] = s->have_sample &&
			perf_events_rate(&s->last_sample, &now, r,
					 &s->status.rate[r]);
		s->status.rate_source[r] = now.source[r];
	}
	pthread_mutex_unlock(&s->lock);
	s->last_sample = now;
	s->have_sample = true;
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
	s->status.snap_every = s->status.interval;
	if (!rolling && cpu > budget) {
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

static void run_due(struct session *s, double *last_snap, double *last_rate)
{
	double now = now_sec(), cpu;
	bool snap, rate, rolling = false;
	size_t read;

	pthread_mutex_lock(&s->lock);
	rate = now - *last_rate >= s->status.interval;
	snap = now - *last_snap >= s->status.interval;
	pthread_mutex_unlock(&s->lock);
	if (rate) {
		*last_rate = now;
		sample_rates(s);
	}
	if (snap && !s->status.exited) {
		*last_snap = now;
		cpu = thread_cpu();
		read = refresh(s, &rolling);
		account(s, rolling, read, thread_cpu() - cpu);
	}
	if (snap || rate)
		session_notify(s);
}

static void wait_next(struct session *s, double last_snap, double last_rate)
{
	double due, now = now_sec();
	struct timespec abs;

	if (s->status.paused || s->status.exited) {
		pthread_cond_wait(&s->cond, &s->lock);
		return;
	}
	due = last_rate + s->status.interval;
	if (last_snap + s->status.snap_every < due)
		due = last_snap + s->status.snap_every;
	if (due <= now)
		return;
	abs.tv_sec = (time_t)due;
	abs.tv_nsec = (long)((due - (double)abs.tv_sec) * 1e9);
	pthread_cond_timedwait(&s->cond, &s->lock, &abs);
}

static void *collector_main(void *arg)
{
	struct session *s = arg;
	double last_snap = -1e9, last_rate = -1e9;

	pthread_mutex_lock(&s->lock);
	while (!s->quit) {
		if (!s->status.paused && !s->status.exited) {
			pthread_mutex_unlock(&s->lock);
			run_due(s, &last_snap, &last_rate);
			pthread_mutex_lock(&s->lock);
			if (s->quit)
				break;
		}
		wait_next(s, last_snap, last_rate);
	}
	pthread_mutex_unlock(&s->lock);
	return NULL;
}

int session_start(struct session *s)
{
	int err;

	err = pthread_create(&s->thread, NULL, collector_main, s);
	if (err)
		return -err;
	s->started = true;
	return 0;
}

void session_stop(struct session *s)
{
	if (!s->started)
		return;
	pthread_mutex_lock(&s->lock);
	s->quit = true;
	pthread_cond_signal(&s->cond);
	pthread_mutex_unlock(&s->lock);
	pthread_join(s->thread, NULL);
	s->started = false;
}
