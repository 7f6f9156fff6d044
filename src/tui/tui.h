/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PW_TUI_H
#define PW_TUI_H

#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>

#include "model/filter.h"
#include "collect/collect.h"
#include "model/page_store.h"
#include "model/recording.h"

/* The interactive session, as the command line starts it. */
/* A region of the target's with a name it told (the demo's regions) */
struct tui_region {
	uint64_t start;
	uint64_t end;
	const char *name;
};

struct tui_opts {
	double interval;
	struct filter filter;
	bool have_filter;
	const char *filter_text;
	int (*after_first)(void *arg);	/* run once after the first snapshot */
	void *after_arg;
	volatile sig_atomic_t *stop;	/* set by SIGINT/SIGTERM */
	const struct tui_region *regions;	/* names the target gave its */
	size_t nr_regions;			/* regions (the demo's table) */
	/*
	 * --record: each frame the session publishes (its pages in PAGES),
	 * each journal record
	 */
	int (*record_frame)(void *arg, const struct snapshot *frame,
			    const struct page_store *pages);
	int (*record_event)(void *arg, const struct page_event *ev);
	int (*record_note)(void *arg, const struct timespec *time,
			   const char *text);
	void *record_arg;
	/*
	 * --replay: the frames come from this recording; the context then
	 * only describes it (what its sources were), nothing is opened
	 */
	struct recording *replay;
	const char *replay_name;
};

/*
 * Enter and leave the full screen; tui_end() is safe without tui_begin().
 * -ENOTTY for a terminal that cannot move the cursor, -ELIBACC when
 * ncursesw cannot be opened (tui_lib_error() says why).
 */
int tui_begin(void);
void tui_end(void);
const char *tui_lib_error(void);

/*
 * The process picker: 0 with *PID chosen, 1 when the user quit,
 * -errno when the process list cannot be read. A *PID on entry is
 * selected first; NOTE (may be NULL) is shown until a key is pressed
 * (why the last pick could not be watched).
 */
int tui_pick(pid_t *pid, const char *note, volatile sig_atomic_t *stop);

/* Watch CTX's target until the user quits; 0 or -errno. */
int tui_run(struct collect *ctx, const struct tui_opts *opts);

#endif
