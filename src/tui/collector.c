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

#include "procs.h"
#include "track.h"
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

/* Take, compare and publish one snapshot. */
static void refresh(struct session *s)
{
	struct track_pin_query query = { track_kmod_pinned, &s->ctx->kmod };
	struct session_frame *f, *prev;
	bool first;
	int err;

	if (!procs_alive(s->ctx->opts.pid)) {
		mark_exited(s);
		return;
	}
	f = calloc(1, sizeof(*f));
	if (!f) {
		set_error(s, -ENOMEM);
		return;
	}
	f->refs = 1;
	err = snapshot_take(s->ctx, &f->snap);
	if (err) {
		free(f);
		if (err == -ESRCH || !procs_alive(s->ctx->opts.pid))
			mark_exited(s);
		else
			set_error(s, err);
		return;
	}
	prev = session_frame_get(s);
	first = !prev;
	if (prev) {
		err = track_compare(&prev->snap, &f->snap,
				    s->ctx->kmod_ok && s->ctx->kmod.kpage_fd >= 0 ?
				    &query : NULL);
		if (!err)
			err = session_apply(s, &prev->snap, &f->snap);
		if (err)
			set_error(s, err);
		session_frame_put(s, prev);
	}
	publish(s, f);
	if (first && s->after_first && !s->after_first(s->after_arg))
		session_note(s, "demo: pw-diverge replaced under its pin");
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

/*
 * A snapshot reads every page table entry of the target: on a large one it
 * costs more than the interval allows, so snapshots stretch to keep within
 * SESSION_CPU_BUDGET of one CPU while counts still follow the interval.
 */
static void run_due(struct session *s, double *last_snap, double *last_rate)
{
	double now = now_sec(), every, cpu;
	bool snap, rate;

	pthread_mutex_lock(&s->lock);
	every = s->status.snap_every;
	rate = now - *last_rate >= s->status.interval;
	snap = now - *last_snap >= every;
	pthread_mutex_unlock(&s->lock);
	if (rate) {
		*last_rate = now;
		sample_rates(s);
		/* snapshots may be far apart: notice an exit at this pace */
		if (!procs_alive(s->ctx->opts.pid))
			mark_exited(s);
	}
	if (snap && !s->status.exited) {
		*last_snap = now;
		cpu = thread_cpu();
		refresh(s);
		cpu = thread_cpu() - cpu;
		pthread_mutex_lock(&s->lock);
		s->status.collect_cpu = cpu;
		every = cpu / SESSION_CPU_BUDGET;
		s->status.snap_every = every > s->status.interval ?
				       every : s->status.interval;
		pthread_mutex_unlock(&s->lock);
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
