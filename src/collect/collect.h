/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PW_COLLECT_H
#define PW_COLLECT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "collect/sources.h"
#include "model/snapshot.h"

/*
 * The collection step: the sources of one target, opened once, and the
 * snapshots taken from them. Above the kernel readers and the model; the
 * program and the session call it.
 */
struct collect_opts {
	pid_t pid;
	uint64_t range_start;	/* [start, end), end 0 = no range */
	uint64_t range_end;
	const char *vma;	/* pattern, or NULL */
	bool all;		/* also pages with no state */
	bool no_kmod;
	bool no_perf;		/* the session's rates from /proc only */
	bool no_journal;	/* the session polls even with the journal */
	unsigned int threads;	/* page readers; 0: one per CPU, by size */
	const char *kmod_dir;	/* NULL = KMOD_DEFAULT_DIR */
	/*
	 * Summary only (--summary of one snapshot): pages are folded into
	 * snapshot.summaries while they are read and not kept (pages stays
	 * NULL, nr_pages still counts them), and kpagecount, which no
	 * summary count needs, is not read. KEEP (NULL: every page) selects
	 * the pages counted, with KEEP_ARG.
	 */
	bool summary_only;
	/*
	 * One snapshot written once (--snapshot without -n): its pages go to
	 * a spool file, not memory, and are read back from a mapping of it
	 * (snapshot.pages_mapped); they are never added to.
	 */
	bool spool;
	bool (*keep)(const struct snapshot_page *page, const void *arg);
	const void *keep_arg;
};

struct collect {
	struct collect_opts opts;
	struct sources src;
	unsigned int seq;	/* of the last snapshot taken */
};

/*
 * Open the sources for OPTS->pid. Returns -ESRCH (no such process),
 * -EACCES/-EPERM (pagemap not readable), -EPROTO (module ABI mismatch) or
 * another -errno; missing optional sources are noted in C->src.
 */
int collect_open(struct collect *c, const struct collect_opts *opts);
void collect_close(struct collect *c);

/* Take one snapshot; -ESRCH when the target exited during it. */
int collect_snapshot(struct collect *c, struct snapshot *snap);

/*
 * Take a snapshot of every mapping (as collect_snapshot()) but read only
 * the pages within RANGES[0..NR), sorted and disjoint: a part of the
 * address space at a cost in proportion to it (the session's rolling
 * refresh).
 */
int collect_ranges(struct collect *c, struct snapshot *snap,
		   const struct snapshot_range *ranges, size_t nr);

#endif
