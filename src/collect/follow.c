// SPDX-License-Identifier: GPL-2.0
/* Following a target by its change journal: events and fresh ranges. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "collect/follow.h"
#include "model/snapshot_merge.h"

/*
 * Announced ranges closer than this are read as one: a few pages more
 * cost less than one more read. The kernel announces a migration of N
 * scattered pages as N one-page ranges.
 */
#define FOLLOW_JOIN_GAP		(16 * 4096ULL)
/*
 * More ranges than this join across wider holes until they fit: a
 * refresh's reads stay bounded, and a flood costs a read of the span
 * rather than one read per page
 */
#define FOLLOW_MAX_RANGES	65536

static int64_t ns_of(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

bool follow_available(const struct collect *c)
{
	return sources_kmod_ok(&c->src) && c->src.kmod.version.feature_journal;
}

int follow_open(struct follow *f, struct collect *c, unsigned int ring)
{
	memset(f, 0, sizeof(*f));
	f->c = c;
	f->journal.fd = -1;
	if (!follow_available(c))
		return -ENOTSUP;
	f->mono_to_real_ns = ns_of(CLOCK_REALTIME) - ns_of(CLOCK_MONOTONIC);
	return kmod_journal_open(&f->journal, c->src.kmod.dir, c->opts.pid,
				 ring);
}

void follow_close(struct follow *f)
{
	kmod_journal_close(&f->journal);
	free(f->dirty);
	f->dirty = NULL;
}

static int note_dirty(struct follow *f, uint64_t start, uint64_t end)
{
	struct snapshot_range *grown;

	if (f->nr_dirty == f->cap_dirty) {
		size_t cap = f->cap_dirty ? 2 * f->cap_dirty : 64;

		grown = realloc(f->dirty, cap * sizeof(*grown));
		if (!grown)
			return -ENOMEM;
		f->dirty = grown;
		f->cap_dirty = cap;
	}
	f->dirty[f->nr_dirty++] = (struct snapshot_range){ start, end };
	return 0;
}

long follow_events(struct follow *f, struct page_event *evs, size_t nr,
		   const struct event_view *view)
{
	long got;

	if (f->ended)
		return 0;
	if (nr > KMOD_JOURNAL_BATCH)
		nr = KMOD_JOURNAL_BATCH;
	if (f->nr_stash) {
		got = (long)(nr < f->nr_stash ? nr : f->nr_stash);
		memcpy(f->recs, f->stash, (size_t)got * sizeof(f->recs[0]));
		memmove(f->stash, f->stash + got,
			(f->nr_stash - (size_t)got) * sizeof(f->stash[0]));
		f->nr_stash -= (size_t)got;
	} else {
		got = kmod_journal_read(&f->journal, f->recs, nr);
	}
	if (got <= 0) {
		if (got == 0)
			f->ended = true;
		return got;
	}
	for (long i = 0; i < got; i++) {
		const struct kmod_journal_record *rec = &f->recs[i];

		event_from_record(&evs[i], rec, f->mono_to_real_ns, view);
		if (rec->kind == PAGEWATCH_JOURNAL_OVERFLOW)
			f->overflowed = true;
		else if (rec->kind == PAGEWATCH_JOURNAL_EXITED)
			f->ended = true;
		else if (note_dirty(f, rec->start & ~4095ULL,
				    (rec->end + 4095) & ~4095ULL))
			f->overflowed = true;	/* no memory: read it all */
	}
	return got;
}

int follow_wait(struct follow *f, int timeout_ms)
{
	if (f->nr_stash)
		return 1;
	return kmod_journal_wait(&f->journal, timeout_ms);
}

/* Is [START, END) within one of RANGES[0..NR) in part? */
static bool overlaps(const struct snapshot_range *ranges, size_t nr,
		     uint64_t start, uint64_t end)
{
	size_t lo = 0, hi = nr;

	/* the first range that ends after START */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ranges[mid].end <= start)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < nr && ranges[lo].start < end;
}

/*
 * The parts of RANGES[0..NR) over which a record came since they were
 * read, sorted and joined, into *CUT; how many, or -ENOMEM
 */
static long raced_parts(struct follow *f, const struct snapshot_range *ranges,
			size_t nr, struct snapshot_range **cut)
{
	struct snapshot_range *v;
	size_t n = 0;
	long got;

	*cut = NULL;
	if (!f->nr_stash && !f->ended) {
		got = kmod_journal_read(&f->journal, f->stash, KMOD_JOURNAL_BATCH);
		/* 0 (ended) and -EAGAIN alike: nothing came */
		f->nr_stash = got > 0 ? (size_t)got : 0;
	}
	if (!f->nr_stash)
		return 0;
	v = malloc(f->nr_stash * sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < f->nr_stash; i++) {
		const struct kmod_journal_record *rec = &f->stash[i];
		uint64_t start = rec->start & ~4095ULL;
		uint64_t end = (rec->end + 4095) & ~4095ULL;

		if (rec->kind == PAGEWATCH_JOURNAL_OVERFLOW ||
		    rec->kind == PAGEWATCH_JOURNAL_EXITED ||
		    !overlaps(ranges, nr, start, end))
			continue;
		v[n++] = (struct snapshot_range){ start, end };
	}
	if (!n) {
		free(v);
		return 0;
	}
	*cut = v;
	return (long)snapshot_ranges_join(v, n);
}

int follow_leave_out_raced(struct follow *f, struct snapshot *part,
			   const struct snapshot_range *ranges, size_t *nr,
			   struct snapshot_range **rest)
{
	struct snapshot_range *cut;
	long n = raced_parts(f, ranges, *nr, &cut);
	int err;

	*rest = NULL;
	if (n <= 0)
		return (int)n;
	err = snapshot_part_cut(part, ranges, *nr, cut, (size_t)n, rest, nr);
	free(cut);
	return err;
}

/* Sort and join the dirty ranges, across wider holes while too many */
static size_t coalesce(struct snapshot_range *r, size_t nr)
{
	uint64_t gap = FOLLOW_JOIN_GAP;
	size_t n = snapshot_ranges_join_near(r, nr, gap);

	while (n > FOLLOW_MAX_RANGES) {
		gap *= 4;
		n = snapshot_ranges_join_near(r, n, gap);
	}
	return n;
}

size_t follow_take_dirty(struct follow *f, const struct snapshot_range **ranges,
			 bool *all)
{
	size_t nr = coalesce(f->dirty, f->nr_dirty);

	*all = f->overflowed;
	*ranges = f->dirty;
	f->overflowed = false;
	f->nr_dirty = 0;
	return *all ? 0 : nr;
}

/* MODEL after reading RANGES[0..NR) again */
static int reread_ranges(struct follow *f, struct snapshot *model,
			 const struct snapshot_range *ranges, size_t nr,
			 size_t *pages)
{
	struct snapshot part, merged = { 0 };
	struct snapshot_range *rest;
	int err;

	err = collect_ranges(f->c, &part, ranges, nr);
	if (err)
		return err;
	if (pages)
		*pages = part.nr_pages;
	/* what changed while it was read is read again after its records */
	err = follow_leave_out_raced(f, &part, ranges, &nr, &rest);
	if (err) {
		snapshot_free(&part);
		return err;
	}
	err = snapshot_merge(model, &part, rest ? rest : ranges, nr, &merged);
	free(rest);
	snapshot_free(&part);
	if (err) {
		snapshot_free(&merged);
		return err;
	}
	snapshot_free(model);
	*model = merged;
	return 0;
}

/* Note in VIA the pages of PART that BASE saw on another node */
static int note_nodes(const struct track_base *base,
		      const struct snapshot *part, struct track_via *via)
{
	for (size_t i = 0; i < part->nr_pages; i++) {
		const struct snapshot_page *page = &part->pages[i];
		size_t o = track_base_index(base, page->vaddr);
		const struct track_page *old = &base->pages[o];

		if (o == base->nr_pages || track_vaddr(old) != page->vaddr ||
		    !snapshot_page_known(page, SNAPSHOT_KNOWN_NODE) ||
		    !track_test(old, TRACK_KNOWN_NODE) ||
		    track_node(old) == page->node)
			continue;
		if (track_via_add(via, page->vaddr, page->node))
			return -ENOMEM;
	}
	return 0;
}

int follow_watch(struct follow *f, const struct track_base *base, double seconds,
		 volatile sig_atomic_t *stop, struct track_via *via)
{
	struct page_event evs[64];
	struct event_view view;
	const struct snapshot_range *ranges;
	struct snapshot part;
	int64_t end = ns_of(CLOCK_MONOTONIC) + (int64_t)(seconds * 1e9), left;
	unsigned int seq;
	size_t nr;
	long got;
	bool all;
	int err;

	track_base_view(base, &view);
	while (!*stop && (left = end - ns_of(CLOCK_MONOTONIC)) > 0) {
		err = follow_wait(f, (int)(left / 1000000) + 1);
		if (err < 0)
			return err;
		do {
			got = follow_events(f, evs, 64, &view);
			for (long i = 0; f->on_event && i < got; i++) {
				err = f->on_event(f->on_event_arg, &evs[i]);
				if (err)
					return err;
			}
		} while (got > 0);
		if (got < 0 && got != -EAGAIN)
			return (int)got;
		nr = follow_take_dirty(f, &ranges, &all);
		/* lost records: the next snapshot reads everything anyway */
		if (all || !nr)
			continue;
		/* a look in between, not one of the run's snapshots */
		seq = f->c->seq;
		err = collect_ranges(f->c, &part, ranges, nr);
		f->c->seq = seq;
		if (err)
			return err;
		err = note_nodes(base, &part, via);
		snapshot_free(&part);
		if (err)
			return err;
		if (f->ended)
			return -ESRCH;
	}
	return 0;
}

int follow_reread(struct follow *f, struct snapshot *model, size_t *pages)
{
	const struct snapshot_range *ranges;
	struct snapshot fresh;
	size_t nr;
	bool all;
	int err;

	if (pages)
		*pages = 0;
	nr = follow_take_dirty(f, &ranges, &all);
	if (all) {
		err = collect_snapshot(f->c, &fresh);
		if (err)
			return err;
		if (pages)
			*pages = fresh.nr_pages;
		snapshot_free(model);
		*model = fresh;
		return 0;
	}
	return nr ? reread_ranges(f, model, ranges, nr, pages) : 0;
}
