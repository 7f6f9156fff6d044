// SPDX-License-Identifier: GPL-2.0
/*
 * The session's collector thread: refreshes (refresh.c) and event counts
 * on their own clocks, published for the UI, which never waits for them.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/numa_topo.h"
#include "tui/clock.h"
#include "tui/session.h"

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

static void run_due(struct session *s, double *last_snap, double *last_rate)
{
	double now = now_sec();
	bool snap, rate;

	pthread_mutex_lock(&s->lock);
	rate = now - *last_rate >= s->status.interval;
	snap = now - *last_snap >= s->status.snap_every;
	pthread_mutex_unlock(&s->lock);
	if (rate) {
		*last_rate = now;
		sample_rates(s);
	}
	if (snap && !s->status.exited) {
		*last_snap = now;
		/* a quiet look at the journal has nothing to show */
		snap = refresh_run(s);
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

/*
 * The journal, bound before the first refresh reads the target: every
 * change after that read is announced. Without it the session polls.
 */
static void open_journal(struct session *s)
{
	s->follow_ok = !s->ctx->opts.no_journal &&
		       !follow_open(&s->follow, s->ctx, 0);
	pthread_mutex_lock(&s->lock);
	s->status.live = s->follow_ok;
	pthread_mutex_unlock(&s->lock);
}

static void *collector_main(void *arg)
{
	struct session *s = arg;
	double last_snap = -1e9, last_rate = -1e9;

	/* its own name in /proc/PID/task: what it costs apart from the screen */
	pthread_setname_np(pthread_self(), "pw-collector");
	open_journal(s);

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
	if (s->follow_ok)
		follow_close(&s->follow);
	return NULL;
}

int session_start(struct session *s)
{
	int err;

	/*
	 * The session rewrites page arrays of tens of megabytes several
	 * times a second: were NUMA balancing to mark them, one refresh
	 * would take thousands of hint faults (16,000 in a third of a
	 * second measured under emulation). Best effort: a kernel without
	 * NUMA has nothing to mark.
	 */
	(void)numa_own_memory_unbalanced();
	/* a replay's frames come from its recording, not from a process */
	err = pthread_create(&s->thread, NULL,
			     s->rec ? replay_main : collector_main, s);
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
