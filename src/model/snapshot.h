/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PW_SNAPSHOT_H
#define PW_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include <pagewatch/abi.h>

#include "kernel/maps.h"
#include "kernel/procs.h"

/*
 * The per-page model: what one pass over a target found, every source
 * merged. The collection step (src/collect/) fills it, track.c compares two
 * of them, snapshot_merge.c folds a partial one into another; sinks and the
 * session only read it.
 *
 * snapshot_page.flags holds three parts, each with its own names:
 *   bits  0..31  facts of the module's record, PAGEWATCH_PAGE_* (filled
 *                from pagemap and kpageflags where the module is absent);
 *   bits 32..47  facts pagewatch adds, SNAPSHOT_PAGE_* below (from pagemap,
 *                and tracking results);
 *   bits 48..63  which fields hold real values, SNAPSHOT_KNOWN_* below.
 * snapshot_page_test() reads a fact of the first two parts (one table of
 * names covers both: abi_names.c and fields.c), snapshot_page_known() the
 * third.
 */
#define SNAPSHOT_FLAGS_KMOD		0x00000000ffffffffULL
#define SNAPSHOT_FLAGS_OWN		0x0000ffff00000000ULL
#define SNAPSHOT_FLAGS_KNOWN		0xffff000000000000ULL

/* Facts pagewatch adds: bits of the second part */
#define SNAPSHOT_PAGE_SOFT_DIRTY	32
#define SNAPSHOT_PAGE_EXCLUSIVE		33	/* pagemap: mapped once */
#define SNAPSHOT_PAGE_UFFD_WP		34
#define SNAPSHOT_PAGE_GUARD		35
#define SNAPSHOT_PAGE_MIGRATED		36	/* seen on another node */
#define SNAPSHOT_PAGE_DIVERGED		37	/* PFN changed, old still pinned */
#define SNAPSHOT_PAGE_REPLACED		38	/* the address maps another page */
#define SNAPSHOT_PAGE_NR_FLAGS		39

/* Which fields are known: bits of the third part */
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

/* Per-mapping counts for --summary: names in snapshot_summary.c. */
enum snapshot_count {
	SNAPSHOT_COUNT_RESIDENT,
	SNAPSHOT_COUNT_SWAPPED,
	SNAPSHOT_COUNT_THP,
	SNAPSHOT_COUNT_PINNED,
	SNAPSHOT_COUNT_PROTNONE,
	SNAPSHOT_COUNT_MIGRATED,
	SNAPSHOT_COUNT_DIVERGED,
	SNAPSHOT_COUNT_REPLACED,
	SNAPSHOT_COUNT_HUGETLB,
	SNAPSHOT_COUNT_NR
};

struct snapshot_summary {
	size_t mapping;
	uint64_t count[SNAPSHOT_COUNT_NR];
	bool known[SNAPSHOT_COUNT_NR];
	uint64_t *node_pages;	/* resident pages per node, nr_nodes long */
	uint64_t *node_hugetlb;	/* of those, hugetlb; in node_pages' block */
};

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
	SNAPSHOT_SRC_KMOD_DEVICE,	/* through /dev/pagewatch, not debugfs */
	SNAPSHOT_SRC_LIBNUMA,
	SNAPSHOT_SRC_LIBPROC2,
	SNAPSHOT_SRC_MOVE_PAGES,	/* nodes from move_pages(2), no PFN */
	SNAPSHOT_SRC_KMOD_COUNT,	/* the module counted a summary's pages */
	SNAPSHOT_SRC_NR
};

/* A previous value of a page that track.c found migrated. */
struct snapshot_change {
	size_t page;		/* index into snapshot.pages */
	uint64_t old_pfn;
	uint16_t old_node;
	/*
	 * A node the page was seen on between the two snapshots, other than
	 * its new one (the journal made pagewatch read it in between), or
	 * PAGEWATCH_NODE_NONE
	 */
	uint16_t via_node;
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
	/*
	 * Bytes of a read-only mapping of a spool file that PAGES points to
	 * (one snapshot streamed to its sink), 0 when PAGES is malloc'd:
	 * such pages are read, never added to.
	 */
	size_t pages_mapped;
	/*
	 * With PAGES_MAPPED, the spool file it maps, owned by the snapshot:
	 * a sink that reads the pages once in order copies a window at a
	 * time from it (output.c) rather than map each page, which costs
	 * more than the copy where page tables are dear (a virtual machine).
	 */
	int spool_fd;
	/*
	 * The index of PAGES[0] in the snapshot: 0, but for a window's copy
	 * of the snapshot, whose PAGES holds only some (snapshot_page_at())
	 */
	size_t pages_from;

	struct snapshot_summary *summaries;	/* opts.summary_only */
	size_t nr_summaries;

	bool tracked;		/* compared with an older snapshot */
	struct snapshot_change *changes;	/* sorted by page */
	size_t nr_changes;
};

/* Page INDEX of SNAP, which may be a window's copy (pages_from) */
static inline const struct snapshot_page *
snapshot_page_at(const struct snapshot *snap, size_t index)
{
	return &snap->pages[index - snap->pages_from];
}

/* [start, end) of the target's address space */
struct snapshot_range {
	uint64_t start;
	uint64_t end;
};

/* Free what a snapshot holds; SNAP is left empty. */
void snapshot_free(struct snapshot *snap);

/* Append PAGE to SNAP (tests and collectors build models with it). */
int snapshot_add_page(struct snapshot *snap, const struct snapshot_page *page);

/*
 * The pages [FROM, TO) of SNAP will not be read again soon: the memory of
 * a mapped page array gives them back (they are read again from the spool
 * if they are; the memory page that holds TO stays); nothing for a
 * malloc'd one.
 */
void snapshot_pages_release(const struct snapshot *snap, size_t from,
			    size_t to);

/*
 * ADVICE (madvise(2)) over the memory pages from the one that holds START
 * up to the one that holds END, that one left out: for the mapped arrays
 * of the model (a spooled snapshot's pages, a tracking base)
 */
void snapshot_madvise(const void *start, const void *end, int advice);

/*
 * The pages [FROM, TO) of SNAP are about to be written (a comparison marks
 * each): a mapped page array has them made writable in one go rather
 * than a fault each; nothing for a malloc'd one.
 */
void snapshot_pages_prefault(const struct snapshot *snap, size_t from,
			     size_t to);

/* Index of the first page of SNAP at or after VADDR (nr_pages if none). */
size_t snapshot_page_index(const struct snapshot *snap, uint64_t vaddr);
/*
 * The same, for a VADDR at or after page FROM's: it steps, then gallops,
 * so that a walk in address order costs the distance's logarithm, not
 * the distance (the session compares a few scattered pages with a
 * model of millions)
 */
size_t snapshot_page_seek(const struct snapshot *snap, size_t from,
			  uint64_t vaddr);

const char *snapshot_source_name(unsigned int src);

static inline bool snapshot_has(const struct snapshot *snap, unsigned int src)
{
	return snap->sources & (1U << src);
}

/* Pages' nodes are known: the module, the PFN map or move_pages(2) */
static inline bool snapshot_nodes_known(const struct snapshot *snap)
{
	return snapshot_has(snap, SNAPSHOT_SRC_KMOD) ||
	       snapshot_has(snap, SNAPSHOT_SRC_SYSFS_NODE) ||
	       snapshot_has(snap, SNAPSHOT_SRC_MOVE_PAGES);
}

/* Is fact BIT (PAGEWATCH_PAGE_* or SNAPSHOT_PAGE_*) true of PAGE? */
static inline bool snapshot_page_test(const struct snapshot_page *page,
				      unsigned int bit)
{
	return page->flags & SNAPSHOT_BIT(bit);
}

/* Does PAGE hold a real value for what KNOWN (SNAPSHOT_KNOWN_*) names? */
static inline bool snapshot_page_known(const struct snapshot_page *page,
				       unsigned int known)
{
	return page->flags & SNAPSHOT_FLAGS_KNOWN & SNAPSHOT_BIT(known);
}

/* Free what snapshot_summarize() made (snapshot_free() frees a snapshot's). */
void snapshot_summary_free(struct snapshot_summary *summaries, size_t nr);

#endif
