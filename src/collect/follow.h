/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PW_FOLLOW_H
#define PW_FOLLOW_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "collect/collect.h"
#include "kernel/kmod_journal.h"
#include "model/event.h"
#include "model/track.h"

/*
 * Following a target by its journal: the module's change journal bound to
 * the target, and the ranges it announced since they were last read.
 * Reading them again into a model keeps it as fresh as the kernel's own
 * announcements, whatever the target's size.
 */
struct follow {
	struct collect *c;
	struct kmod_journal journal;
	int64_t mono_to_real_ns;	/* CLOCK_REALTIME - CLOCK_MONOTONIC */
	bool ended;			/* the exited record was read */
	bool overflowed;		/* records were lost: read everything */
	struct snapshot_range *dirty;	/* announced since the last read */
	size_t nr_dirty;
	size_t cap_dirty;
	struct kmod_journal_record recs[KMOD_JOURNAL_BATCH];
	/*
	 * Records that came while ranges were read
	 * (follow_leave_out_raced()): the next follow_events() hands them
	 * out first
	 */
	struct kmod_journal_record stash[KMOD_JOURNAL_BATCH];
	size_t nr_stash;
	/*
	 * Handed every event follow_watch() reads (NULL: none), seen through
	 * its BASE: a recording keeps them. Nonzero stops the watch.
	 */
	int (*on_event)(void *arg, const struct page_event *ev);
	void *on_event_arg;
};

/*
 * Bind the journal to C's target (ring of RING records, 0: the module's
 * default); read the model after this, and nothing it misses goes
 * unannounced. -ENOTSUP when the module is not used or has no journal,
 * else -errno (-ESRCH: the target exited).
 */
int follow_open(struct follow *f, struct collect *c, unsigned int ring);
void follow_close(struct follow *f);

/* Is the journal usable for C (the module, with the journal feature)? */
bool follow_available(const struct collect *c);

/*
 * Up to NR events, each seen through VIEW (NULL: nothing known), the model
 * as it was before them; 0 once the journal ended, -EAGAIN when none is
 * waiting. Their ranges are noted for follow_reread() and
 * follow_take_dirty().
 */
long follow_events(struct follow *f, struct page_event *evs, size_t nr,
		   const struct event_view *view);

/*
 * The ranges announced since the last call, sorted and joined, in
 * *RANGES (valid until the next follow_events()); *ALL when records were
 * lost and everything must be read again. The notes are cleared.
 */
size_t follow_take_dirty(struct follow *f, const struct snapshot_range **ranges,
			 bool *all);

/*
 * After PART was read over RANGES[0..*NR) (sorted, disjoint): the parts
 * of them over which a record came meanwhile leave PART, and *REST gets
 * the ranges without them (*NR of them; the caller frees it), or NULL
 * when no record came (RANGES stand). 0 or -ENOMEM; PART stays the
 * caller's either way. The kernel announces a change before it makes it,
 * so the read may hold a change whose record, not yet read, would then be
 * counted against it (a MADV_DONTNEED of pinned pages counting none):
 * the model keeps its pages there, and those records, handed out by the
 * next follow_events(), announce the parts again.
 */
int follow_leave_out_raced(struct follow *f, struct snapshot *part,
			   const struct snapshot_range *ranges, size_t *nr,
			   struct snapshot_range **rest);

/* Wait up to TIMEOUT_MS for an event: 1, 0, or -errno */
int follow_wait(struct follow *f, int timeout_ms);

/*
 * Read again what was announced since the last call (everything after an
 * overflow) and merge it into MODEL; *PAGES (may be NULL) gets the pages
 * read. -ESRCH once the target is gone.
 */
int follow_reread(struct follow *f, struct snapshot *model, size_t *pages);

/*
 * For SECONDS (or until *STOP): read again what the journal announces, and
 * note in VIA every page seen on another node than in BASE (of the last
 * snapshot of the same target); events are seen through BASE. 0, or
 * -ESRCH once the target is gone, or -errno.
 */
int follow_watch(struct follow *f, const struct track_base *base, double seconds,
		 volatile sig_atomic_t *stop, struct track_via *via);

#endif
