// SPDX-License-Identifier: GPL-2.0
/*
 * Running the readers of one collection: list the populated regions (with
 * PAGEMAP_SCAN, 6.7+, or the module's SEEK_DATA), size the keeper from
 * their page count, cut them into one share per reader thread and join
 * the readers; without a list (6.1 without the module, --all, or a
 * refresh's ranges of a few pages each) one reader walks every page of
 * every piece, or, for thousands of small ranges, each thread a share.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
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

struct share {
	struct reader r;
	struct page_consumer *c;
	const struct region *regions;
	size_t nr_regions;
	int err;
	pthread_t thread;
	bool started;
};

static void *share_main(void *arg)
{
	struct share *sh = arg;

	sh->err = reader_regions(&sh->r, sh->regions, sh->nr_regions, sh->c);
	if (sh->err)
		atomic_store(sh->r.failed, 1);
	return NULL;
}

/* Run the N shares, the first on this thread; the first real failure. */
static int run_shares(struct share *sh, unsigned int n)
{
	int err = 0;

	for (unsigned int k = 1; k < n; k++)
		sh[k].started = !pthread_create(&sh[k].thread, NULL,
						share_main, &sh[k]);
	share_main(&sh[0]);
	for (unsigned int k = 1; k < n; k++) {
		if (sh[k].started)
			pthread_join(sh[k].thread, NULL);
		else
			share_main(&sh[k]);	/* no thread: read it here */
	}
	/* the first real failure, not the ECANCELED of those it stopped */
	for (unsigned int k = 0; k < n; k++)
		if (sh[k].err && (!err || err == -ECANCELED))
			err = sh[k].err;
	return err;
}

/*
 * N reader threads, each over its share of the regions of LIST; EXACT:
 * every page of LIST is populated (listed), else some may be holes.
 */
static int read_shared(const struct sources *src, struct snapshot *snap,
		       const struct region_list *list, unsigned int n,
		       bool exact, struct keeper *keeper)
{
	size_t first[SCAN_MAX_THREADS + 1];
	uint64_t pages[SCAN_MAX_THREADS];
	atomic_int failed = 0;
	struct region *cut;
	struct share *sh;
	int err;

	sh = calloc(n, sizeof(*sh));
	cut = malloc((list->nr + n) * sizeof(*cut));
	if (!sh || !cut) {
		err = -ENOMEM;
		goto out;
	}
	regions_share(list, n, cut, first, pages);
	err = keeper->ops->split(keeper, n, pages, exact);
	for (unsigned int k = 0; k < n && !err; k++) {
		err = reader_init(&sh[k].r, src, snap, keeper);
		sh[k].r.failed = &failed;
		sh[k].c = keeper->ops->consumer(keeper, k);
		sh[k].regions = cut + first[k];
		sh[k].nr_regions = first[k + 1] - first[k];
	}
	if (!err)
		err = run_shares(sh, n);
	if (!err)
		err = keeper->ops->finish(keeper);
out:
	for (unsigned int k = 0; sh && k < n; k++)
		reader_free(&sh[k].r);
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
