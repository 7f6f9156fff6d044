/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PW_TUI_SESSION_H
#define PW_TUI_SESSION_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "kernel/perf_events.h"
#include "collect/collect.h"
#include "collect/follow.h"
#include "model/page_store.h"
#include "model/recording.h"
#include "model/snapshot_merge.h"

/*
 * The interactive session's model, apart from drawing (numatop's split): a
 * collector thread takes snapshots, compares them, keeps the event log and
 * the per-page history, and publishes finished frames; the UI only reads
 * them. Nothing here includes curses.
 */
enum session_event_kind {
	SESSION_EV_MIGRATED,
	SESSION_EV_REPLACED,
	SESSION_EV_DIVERGED,
	SESSION_EV_PINNED,
	SESSION_EV_UNPINNED,
	SESSION_EV_NOTE,
	SESSION_EV_JOURNAL,		/* a change the kernel announced */
	SESSION_EV_NR
};

struct session_event {
	struct timespec time;		/* CLOCK_REALTIME */
	unsigned int kind;
	uint64_t vaddr;
	uint64_t count;			/* > 1: pages of one mapping at once */
	uint64_t old_pfn, new_pfn;
	uint16_t old_node, new_node;
	char text[64];			/* mapping path, or the note */
	/* SESSION_EV_JOURNAL: [vaddr, end), count pages, what and who */
	uint64_t end;
	unsigned int journal_kind;	/* PAGEWATCH_JOURNAL_* */
	uint64_t pinned;		/* pages pinned when last read */
	uint64_t lost;			/* overflow */
	pid_t cause_pid;
	char cause[17];
};

#define SESSION_HIST_MAX	6

/* Node and PFN of a page each time it was seen moving. */
struct session_hist {
	uint64_t vaddr;
	uint32_t moves;
	uint32_t nr;			/* entries kept, the newest last */
	struct {
		uint64_t pfn;
		uint16_t node;
		unsigned int seq;	/* the snapshot it was seen in */
		time_t time;
	} e[SESSION_HIST_MAX];
};

/*
 * A finished snapshot, shared by the collector and the UI: SNAP holds
 * all but the pages (pages NULL, nr_pages their count), STORE the pages,
 * 16 bytes each, in chunks it shares with the frames before and after
 * where a refresh did not change them (model/page_store.h)
 */
struct session_frame {
	int refs;
	struct snapshot snap;
	struct page_store store;
};

/* What the header shows; copied out under the lock. */
struct session_status {
	double interval;
	bool paused;
	bool exited;
	struct timespec exit_time;	/* CLOCK_REALTIME */
	int error;			/* last snapshot's -errno, 0 when fine */
	unsigned int seq;		/* newest frame */
	double rate[PERF_RATE_NR];
	bool rate_known[PERF_RATE_NR];
	unsigned int rate_source[PERF_RATE_NR];
	double collect_cpu;		/* CPU seconds of the last refresh */
	double snap_every;		/* seconds between refreshes */
	uint64_t moved;			/* pages migrated at the last refresh */
	/*
	 * Rolling refresh (refresh.c): each refresh reads the focus (the
	 * selected mapping, or FOCUS_BYTES of it around the cursor) and one
	 * slice of the rest; all mappings are read every CYCLE seconds,
	 * measured once a cycle has ended (CYCLE_MEASURED), estimated before.
	 */
	bool rolling;
	/*
	 * Live (journal.c's records drive it): each refresh reads what the
	 * kernel announced since the last one, and a slice of the rest as a
	 * safety net; all mappings are read every CYCLE seconds.
	 */
	bool live;
	/*
	 * Live: seconds from the oldest record a refresh logged to the end
	 * of that refresh (the change is on screen then), the largest over
	 * the last few refreshes
	 */
	double journal_lag;
	double journal_lag_worst;	/* the largest since the session began */
	bool cycle_measured;
	double cycle;
	uint64_t focus_bytes;
	bool focus_whole;		/* the focus is the whole mapping */
	/* --replay: where in the recording the frame is (replay.c) */
	bool replay;
	bool playing;
	double speed;			/* 1: the recorded pace */
	size_t tick;
	size_t nr_ticks;
	double offset;			/* seconds from the first tick */
	double length;			/* seconds from the first to the last */
	struct timespec tick_time;	/* when the frame was recorded */
};

#define SESSION_EVENTS_MAX	4096
/* More changes than this in one refresh are logged per mapping. */
#define SESSION_EVENTS_AGGREGATE	64
/*
 * Share of one CPU the refreshes may use: past it, each refresh reads the
 * focus and a slice of the rest instead of the whole address space.
 */
#define SESSION_CPU_BUDGET	0.03
/* The focus takes at most this share of a refresh's pages. */
#define SESSION_FOCUS_SHARE	0.5

struct session {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	pthread_t thread;
	bool started;
	int notify[2];			/* collector -> UI: one byte per news */

	struct collect *ctx;	/* borrowed; only the collector uses it */
	struct perf_events perf;
	struct perf_sample last_sample;
	bool have_sample;
	int (*after_first)(void *arg);	/* e.g. the demo's divergence */
	void *after_arg;

	bool quit;
	struct session_status status;
	struct session_frame *latest;	/* newest published frame */

	struct session_event *events;	/* ring */
	size_t ev_head, ev_count;
	uint64_t ev_total;

	struct session_hist *hist;	/* sorted by vaddr */
	size_t nr_hist;
	size_t cap_hist;
	double last_refresh;		/* now_sec() of the last one, 0 before */
	double last_slice;		/* ... and of the last live safety slice */

	/* what the UI looks at: session_set_focus() */
	uint64_t focus_start, focus_end, focus_cursor;
	/* the collector's own: the rolling refresh */
	uint64_t scan_pos;		/* the next slice starts here */
	double cycle_start;		/* CLOCK_MONOTONIC */
	double page_cost;		/* CPU seconds a page read costs */
	double fixed_cost;		/* and a refresh besides its pages */
	double read_cpu;		/* the last slice's reading */
	struct follow follow;		/* the journal, when live */
	bool follow_ok;
	/* what the log's events are stamped with (NULL: the clock) */
	const struct timespec *stamp;
	/* --record: each published frame and each journal record read */
	int (*record_frame)(void *arg, const struct snapshot *frame,
			    const struct page_store *pages);
	int (*record_event)(void *arg, const struct page_event *ev);
	int (*record_note)(void *arg, const struct timespec *time,
			   const char *text);
	void *record_arg;
	/*
	 * --replay: frames come from a recording (replay.c) instead of the
	 * collection step; the UI asks for a tick, the collector builds it
	 */
	struct recording *rec;
	long replay_pos;		/* the tick of the latest frame, or -1 */
	long replay_target;		/* the tick asked for */
	double replay_step_at;		/* CLOCK_MONOTONIC of the last step */
};

/* Set up for CTX's target; the collector starts with session_start(). */
int session_init(struct session *s, struct collect *ctx, double interval);
/* collector.c: the collector thread, started and joined */
int session_start(struct session *s);
void session_stop(struct session *s);
/* Free what session_init() set up; the collector must be stopped. */
void session_free(struct session *s);

/* The fd the UI polls; session_drain() empties it. */
int session_fd(const struct session *s);
void session_drain(struct session *s);

/* The newest frame with a reference, or NULL; give it back with put. */
struct session_frame *session_frame_get(struct session *s);
void session_frame_put(struct session *s, struct session_frame *frame);

void session_get_status(struct session *s, struct session_status *status);
void session_set_interval(struct session *s, double interval);
void session_set_paused(struct session *s, bool paused);

/* Events: I = 0 is the newest; false past the last one. */
bool session_event(struct session *s, size_t i, struct session_event *ev);
size_t session_nr_events(struct session *s);

/* History of the page at VADDR; false when it never moved. */
bool session_history(struct session *s, uint64_t vaddr, struct session_hist *hist);

/* Pages of [START, END) seen migrating since the session started. */
uint64_t session_moved_in(struct session *s, uint64_t start, uint64_t end);

/*
 * The model step, without the thread (tests call it): log what changed
 * from PREV to CUR (CUR compared with track_compare_store()) and extend
 * the history. Takes the lock.
 */
int session_apply(struct session *s, const struct session_frame *prev,
		  const struct snapshot *cur);

/*
 * F (zeroed, refs aside): the frame of PART, read over RANGES[0..NR)
 * (sorted, disjoint), with MODEL's pages elsewhere as last observed while
 * their mapping stays (page_store_merge()); PART's mappings and changes
 * move to F. MODEL may be NULL.
 */
int session_frame_make(struct session_frame *f,
		       const struct session_frame *model, struct snapshot *part,
		       const struct snapshot_range *ranges, size_t nr);
/* F as the journal's events see it (event_from_record()) */
void session_frame_view(const struct session_frame *f, struct event_view *view);
/* Free what a frame holds (not F itself) */
void session_frame_clear(struct session_frame *f);

/*
 * The UI looks at [START, END) (the selected mapping), around CURSOR: the
 * rolling refresh reads it at every refresh.
 */
void session_set_focus(struct session *s, uint64_t start, uint64_t end,
		       uint64_t cursor);

/* refresh.c: one refresh, full or rolling as the CPU budget decides */
struct track_pin_query;
/*
 * One rolling refresh: compare PART with MODEL's pages (each page with its
 * previous observation), log what changed, merge into MERGED (the tests
 * call it).
 */
int refresh_step(struct session *s, const struct session_frame *model,
		 struct snapshot *part, const struct snapshot_range *ranges,
		 size_t nr, const struct track_pin_query *query,
		 struct session_frame *merged);
/*
 * Take, compare and publish one refresh; account for its cost. False when
 * a live look at the journal found nothing to refresh.
 */
bool refresh_run(struct session *s);

/* replay.c: the collector of a replay, and what the UI asks of it */
void *replay_main(void *arg);
/* Show tick TICK (clamped to the recording) */
void session_replay_seek(struct session *s, long tick);
/* The tick after (DIR 1) or before (-1) the shown one where pages changed */
long session_replay_next_change(struct session *s, int dir);
void session_replay_play(struct session *s, bool playing, double speed);
/* Empty the event log and the histories (a replay going back) */
void session_reset_log(struct session *s);

/* Add a note to the log (at WHEN: a replay's; NULL: now). */
void session_note(struct session *s, const char *text);
void session_note_at(struct session *s, const char *text,
		     const struct timespec *when);

/* Add a journal record to the log. */
void session_journal_event(struct session *s, const struct page_event *ev);

const char *session_event_name(unsigned int kind);

/* For the collector (collector.c): wake the UI; add an event, lock held. */
void session_notify(struct session *s);
struct session_event *session_push_event(struct session *s, unsigned int kind);

#endif
