/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PW_EVENT_H
#define PW_EVENT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "kernel/kmod_journal.h"
#include "model/snapshot.h"

/*
 * A change the kernel announced for a range of the target's address space
 * (a journal record), with what the model knew of that range when it was
 * last read: the mapping at its start and the pages that were pinned, which
 * a device that does not listen to MMU notifiers may now hold stale.
 */
struct page_event {
	uint64_t seq;
	struct timespec time;		/* CLOCK_REALTIME */
	unsigned int kind;		/* PAGEWATCH_JOURNAL_* */
	uint64_t start;
	uint64_t end;
	uint64_t lost;			/* overflow: records dropped */
	bool blockable;
	pid_t cause_pid;
	char cause_comm[17];
	const char *vma;		/* NULL: no mapping at start, or none */
	uint64_t pinned_pages;
	bool pinned_known;		/* the model had the module's pins */
};

/* Does the record carry an address range? (not overflow or exited) */
bool event_has_range(const struct page_event *ev);

/* Pages of [start, end) */
uint64_t event_pages(const struct page_event *ev);

/*
 * What an event is seen through: the model's mappings and pins before it,
 * a snapshot's (event_view_of_snapshot()) or the compact base repeated
 * snapshots keep (track_base_view())
 */
struct event_view {
	const struct maps_entry *mappings;	/* sorted by address */
	size_t nr_mappings;
	bool pinned_known;	/* the model had the module's pins */
	/* pages of [START, END) of MODEL last seen maybe pinned */
	uint64_t (*pinned_in)(const void *model, uint64_t start, uint64_t end);
	const void *model;
};

void event_view_of_snapshot(struct event_view *view,
			    const struct snapshot *snap);

/*
 * EV from REC, with MONO_TO_REAL_NS added to its monotonic time and what
 * VIEW (NULL: nothing known) holds of its range. EV->vma points into
 * VIEW's mappings.
 */
void event_from_record(struct page_event *ev,
		       const struct kmod_journal_record *rec,
		       int64_t mono_to_real_ns, const struct event_view *view);

/* The kind's name ("unmap", "clear"...) */
const char *event_kind_name(const struct page_event *ev);

#endif
