// SPDX-License-Identifier: GPL-2.0
/*
 * The collector of a replay: frames built from a recording
 * (model/recording.c) instead of taken from a process, and fed through
 * the same session model as live ones (session_apply(): the event log,
 * the page histories), so every pane shows a recorded tick as the live
 * session showed it. Nothing of the machine it runs on is read.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>

#include "tui/clock.h"
#include "tui/session.h"

/* Does tick T change anything (pages, mappings, tracking, events)? */
static bool tick_changes(const struct recording_tick *t)
{
	return t->nr_pages || t->nr_gone || t->nr_flags || t->nr_changes ||
	       t->nr_events || t->nr_notes || t->mappings;
}

long session_replay_next_change(struct session *s, int dir)
{
	long t;

	pthread_mutex_lock(&s->lock);
	t = s->replay_target;
	pthread_mutex_unlock(&s->lock);
	/* a change is seen at the tick that holds it */
	for (t += dir; t >= 0 && t < (long)s->rec->nr_ticks; t += dir)
		if (tick_changes(&s->rec->ticks[t]) || t == 0)
			return t;
	return -1;
}

void session_replay_seek(struct session *s, long tick)
{
	if (tick < 0)
		tick = 0;
	if (tick >= (long)s->rec->nr_ticks)
		tick = (long)s->rec->nr_ticks - 1;
	pthread_mutex_lock(&s->lock);
	s->replay_target = tick;
	s->replay_step_at = now_sec();
	pthread_cond_signal(&s->cond);
	pthread_mutex_unlock(&s->lock);
}

void session_replay_play(struct session *s, bool playing, double speed)
{
	pthread_mutex_lock(&s->lock);
	/* play at the end starts again from the beginning */
	if (playing && !s->status.playing &&
	    s->replay_target == (long)s->rec->nr_ticks - 1)
		s->replay_target = 0;
	s->status.playing = playing;
	s->status.speed = speed;
	s->replay_step_at = now_sec();
	pthread_cond_signal(&s->cond);
	pthread_mutex_unlock(&s->lock);
}

/* The recorded notes and journal records of tick T, into the log */
static void log_events(struct session *s, const struct recording_tick *t)
{
	for (size_t i = 0; i < t->nr_notes; i++)
		session_note_at(s, t->notes[i].text, &t->notes[i].time);
	for (size_t i = 0; i < t->nr_events; i++)
		session_journal_event(s, &t->events[i].ev);
}

/* FRAME (our reference given away) is the latest: the UI is told */
static void publish(struct session *s, struct session_frame *f, long tick)
{
	struct session_frame *old;

	pthread_mutex_lock(&s->lock);
	old = s->latest;
	s->latest = f;
	s->replay_pos = tick;
	s->status.seq = f->snap.seq;
	s->status.tick = (size_t)tick;
	s->status.offset = recording_offset(s->rec, (size_t)tick);
	s->status.tick_time = f->snap.time;
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
 * Frames from the shown tick to TARGET, each compared with the one
 * before as the live session did; going back starts again from tick 0,
 * with an empty log (the log is what was seen up to the tick shown).
 */
static void go_to(struct session *s, long target)
{
	static const struct snapshot_range all = { 0, UINT64_MAX };
	struct session_frame *prev = session_frame_get(s), *f;
	struct snapshot state;
	long pos = s->replay_pos;
	int err = 0;

	if (target < pos || !prev) {
		session_reset_log(s);
		session_frame_put(s, prev);
		prev = NULL;
		pos = -1;
	}
	for (long t = pos + 1; t <= target; t++) {
		f = calloc(1, sizeof(*f));
		if (!f) {
			err = -ENOMEM;
			break;
		}
		f->refs = 1;
		err = recording_state(s->rec, (size_t)t, &state);
		if (err) {
			free(f);
			break;
		}
		log_events(s, &s->rec->ticks[t]);
		if (prev)
			err = session_apply(s, prev, &state);
		/* the recorded changes name the state's pages, then the frame's */
		if (!err)
			err = session_frame_make(f, prev, &state, &all, 1);
		snapshot_free(&state);
		if (err) {
			session_frame_clear(f);
			free(f);
			break;
		}
		session_frame_put(s, prev);
		prev = f;
		pos = t;
		if (err)
			break;
	}
	if (err)
		set_error(s, err);
	if (prev)
		publish(s, prev, pos);
	if (pos != target) {
		/* what could not be built is not asked for again */
		pthread_mutex_lock(&s->lock);
		s->replay_target = pos < 0 ? 0 : pos;
		s->replay_pos = pos < 0 ? 0 : pos;
		s->status.playing = false;
		pthread_mutex_unlock(&s->lock);
	}
}

/* While playing: wait for the next tick's recorded time; lock held */
static void wait_play(struct session *s)
{
	long pos = s->replay_pos;
	double gap, due;
	struct timespec abs;

	if (pos + 1 >= (long)s->rec->nr_ticks) {
		s->status.playing = false;
		return;
	}
	gap = recording_offset(s->rec, (size_t)pos + 1) -
	      recording_offset(s->rec, (size_t)pos);
	due = s->replay_step_at + gap / s->status.speed;
	if (now_sec() >= due) {
		s->replay_target = pos + 1;
		s->replay_step_at = due > now_sec() - 1 ? due : now_sec();
		return;
	}
	abs.tv_sec = (time_t)due;
	abs.tv_nsec = (long)((due - (double)abs.tv_sec) * 1e9);
	pthread_cond_timedwait(&s->cond, &s->lock, &abs);
}

void *replay_main(void *arg)
{
	struct session *s = arg;
	long target;

	pthread_mutex_lock(&s->lock);
	while (!s->quit) {
		target = s->replay_target;
		if (target != s->replay_pos) {
			pthread_mutex_unlock(&s->lock);
			go_to(s, target);
			session_notify(s);
			pthread_mutex_lock(&s->lock);
			continue;
		}
		if (s->status.playing) {
			wait_play(s);
			if (!s->status.playing)
				session_notify(s);
			continue;
		}
		pthread_cond_wait(&s->cond, &s->lock);
	}
	pthread_mutex_unlock(&s->lock);
	return NULL;
}
