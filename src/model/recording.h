/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PW_RECORDING_H
#define PW_RECORDING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "model/event.h"
#include "model/snapshot.h"

/*
 * A recording (pagewatch(5)): JSON Lines, a header, the first full state,
 * then per tick the pages that changed and the events seen. This is its
 * model: the reader of the text (writing it is a sink's business,
 * src/sinks/record.c) and the state at any tick, rebuilt from the deltas.
 * It reads no kernel, so it lives in the model, below the collection
 * step, the sinks and the session that consume its snapshots.
 */
#define RECORDING_VERSION	1

/* A tracking result of one tick: snapshot_change by address */
struct recording_change {
	uint64_t vaddr;
	uint64_t old_pfn;
	uint16_t old_node;
	uint16_t via_node;
};

struct recording_event {
	struct page_event ev;	/* ev.vma points to vma */
	char *vma;
};

/* A line of the session's log that no page made (the demo's, an exit) */
struct recording_note {
	struct timespec time;
	char text[64];
};

/* A region of the target's with the name it told (the demo's table) */
struct recording_region {
	uint64_t start;
	uint64_t end;
	char *name;
};

/* N pages of the state before, consecutive there from VADDR: flags ^= XOR */
struct recording_flags {
	uint64_t vaddr;
	uint64_t n;
	uint64_t xor;
};

/* One tick: what changed since the one before (tick 0: everything) */
struct recording_tick {
	unsigned int seq;
	struct timespec time;
	char state;
	int threads;
	unsigned long rss_kib;
	bool tracked;
	size_t nr_state_pages;		/* pages of the state after it */
	struct maps_entry *mappings;	/* NULL: those of the tick before */
	size_t nr_mappings;
	struct snapshot_page *pages;	/* new or changed, sorted by vaddr */
	size_t nr_pages;
	uint64_t *gone;			/* addresses no longer present */
	size_t nr_gone;
	struct recording_flags *flags;	/* pages whose flags alone changed */
	size_t nr_flags;
	struct recording_change *changes;
	size_t nr_changes;
	struct recording_event *events;	/* seen before this tick's state */
	size_t nr_events;
	struct recording_note *notes;	/* logged before this tick's state */
	size_t nr_notes;
	size_t line;			/* of its tick line */
};

struct recording {
	unsigned int version;
	pid_t pid;
	char command[64];
	char user[64];
	char kernel[65];
	unsigned int sources;
	unsigned int kmod_abi;
	int nr_nodes;
	int *online;
	int nr_online;
	uint64_t range_start;
	uint64_t range_end;
	bool all;
	char *vma;		/* --vma of the recording run, or NULL */
	double interval;
	bool journal;		/* events are the module's journal records */
	struct recording_region *regions;
	size_t nr_regions;

	struct recording_tick *ticks;
	size_t nr_ticks;
	size_t cap_ticks;
	bool complete;		/* its end line was read */

	/* a reading that stopped: where and why (ticks before it stay) */
	size_t error_line;
	char error[160];

	/* the state last built, to step forward from it */
	struct snapshot cur;
	long cur_tick;		/* -1: none */
};

/*
 * Read the recording TEXT[0..LEN) into REC. 0 when it is whole; -EINVAL
 * when a line is malformed or the text is cut short (REC->error_line and
 * REC->error say where and what; the ticks read before it can still be
 * replayed), -EPROTONOSUPPORT for a newer format version, -ENOMEM.
 */
int recording_parse(struct recording *rec, const char *text, size_t len);

/*
 * Read the file PATH (gzip or plain: zlib tells them apart by content)
 * as recording_parse(); -errno of the file as well.
 */
int recording_load(struct recording *rec, const char *path);

void recording_free(struct recording *rec);

/*
 * The state at tick TICK into SNAP (a snapshot as the live run made it,
 * freed by snapshot_free()); 0, -ERANGE or -ENOMEM.
 */
int recording_state(struct recording *rec, size_t tick, struct snapshot *snap);

/* A tick where a page came, went, or moved (another PFN or node) */
struct recording_move {
	size_t tick;
	bool gone;
	uint64_t pfn;
	uint16_t node;
};

/*
 * The moves of the page at VADDR across the whole recording, the first
 * MAX of them into OUT; returns how many there are.
 */
size_t recording_page_moves(const struct recording *rec, uint64_t vaddr,
			    struct recording_move *out, size_t max);

/* The last tick at or before TIME (0 when TIME is before the first) */
size_t recording_tick_at(const struct recording *rec, const struct timespec *time);

/* Seconds from the first tick to TICK */
double recording_offset(const struct recording *rec, size_t tick);

/*
 * Parse a point in REC: "+SECONDS" from the start, an RFC 3339 time as
 * the recording prints them, or "end"; the tick in *TICK. -EINVAL.
 */
int recording_parse_time(const struct recording *rec, const char *text,
			 size_t *tick);

/*
 * Keep only the mappings of SNAP that [START, END) (END 0: all) and VMA
 * (NULL: all) select, and their pages, as a live run with --range and
 * --vma would have read them. 0 or -ENOMEM.
 */
int recording_select(struct snapshot *snap, uint64_t start, uint64_t end,
		     const char *vma);

#endif
