// SPDX-License-Identifier: GPL-2.0
/* Change tracking between two snapshots: migration and pin divergence. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "model/track.h"

/*
 * Pages of a walk between two steps: at each, what lies behind is given
 * back and what lies ahead made present
 */
#define TRACK_STEP	4096

static bool present_with_pfn(const struct snapshot_page *page)
{
	return snapshot_page_test(page, PAGEWATCH_PAGE_PRESENT) &&
	       snapshot_page_known(page, SNAPSHOT_KNOWN_PFN);
}

/* Is PAGE kept in a base? What a comparison or an event can ask about */
static bool tracked(const struct snapshot_page *page)
{
	return snapshot_page_test(page, PAGEWATCH_PAGE_PRESENT) ||
	       snapshot_page_known(page, SNAPSHOT_KNOWN_NODE);
}

static struct track_page track_of(const struct snapshot_page *page)
{
	uint64_t bits = 0;
	bool present = snapshot_page_test(page, PAGEWATCH_PAGE_PRESENT);

	if (present)
		bits |= TRACK_PRESENT;
	if (snapshot_page_known(page, SNAPSHOT_KNOWN_PFN))
		bits |= TRACK_KNOWN_PFN;
	if (snapshot_page_known(page, SNAPSHOT_KNOWN_NODE))
		bits |= TRACK_KNOWN_NODE;
	if (snapshot_page_known(page, SNAPSHOT_KNOWN_KMOD))
		bits |= TRACK_KNOWN_KMOD;
	if (snapshot_page_test(page, PAGEWATCH_PAGE_MAYBE_PINNED))
		bits |= TRACK_MAYBE_PINNED;
	/* a swap entry's offset is no PFN: only a present page's is kept */
	return (struct track_page){
		.vaddr_bits = (page->vaddr & ~TRACK_BITS) | bits,
		.pfn_node = (present ? page->pfn << 16 : 0) |
			    (bits & TRACK_KNOWN_NODE ? page->node : 0),
	};
}

static bool old_present_with_pfn(const struct track_page *old)
{
	return track_test(old, TRACK_PRESENT) &&
	       track_test(old, TRACK_KNOWN_PFN);
}

static bool node_changed(const struct track_page *old,
			 const struct snapshot_page *new)
{
	return track_test(old, TRACK_KNOWN_NODE) &&
	       snapshot_page_known(new, SNAPSHOT_KNOWN_NODE) &&
	       track_node(old) != new->node;
}

/* Room for CAP pages in BASE: an anonymous mapping, touched as it fills */
static int base_alloc(struct track_base *base, size_t cap)
{
	size_t len = cap * sizeof(struct track_page);
	void *p;

	memset(base, 0, sizeof(*base));
	if (!cap)
		return 0;
	p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return -ENOMEM;
	base->pages = p;
	base->map_bytes = len;
	return 0;
}

/* The memory pages of BASE wholly below page TO are not read again */
static void base_release(const struct track_base *base, size_t to)
{
	if (base->map_bytes)
		snapshot_madvise(base->pages, base->pages + to, MADV_DONTNEED);
}

/*
 * The next step's pages of BASE, past those it holds, are about to be
 * written: made present in one call rather than a fault each (an
 * anonymous mapping, touched as it fills; before 5.14 the call fails and
 * they fault one at a time)
 */
static void base_prefault(const struct track_base *base)
{
	size_t cap = base->map_bytes / sizeof(struct track_page);
	size_t to = base->nr_pages + TRACK_STEP < cap ?
		    base->nr_pages + TRACK_STEP : cap;

	if (base->map_bytes)
		snapshot_madvise(base->pages + base->nr_pages, base->pages + to,
				 MADV_POPULATE_WRITE);
}

void track_base_free(struct track_base *base)
{
	if (base->map_bytes)
		munmap(base->pages, base->map_bytes);
	maps_free(base->mappings, base->nr_mappings);
	memset(base, 0, sizeof(*base));
}

/* The first of BASE's pages [LO, HI) at or after VADDR (HI if none) */
static size_t base_lower_bound(const struct track_base *base, size_t lo,
			       size_t hi, uint64_t vaddr)
{
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (track_vaddr(&base->pages[mid]) < vaddr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

size_t track_base_index(const struct track_base *base, uint64_t vaddr)
{
	return base_lower_bound(base, 0, base->nr_pages, vaddr);
}

/*
 * The first page of BASE at or after VADDR, for a VADDR at or after page
 * FROM's: it gallops, so that a walk in address order costs the
 * distance's logarithm (a few scattered pages against millions)
 */
static size_t base_seek(const struct track_base *base, size_t from,
			uint64_t vaddr)
{
	size_t step = 1, lo = from, hi;

	if (from >= base->nr_pages || track_vaddr(&base->pages[from]) >= vaddr)
		return from;
	/* pages[lo] is below VADDR: gallop to a page that is not */
	while (lo + step < base->nr_pages &&
	       track_vaddr(&base->pages[lo + step]) < vaddr) {
		lo += step;
		step *= 2;
	}
	hi = lo + step < base->nr_pages ? lo + step : base->nr_pages;
	return base_lower_bound(base, lo + 1, hi, vaddr);
}

/* A comparison under way: NEW's changes, and which old PFNs to ask about */
struct compare {
	struct snapshot *new;
	size_t cap;
	bool *ask;
};

/*
 * Need the old PFN of a changed page be asked about? Not for a page that
 * went to another node and was seen not pinned before: the kernel
 * migrates no folio that a pin holds (folio_migrate_mapping() wants its
 * refcount to be the expected one), so a pin could only have come after
 * that look and before a replacement that was no migration. A mover of
 * thousands of pages a second would otherwise cost one read per old PFN.
 */
static bool ask_old_pfn(const struct track_page *old,
			const struct snapshot_page *page)
{
	if (track_pfn(old) == page->pfn)
		return false;
	if (!node_changed(old, page))
		return true;
	return !track_test(old, TRACK_KNOWN_KMOD) ||
	       track_test(old, TRACK_MAYBE_PINNED);
}

static int add_change(struct compare *cmp, size_t index,
		      const struct track_page *old)
{
	struct snapshot *new = cmp->new;

	if (new->nr_changes == cmp->cap) {
		size_t n = cmp->cap ? 2 * cmp->cap : 64;
		struct snapshot_change *grown;
		bool *ask;

		grown = realloc(new->changes, n * sizeof(*grown));
		if (!grown)
			return -ENOMEM;
		new->changes = grown;
		ask = realloc(cmp->ask, n * sizeof(*ask));
		if (!ask)
			return -ENOMEM;
		cmp->ask = ask;
		cmp->cap = n;
	}
	cmp->ask[new->nr_changes] = ask_old_pfn(old, &new->pages[index]);
	new->changes[new->nr_changes++] = (struct snapshot_change){
		.page = index,
		.old_pfn = track_pfn(old),
		.old_node = track_node(old),
		.via_node = PAGEWATCH_NODE_NONE,
	};
	return 0;
}

/* Ask once, for every changed page at once, whether its old PFN is pinned. */
static int mark_diverged(struct compare *cmp,
			 const struct track_pin_query *query)
{
	struct snapshot *new = cmp->new;
	size_t nr = 0, want = new->nr_changes ? new->nr_changes : 1;
	uint64_t *pfns = malloc(want * sizeof(*pfns));
	bool *pinned = malloc(want * sizeof(*pinned));
	int err = -ENOMEM;

	if (!pfns || !pinned)
		goto out_free;
	for (size_t i = 0; i < new->nr_changes; i++)
		if (cmp->ask[i])
			pfns[nr++] = new->changes[i].old_pfn;
	err = nr ? query->pinned(query->ctx, pfns, pinned, nr) : 0;
	if (err)
		goto out_free;
	nr = 0;
	for (size_t i = 0; i < new->nr_changes; i++) {
		struct snapshot_page *page = &new->pages[new->changes[i].page];

		if (new->changes[i].old_pfn == page->pfn)
			continue;
		/* a moved page not asked about: not pinned, as the kernel says */
		page->flags |= SNAPSHOT_BIT(SNAPSHOT_KNOWN_DIVERGED);
		if (cmp->ask[i] && pinned[nr++])
			page->flags |= SNAPSHOT_BIT(SNAPSHOT_PAGE_DIVERGED);
	}
out_free:
	free(pfns);
	free(pinned);
	return err;
}

/* Compare page N of NEW with OLD's page PREV at its address */
static int compare_page(struct compare *cmp, size_t n,
			const struct track_page *prev)
{
	struct snapshot_page *page = &cmp->new->pages[n];

	if (!old_present_with_pfn(prev) || !present_with_pfn(page))
		return 0;
	page->flags |= SNAPSHOT_BIT(SNAPSHOT_KNOWN_MIGRATED);
	if (track_pfn(prev) == page->pfn && !node_changed(prev, page)) {
		/* same page: not diverged either */
		page->flags |= SNAPSHOT_BIT(SNAPSHOT_KNOWN_DIVERGED);
		return 0;
	}
	/*
	 * Another PFN is another page (freed and faulted again, COW, or
	 * migrated); migrated only when it was seen on another node.
	 */
	if (track_pfn(prev) != page->pfn)
		page->flags |= SNAPSHOT_BIT(SNAPSHOT_PAGE_REPLACED);
	if (node_changed(prev, page))
		page->flags |= SNAPSHOT_BIT(SNAPSHOT_PAGE_MIGRATED);
	return add_change(cmp, n, prev);
}

/*
 * The old side of a comparison: a base, or (the session's) a snapshot
 * whose page is read as a base's would be, one at a time, where the walk
 * needs it
 */
struct old_side {
	const struct track_base *base;
	const struct snapshot *snap;
	const struct page_store *store;
	size_t at;		/* where the last seek ended */
	struct page_store_cursor cur;
};

/* OLD's page at VADDR, for a VADDR at or after the last one; false: none */
static bool old_page_at(struct old_side *old, uint64_t vaddr,
			struct track_page *page)
{
	if (old->base) {
		old->at = base_seek(old->base, old->at, vaddr);
		if (old->at == old->base->nr_pages ||
		    track_vaddr(&old->base->pages[old->at]) != vaddr)
			return false;
		*page = old->base->pages[old->at];
		return true;
	}
	if (old->store) {
		struct snapshot_page p;

		if (!page_store_seek(old->store, &old->cur, vaddr, &p))
			return false;
		*page = track_of(&p);
		return true;
	}
	old->at = snapshot_page_seek(old->snap, old->at, vaddr);
	if (old->at == old->snap->nr_pages ||
	    old->snap->pages[old->at].vaddr != vaddr)
		return false;
	*page = track_of(&old->snap->pages[old->at]);
	return true;
}

/*
 * A comparison's walk over NEW at page N, a step: what lies behind is not
 * read again here; the pages it marks from there, in NEW's spool, and
 * those it adds to NEXT are made writable in one call each, not a fault
 * each
 */
static void compare_step(const struct old_side *old,
			 const struct snapshot *new,
			 const struct track_base *next, size_t n)
{
	size_t to = n + TRACK_STEP < new->nr_pages ? n + TRACK_STEP :
						      new->nr_pages;

	if (n) {
		snapshot_pages_release(new, n - TRACK_STEP, n);
		if (old->base)
			base_release(old->base, old->at);
	}
	snapshot_pages_prefault(new, n, to);
	if (next)
		base_prefault(next);
}

static int compare_walk(struct old_side *old, struct snapshot *new,
			const struct track_pin_query *query,
			struct track_base *next)
{
	struct compare cmp = { .new = new };
	struct track_page prev;
	int err = 0;

	free(new->changes);
	new->changes = NULL;
	new->nr_changes = 0;
	new->tracked = true;
	if (next && (err = base_alloc(next, new->nr_pages)))
		return err;

	/* both are sorted by address: one merge walk */
	for (size_t n = 0; n < new->nr_pages && !err; n++) {
		const struct snapshot_page *page = &new->pages[n];

		if (n % TRACK_STEP == 0)
			compare_step(old, new, next, n);
		if (next && tracked(page))
			next->pages[next->nr_pages++] = track_of(page);
		if (old_page_at(old, page->vaddr, &prev))
			err = compare_page(&cmp, n, &prev);
	}
	if (!err && query && new->nr_changes) {
		err = mark_diverged(&cmp, query);
		/* a failed pin query leaves divergence unknown, not the snapshot */
		if (err != -ENOMEM)
			err = 0;
	}
	free(cmp.ask);
	if (err && next)
		track_base_free(next);
	return err;
}

int track_compare_base(struct track_base *old, struct snapshot *new,
		       const struct track_pin_query *query,
		       struct track_base *next)
{
	struct old_side side = { .base = old };

	return compare_walk(&side, new, query, next);
}

int track_base_make(struct track_base *base, struct snapshot *snap)
{
	int err = base_alloc(base, snap->nr_pages);

	for (size_t n = 0; !err && n < snap->nr_pages; n++) {
		if (n % TRACK_STEP == 0) {
			if (n)
				snapshot_pages_release(snap, n - TRACK_STEP, n);
			base_prefault(base);
		}
		if (tracked(&snap->pages[n]))
			base->pages[base->nr_pages++] = track_of(&snap->pages[n]);
	}
	return err;
}

int track_compare(const struct snapshot *old, struct snapshot *new,
		  const struct track_pin_query *query)
{
	struct old_side side = { .snap = old };

	return compare_walk(&side, new, query, NULL);
}

int track_compare_store(const struct page_store *old, struct snapshot *new,
			const struct track_pin_query *query)
{
	struct old_side side = { .store = old };

	return compare_walk(&side, new, query, NULL);
}

void track_base_take_mappings(struct track_base *base, struct snapshot *snap)
{
	maps_free(base->mappings, base->nr_mappings);
	base->mappings = snap->mappings;
	base->nr_mappings = snap->nr_mappings;
	base->sources = snap->sources;
	snap->mappings = NULL;
	snap->nr_mappings = 0;
}

/* Pages of [START, END) that base MODEL last saw maybe pinned */
static uint64_t base_pinned_in(const void *model, uint64_t start, uint64_t end)
{
	const struct track_base *base = model;
	uint64_t n = 0;

	for (size_t i = track_base_index(base, start);
	     i < base->nr_pages && track_vaddr(&base->pages[i]) < end; i++)
		n += track_test(&base->pages[i], TRACK_MAYBE_PINNED);
	return n;
}

void track_base_view(const struct track_base *base, struct event_view *view)
{
	*view = (struct event_view){
		.mappings = base->mappings,
		.nr_mappings = base->nr_mappings,
		.pinned_known = base->sources & (1U << SNAPSHOT_SRC_KMOD),
		.pinned_in = base_pinned_in,
		.model = base,
	};
}

int track_via_add(struct track_via *via, uint64_t vaddr, uint16_t node)
{
	if (via->nr == via->cap) {
		size_t cap = via->cap ? 2 * via->cap : 256;
		struct track_via_page *grown = realloc(via->v, cap * sizeof(*grown));

		if (!grown)
			return -ENOMEM;
		via->v = grown;
		via->cap = cap;
	}
	via->v[via->nr++] = (struct track_via_page){ vaddr, node };
	return 0;
}

static int cmp_via(const void *a, const void *b)
{
	const struct track_via_page *x = a, *y = b;

	return x->vaddr < y->vaddr ? -1 : x->vaddr > y->vaddr;
}

void track_via_apply(struct snapshot *new, struct track_via *via)
{
	struct track_via_page key, *found;

	if (!via->nr)
		return;
	/* stable enough: the first node seen of a page is not needed */
	qsort(via->v, via->nr, sizeof(*via->v), cmp_via);
	for (size_t i = 0; i < new->nr_changes; i++) {
		struct snapshot_change *change = &new->changes[i];
		struct snapshot_page *page = &new->pages[change->page];

		key.vaddr = page->vaddr;
		found = bsearch(&key, via->v, via->nr, sizeof(*via->v), cmp_via);
		if (found && (!snapshot_page_known(page, SNAPSHOT_KNOWN_NODE) ||
			      found->node != page->node)) {
			change->via_node = found->node;
			/* seen on another node in between: it migrated */
			page->flags |= SNAPSHOT_BIT(SNAPSHOT_PAGE_MIGRATED);
		}
	}
}

void track_via_clear(struct track_via *via)
{
	via->nr = 0;
}

void track_via_free(struct track_via *via)
{
	free(via->v);
	memset(via, 0, sizeof(*via));
}

static int cmp_change(const void *key, const void *elem)
{
	size_t index = *(const size_t *)key;
	const struct snapshot_change *change = elem;

	return index < change->page ? -1 : index > change->page;
}

const struct snapshot_change *track_find(const struct snapshot *snap,
					 size_t index)
{
	if (!snap->nr_changes)
		return NULL;
	return bsearch(&index, snap->changes, snap->nr_changes,
		       sizeof(*snap->changes), cmp_change);
}
