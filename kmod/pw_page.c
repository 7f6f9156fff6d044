// SPDX-License-Identifier: GPL-2.0
/*
 * Facts of one struct page and its folio, shared by the page-table walk
 * (pages, text) and the per-PFN file (kpage).
 *
 * Nothing here takes a reference: the walk calls in with the page table
 * lock held over a present entry, which keeps the folio from being freed,
 * split or migrated away (a migration entry does not: see
 * pw_fill_migration() in pw_walk.c); kpage reads racily, exactly like
 * fs/proc/page.c does for /proc/kpagecount. Every field read is a plain
 * load from a struct page that exists (pfn_valid / pfn_to_online_page), so
 * a racing split or free can only produce stale numbers, never a fault.
 */
#include <linux/mm.h>
#include <linux/memory_hotplug.h>
#include <linux/page-flags.h>
#include <linux/page_ref.h>

#include "pw.h"

#if !defined(PW_HAVE_FOLIO_PINCOUNT) && !defined(PW_HAVE_FOLIO_PINCOUNT_PTR)
#error "pagewatch: no per-folio pin count on this kernel"
#endif
#if !defined(PW_HAVE_PAGE_MAPCOUNT) && !defined(PW_HAVE_PAGE_MAPCOUNT_IS_TYPE)
#error "pagewatch: no precise per-page mapcount on this kernel"
#endif

/* Only valid for a large folio: small folios count pins in the refcount */
static int pw_folio_pincount(struct folio *folio)
{
#ifdef PW_HAVE_FOLIO_PINCOUNT
	return atomic_read(&folio->_pincount);
#else
	return atomic_read(folio_pincount_ptr(folio));
#endif
}

/* The number /proc/kpagecount reports for this page */
static int pw_page_mapcount(struct page *page, struct folio *folio)
{
#ifdef PW_HAVE_PAGE_MAPCOUNT
	/*
	 * 6.1 kpagecount_read(): slab pages overlay _mapcount and typed pages
	 * keep their type there; page_mapcount() adds the compound mapcount.
	 */
	if (PageSlab(page) || page_has_type(page))
		return 0;
	return page_mapcount(page);
#else
	/* 6.12 fs/proc/internal.h folio_precise_page_mapcount() */
	int mapcount = atomic_read(&page->_mapcount) + 1;

	if (page_mapcount_is_type(mapcount))
		mapcount = 0;
	if (folio_test_large(folio))
		mapcount += folio_entire_mapcount(folio);
	return mapcount;
#endif
}

static u32 pw_count(int count)
{
	return count > 0 ? count : 0;
}

static void pw_page_kind(struct pagewatch_page *rec, struct page *page,
			 struct folio *folio)
{
	unsigned long mapping = (unsigned long)READ_ONCE(folio->mapping);

	/* slab pages overlay the mapping word with their own fields */
	if (PageSlab(page))
		return;
	if (mapping & PAGE_MAPPING_ANON) {
		pw_rec_set(rec, PAGEWATCH_PAGE_ANON);
		if ((mapping & PAGE_MAPPING_FLAGS) == PAGE_MAPPING_KSM) {
			pw_rec_set(rec, PAGEWATCH_PAGE_KSM);
			return;
		}
		/* hugetlb keeps the bit on the head page, THP per page */
		if (folio_test_hugetlb(folio))
			page = &folio->page;
		if (PageAnonExclusive(page))
			pw_rec_set(rec, PAGEWATCH_PAGE_ANON_EXCLUSIVE);
	} else if (mapping && !(mapping & PAGE_MAPPING_FLAGS)) {
		/* movable non-LRU pages (zsmalloc, balloon) set MOVABLE */
		pw_rec_set(rec, PAGEWATCH_PAGE_FILE);
	}
}

/*
 * Fill node, order, kind and counters of @page. The caller has cleared
 * @rec or set its mapping facts; this only adds.
 */
void pw_page_fill(struct pagewatch_page *rec, struct page *page)
{
	struct folio *folio = page_folio(page);
	int refcount = folio_ref_count(folio);
	unsigned int order;
	int pincount;

	rec->node = cpu_to_le16(page_to_nid(page));
	rec->refcount = cpu_to_le32(pw_count(refcount));
	rec->mapcount = cpu_to_le32(pw_count(pw_page_mapcount(page, folio)));

	/*
	 * folio_order() tests folio_test_large() first: large-folio fields
	 * live in page 1. Read once, so that thp and pin_exact follow the
	 * order reported even when kpage races with a split.
	 */
	order = folio_order(folio);
	if (order) {
		rec->order = order;
		/*
		 * hugetlb folios count pins per folio like other large ones
		 * (6.1 try_grab_folio(), 6.12 try_grab_folio() and
		 * gup_put_folio() make no exception for them).
		 */
		pw_rec_set(rec, folio_test_hugetlb(folio) ?
				PAGEWATCH_PAGE_HUGETLB : PAGEWATCH_PAGE_THP);
		pincount = pw_folio_pincount(folio);
		pw_rec_set(rec, PAGEWATCH_PAGE_PIN_EXACT);
	} else {
		/* Each pin of a small folio adds GUP_PIN_COUNTING_BIAS refs */
		pincount = pw_count(refcount) / GUP_PIN_COUNTING_BIAS;
	}
	rec->pincount = cpu_to_le32(pw_count(pincount));
	if (folio_maybe_dma_pinned(folio))
		pw_rec_set(rec, PAGEWATCH_PAGE_MAYBE_PINNED);
	pw_page_kind(rec, page, folio);
}

/*
 * @rec[1..@nr) for the pages after @page of one folio mapped by one leaf
 * entry (a PMD or hugetlb leaf, read under its lock), @rec[0] filled for
 * @page and each record's pfn set: what pw_page_fill() reads is the
 * folio's (node, order, refcount, pincount, pins, kind), and the leaf's
 * facts and ANON_EXCLUSIVE are the caller's for the whole leaf, so only a
 * page's own mapcount is read for each. numa_maps counts a PMD the same
 * way, once for its pages (gather_stats() with HPAGE_PMD_NR).
 */
void pw_folio_fill_rest(struct pagewatch_page *rec, struct page *page,
			unsigned long nr)
{
	struct folio *folio = page_folio(page);
	unsigned long i;
	__le64 pfn;

	for (i = 1; i < nr; i++) {
		pfn = rec[i].pfn;
		rec[i] = rec[0];
		rec[i].pfn = pfn;
		rec[i].mapcount = cpu_to_le32(pw_count(pw_page_mapcount(page + i,
									folio)));
	}
}

/*
 * One past the highest PFN kpage answers for. max_pfn is not exported;
 * the sparsemem limit bounds every PFN pfn_to_online_page() can accept.
 */
unsigned long pw_kpage_end_pfn(void)
{
	return 1UL << (MAX_PHYSMEM_BITS - PAGE_SHIFT);
}

/* Mirrors kpagecount_read(): an online page, no reference, racy reads */
static void pw_kpage_one(struct pagewatch_page *rec, unsigned long pfn)
{
	struct page *page;

	pw_rec_clear(rec);
	rec->pfn = cpu_to_le64(pfn);
	/*
	 * Like kpageflags (KPF_NOPAGE): only an online page is read. A
	 * ZONE_DEVICE PFN (pfn_valid(), but its memmap belongs to a driver)
	 * or a section that is offline or has no memmap reads as an empty
	 * record without pfn_valid, whose ABI name means "online page".
	 */
	page = pfn_to_online_page(pfn);
	if (!page)
		return;
	pw_rec_set(rec, PAGEWATCH_PAGE_PFN_VALID);
	if (is_zero_pfn(pfn))
		pw_rec_set(rec, PAGEWATCH_PAGE_ZERO);
	pw_page_fill(rec, page);
}

/* pw_source fill() for PFNs; takes no lock, so no batch limit but ours */
long pw_kpage_fill(struct pw_source *src, unsigned long pfn,
		   unsigned long left, struct pagewatch_page *buf)
{
	unsigned long i, nr = min_t(unsigned long, left, PW_BATCH);

	for (i = 0; i < nr; i++)
		pw_kpage_one(&buf[i], pfn + i);
	return nr;
}
