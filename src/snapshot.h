/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PW_SNAPSHOT_H
#define PW_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include <pagewatch/abi.h>

#include "kmod_client.h"
#include "kpage.h"
#include "maps.h"
#include "numa_topo.h"
#include "procs.h"

/*
 * The per-page model. Sinks and the TUI read it; only snapshot.c and
 * track.c fill it.
 *
 * snapshot_page.flags: bits 0..31 are the module's PAGEWATCH_PAGE_* bits
 * (filled from pagemap/kpageflags where the module is absent); the bits
 * from 32 on are pagewatch's own: facts from pagemap, tracking results, and
 * SNAPSHOT_KNOWN_* bits telling which fields hold real values.
 */
#define SNAPSHOT_PAGE_SOFT_DIRTY	32
#define SNAPSHOT_PAGE_EXCLUSIVE		33	/* pagemap: mapped once */
#define SNAPSHOT_PAGE_UFFD_WP		34
#define SNAPSHOT_PAGE_GUARD		35
#define SNAPSHOT_PAGE_MIGRATED		36	/* node or PFN changed */
#define SNAPSHOT_PAGE_DIVERGED		37	/* PFN changed, old still pinned */
#define SNAPSHOT_PAGE_NR_FLAGS		38

#define SNAPSHOT_KNOWN_PFN		48	/* pfn (CAP_SYS_ADMIN or module) */
#define SNAPSHOT_KNOWN_NODE		49
#define SNAPSHOT_KNOWN_MAPCOUNT		50	/* kpagecount or module */
#define SNAPSHOT_KNOWN_THP		51	/* kpageflags or module */
#define SNAPSHOT_KNOWN_KMOD		52	/* the module's record */
#define SNAPSHOT_KNOWN_MIGRATED		53	/* compared with an older page */
#define SNAPSHOT_KNOWN_DIVERGED		54

#define SNAPSHOT_BIT(bit)		(1ULL << (bit))

struct snapshot_page {
	uint64_t vaddr;
	uint64_t pfn;		/* swap offset for swap entries */
	uint64_t flags;
	uint32_t refcount;
	uint32_t mapcount;
	uint32_t pincount;
	uint32_t mapping;	/* index into snapshot.mappings */
	uint16_t node;		/* PAGEWATCH_NODE_NONE when none or unknown */
	uint8_t order;
	uint8_t swap_type;
};

struct snapshot_summary;

/* Sources a snapshot could use: one table, snapshot_source_name(). */
enum snapshot_source {
	SNAPSHOT_SRC_PAGEMAP,
	SNAPSHOT_SRC_PAGEMAP_SCAN,
	SNAPSHOT_SRC_PFN,
	SNAPSHOT_SRC_KPAGEFLAGS,
	SNAPSHOT_SRC_KPAGECOUNT,
	SNAPSHOT_SRC_SYSFS_NODE,
	SNAPSHOT_SRC_KMOD,
	SNAPSHOT_SRC_KMOD_KPAGE,
	SNAPSHOT_SRC_KMOD_SEEK,
	SNAPSHOT_SRC_LIBNUMA,
	SNAPSHOT_SRC_LIBPROC2,
	SNAPSHOT_SRC_NR
};

/* A previous value of a page that track.c found migrated. */
struct snapshot_change {
	size_t page;		/* index into snapshot.pages */
	uint64_t old_pfn;
	uint16_t old_node;
};

struct snapshot {
	unsigned int seq;	/* 1 for the first snapshot of a run */
	pid_t pid;
	struct procs_info proc;
	char kernel[65];
	struct timespec time;
	unsigned int sources;	/* 1 << SNAPSHOT_SRC_* */
	unsigned int kmod_abi;	/* 0 without the module */
	int nr_nodes;
	const int *online;	/* borrowed from the context */
	int nr_online;
	uint64_t range_start;
	uint64_t range_end;
	bool all;

	struct maps_entry *mappings;
	size_t nr_mappings;
	struct snapshot_page *pages;	/* sorted by vaddr */
	size_t nr_pages;
	size_t cap_pages;

	struct snapshot_summary *summaries;	/* opts.summary_only */
	size_t nr_summaries;

	bool tracked;		/* compared with an older snapshot */
	struct snapshot_change *changes;	/* sorted by page */
	size_t nr_changes;
};

struct snapshot_opts {
	pid_t pid;
	uint64_t range_start;	/* [start, end), end 0 = no range */
	uint64_t range_end;
	const char *vma;	/* pattern, or NULL */
	bool all;		/* also pages with no state */
	bool no_kmod;
	bool no_perf;		/* the session's rates from /proc only */
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
	bool (*keep)(const struct snapshot_page *page, const void *arg);
	const void *keep_arg;
};

/* Long-lived collectors, opened once and reused for every snapshot. */
struct snapshot_ctx {
	struct snapshot_opts opts;
	int pagemap_fd;
	bool scan_ok;		/* PAGEMAP_SCAN works here */
	bool kmod_seek_ok;	/* else the module finds the regions */
	bool cap_sys_admin;
	struct kpage kpage;
	bool kpage_ok;
	int kpage_err;
	struct numa_topo topo;
	bool topo_ok;
	struct kmod kmod;
	bool kmod_ok;
	int kmod_err;		/* why not: -ENOENT, -EACCES, -EPROTO... */
	unsigned int seq;
};

/*
 * Open the collectors for OPTS->pid. Returns -ESRCH (no such process),
 * -EACCES/-EPERM (pagemap not readable), -EPROTO (module ABI mismatch) or
 * another -errno; missing optional sources are noted in the context.
 */
int snapshot_ctx_open(struct snapshot_ctx *ctx, const struct snapshot_opts *opts);
void snapshot_ctx_close(struct snapshot_ctx *ctx);

/* Take one snapshot; -ESRCH when the target exited during it. */
int snapshot_take(struct snapshot_ctx *ctx, struct snapshot *snap);
void snapshot_free(struct snapshot *snap);

/* [start, end) of the target's address space */
struct snapshot_range {
	uint64_t start;
	uint64_t end;
};

/*
 * Take a snapshot of every mapping (as snapshot_take()) but read only the
 * pages within RANGES[0..NR), sorted and disjoint: a part of the address
 * space at a cost in proportion to it (the session's rolling refresh).
 */
int snapshot_take_ranges(struct snapshot_ctx *ctx, struct snapshot *snap,
			 const struct snapshot_range *ranges, size_t nr);

/* Append PAGE to SNAP (tests and collectors build models with it). */
int snapshot_add_page(struct snapshot *snap, const struct snapshot_page *page);

/* Index of the first page of SNAP at or after VADDR (nr_pages if none). */
size_t snapshot_page_index(const struct snapshot *snap, uint64_t vaddr);

const char *snapshot_source_name(unsigned int src);

static inline bool snapshot_has(const struct snapshot *snap, unsigned int src)
{
	return snap->sources & (1U << src);
}

static inline bool snapshot_page_test(const struct snapshot_page *page,
				      unsigned int bit)
{
	return page->flags & SNAPSHOT_BIT(bit);
}

/* Per-mapping counts for --summary; one table of names in snapshot.c. */
enum snapshot_count {
	SNAPSHOT_COUNT_RESIDENT,
	SNAPSHOT_COUNT_SWAPPED,
	SNAPSHOT_COUNT_THP,
	SNAPSHOT_COUNT_PINNED,
	SNAPSHOT_COUNT_PROTNONE,
	SNAPSHOT_COUNT_MIGRATED,
	SNAPSHOT_COUNT_DIVERGED,
	SNAPSHOT_COUNT_NR
};

struct snapshot_summary {
	size_t mapping;
	uint64_t count[SNAPSHOT_COUNT_NR];
	bool known[SNAPSHOT_COUNT_NR];
	uint64_t *node_pages;	/* resident pages per node, nr_nodes long */
};

const char *snapshot_count_name(unsigned int count);

/* Does PAGE count as count C? */
bool snapshot_page_counts(const struct snapshot_page *page, unsigned int c);

/*
 * One summary per mapping that has pages KEEP accepts (every page when
 * KEEP is NULL). Free with snapshot_summary_free().
 */
int snapshot_summarize(const struct snapshot *snap,
		       bool (*keep)(const struct snapshot_page *, const void *),
		       const void *arg, struct snapshot_summary **summaries,
		       size_t *nr);
void snapshot_summary_free(struct snapshot_summary *summaries, size_t nr);

#endif
