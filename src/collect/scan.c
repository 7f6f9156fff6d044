// SPDX-License-Identifier: GPL-2.0
/*
 * Running the readers of one collection: list the populated regions (with
 * PAGEMAP_SCAN, 6.7+, or the module's SEEK_DATA), size the keeper from
 * their page count, cut them into parts that the reader threads take one
 * after the other, and join the readers; without a list (6.1 without the
 * module, --all, or a refresh's ranges of a few pages each) one reader
 * walks every page of every piece, or, for thousands of small ranges, the
 * threads take parts of them.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

#include "collect/reader.h"
#include "collect/scan.h"

/* A reader thread pays for itself from about this many pages on */
#define SCAN_PAGES_PER_THREAD	(64 * 1024)
#define SCAN_MAX_THREADS	16

static unsigned int scan_threads(unsigned int wanted, uint64_t pages)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	uint64_t n = wanted;

	if (!n) {
		n = cpus > 0 ? (uint64_t)cpus : 1;
		if (n > pages / SCAN_PAGES_PER_THREAD)
			n = pages / SCAN_PAGES_PER_THREAD;
	}
	if (n > SCAN_MAX_THREADS)
		n = SCAN_MAX_THREADS;
	return n ? (unsigned int)n : 1;
}

/* Read every page of every piece (no region list: before 6.7, or --all). */
static int read_pieces(struct reader *r, const struct snapshot_range *ranges,
		       size_t nr_ranges, struct page_consumer *c)
{
	struct pieces it;
	uint64_t start, end;
	size_t i;
	int err;

	pieces_init(&it, r->snap, ranges, nr_ranges);
	while (pieces_next(&it, &i, &start, &end)) {
		err = reader_range(r, i, start, end, c);
		if (err)
			return err;
	}
	return 0;
}

/* One reader for the whole snapshot; LIST NULL: read every page. */
static int read_alone(const struct sources *src, struct snapshot *snap,
		      const struct snapshot_range *ranges, size_t nr_ranges,
		      const struct region_list *list, struct keeper *keeper)
{
	struct page_consumer *c;
	struct reader r;
	uint64_t cap;
	bool exact = true;
	int err;

	if (list) {
		cap = list->pages;
	} else if (snap->all) {
		cap = pieces_count_pages(snap, ranges, nr_ranges);
	} else if (ranges) {
		/* at most every page of them: a refresh's small ranges */
		cap = pieces_count_pages(snap, ranges, nr_ranges);
		exact = false;
	} else {
		/* before 6.7 the resident set is the first guess */
		cap = snap->proc.rss_kib / 4 + 1024;
		exact = false;
	}
	err = keeper->ops->split(keeper, 1, &cap, exact);
	if (err)
		return err;
	c = keeper->ops->consumer(keeper, 0);
	err = reader_init(&r, src, snap, keeper);
	if (!err)
		err = list ? reader_regions(&r, list->v, list->nr, c) :
			     read_pieces(&r, ranges, nr_ranges, c);
	reader_free(&r);
	return err ? err : keeper->ops->finish(keeper);
}

/*
 * The pages are cut into parts of SCAN_PART_PAGES (up to
 * SCAN_PARTS_PER_THREAD a thread), which the threads take one after the
 * other, so that they finish together: a part costs what its PFNs cost
 * more than what its pages count (kpageflags is read a window per run of
 * nearby PFNs). The first half of a dense 4 GiB target had 73,961 breaks
 * between PFNs and the second 27,675, and the /proc floor took 133-160 ms
 * over the first against 77-78 ms over the second (the 6.18 host,
 * 2026-12-03). Small parts also keep a reader's batch buffers small: they
 * are made present only as far as a batch reaches (keep_make_present()),
 * and first touches are dear in a virtual machine. Two threads' JSON of
 * that target took 207-211 ms of CPU and 10 MB at most with 8 parts a
 * thread, 197-200 ms and 6 MB with 32 (parts of 16 Ki pages).
 */
#define SCAN_PARTS_PER_THREAD	32
#define SCAN_PART_PAGES		(16 * 1024)

/* The parts of a collection: part J is CUT[FIRST[J]..FIRST[J + 1]) */
struct parts {
	const struct region *cut;
	const size_t *first;
	unsigned int nr;
	atomic_uint next;	/* the next part to take */
	struct keeper *keeper;
};

struct share {
	struct reader r;
	struct parts *parts;
	int err;
	pthread_t thread;
	bool started;
};

/* Read parts until none is left, or a reader failed */
static void *share_main(void *arg)
{
	struct share *sh = arg;
	struct parts *p = sh->parts;
	struct keeper *k = p->keeper;
	unsigned int j;

	while (!sh->err && (j = atomic_fetch_add(&p->next, 1)) < p->nr) {
		if (atomic_load(sh->r.failed)) {
			sh->err = -ECANCELED;
			break;
		}
		sh->err = reader_regions(&sh->r, p->cut + p->first[j],
					 p->first[j + 1] - p->first[j],
					 k->ops->consumer(k, j));
		if (k->ops->done)
			k->ops->done(k, j);
	}
	if (sh->err)
		atomic_store(sh->r.failed, 1);
	return NULL;
}

/*
 * Run the N readers, the first on this thread; a thread that could not
 * start leaves its parts to the others. The first real failure.
 */
static int run_shares(struct share *sh, unsigned int n)
{
	int err = 0;

	for (unsigned int k = 1; k < n; k++)
		sh[k].started = !pthread_create(&sh[k].thread, NULL,
						share_main, &sh[k]);
	share_main(&sh[0]);
	for (unsigned int k = 1; k < n; k++)
		if (sh[k].started)
			pthread_join(sh[k].thread, NULL);
	/* the first real failure, not the ECANCELED of those it stopped */
	for (unsigned int k = 0; k < n; k++)
		if (sh[k].err && (!err || err == -ECANCELED))
			err = sh[k].err;
	return err;
}

/* How many parts N readers take PAGES in */
static unsigned int scan_parts(unsigned int n, uint64_t pages)
{
	uint64_t nr = (uint64_t)n * SCAN_PARTS_PER_THREAD;

	if (nr > pages / SCAN_PART_PAGES)
		nr = pages / SCAN_PART_PAGES;
	return nr > n ? (unsigned int)nr : n;
}

/*
 * N reader threads over the parts of the regions of LIST; EXACT: every
 * page of LIST is populated (listed), else some may be holes.
 */
static int read_shared(const struct sources *src, struct snapshot *snap,
		       const struct region_list *list, unsigned int n,
		       bool exact, struct keeper *keeper)
{
	unsigned int nr = scan_parts(n, list->pages);
	struct parts parts = { .nr = nr, .keeper = keeper };
	atomic_int failed = 0;
	struct region *cut;
	uint64_t *pages;
	struct share *sh;
	size_t *first;
	int err;

	sh = calloc(n, sizeof(*sh));
	cut = malloc((list->nr + nr) * sizeof(*cut));
	first = malloc((nr + 1) * sizeof(*first));
	pages = malloc(nr * sizeof(*pages));
	if (!sh || !cut || !first || !pages) {
		err = -ENOMEM;
		goto out;
	}
	regions_share(list, nr, cut, first, pages);
	parts.cut = cut;
	parts.first = first;
	atomic_init(&parts.next, 0);
	err = keeper->ops->split(keeper, nr, pages, exact);
	for (unsigned int k = 0; k < n && !err; k++) {
		err = reader_init(&sh[k].r, src, snap, keeper);
		sh[k].r.failed = &failed;
		sh[k].parts = &parts;
	}
	if (!err)
		err = run_shares(sh, n);
	if (!err)
		err = keeper->ops->finish(keeper);
out:
	for (unsigned int k = 0; sh && k < n; k++)
		reader_free(&sh[k].r);
	free(pages);
	free(first);
	free(cut);
	free(sh);
	return err;
}

/*
 * Are RANGES (a refresh's) so small that listing their populated regions
 * costs as much as reading them? A list costs a call per piece at least,
 * as each read does; below this many pages a piece, reading it is all.
 */
#define SCAN_LIST_MIN_PIECE	64

/* *PIECES gets their number */
static bool pieces_small(const struct snapshot *snap,
			 const struct snapshot_range *ranges, size_t nr_ranges,
			 uint64_t *pieces)
{
	struct pieces it;
	uint64_t start, end, pages = 0;
	size_t mapping;

	*pieces = 0;
	if (!ranges)
		return false;
	pieces_init(&it, snap, ranges, nr_ranges);
	while (pieces_next(&it, &mapping, &start, &end)) {
		pages += (end - start) / 4096;
		(*pieces)++;
	}
	return pages <= *pieces * SCAN_LIST_MIN_PIECE;
}

int scan_pages(const struct sources *src, struct snapshot *snap,
	       const struct snapshot_range *ranges, size_t nr_ranges,
	       unsigned int threads, struct keeper *keeper)
{
	struct region_list list = { 0 };
	uint64_t pieces;
	bool small = pieces_small(snap, ranges, nr_ranges, &pieces);
	bool listed = (src->scan_ok || src->kmod_seek_ok) && !snap->all &&
		      !small;
	unsigned int n = 1;
	int err = 0;

	if (listed) {
		err = regions_list(src, snap, ranges, nr_ranges, &list);
		if (err)
			goto out;
		n = scan_threads(threads, list.pages);
	} else if (small) {
		/*
		 * Thousands of small ranges (the journal's) cost their
		 * reads, each as much as SCAN_LIST_MIN_PIECE pages: shared
		 * among threads as that many pages would be
		 */
		n = scan_threads(threads, pieces * SCAN_LIST_MIN_PIECE);
		if (n > 1)
			err = regions_of_pieces(snap, ranges, nr_ranges, &list);
		if (err)
			goto out;
	}
	if (n > 1)
		err = read_shared(src, snap, &list, n, listed, keeper);
	else
		err = read_alone(src, snap, ranges, nr_ranges,
				 listed ? &list : NULL, keeper);
out:
	free(list.v);
	return err;
}
