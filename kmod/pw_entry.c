// SPDX-License-Identifier: GPL-2.0
/*
 * What one leaf entry in PTE format says: access bits, and the non-present
 * kinds (swap, migration, marker, device, hwpoison). Shared by the walk of
 * ordinary tables (pw_walk.c) and of hugetlb ones (pw_hugetlb.c), whose
 * huge PTEs use the same encoding. Called with the lock of the table
 * holding the entry.
 */
#include <linux/mm.h>
#include <linux/pgtable.h>
#include <linux/swap.h>
#include <linux/swapops.h>

#include "pw.h"

/*
 * Access facts of a leaf entry. x86 pte_protnone() is true for NUMA hints
 * and for mprotect(PROT_NONE) alike; like handle_pte_fault(), only an
 * accessible VMA makes it a NUMA hint. A protnone entry is never reported
 * writable (6.1 keeps RW in hint entries): see savedwrite.
 */
void pw_set_access(struct pagewatch_page *rec,
			  struct vm_area_struct *vma, bool protnone,
			  bool write, bool dirty, bool young)
{
	pw_rec_set(rec, PAGEWATCH_PAGE_PRESENT);
	/*
	 * A present entry of an inaccessible VMA is its PROT_NONE entry;
	 * asked of the VMA, because without CONFIG_NUMA_BALANCING (Debian's
	 * 6.12 PREEMPT_RT build) pte_protnone() and pmd_protnone() are
	 * always 0 (include/linux/pgtable.h; x86 defines its own only with
	 * it).
	 */
	if (!vma_is_accessible(vma))
		pw_rec_set(rec, PAGEWATCH_PAGE_VMA_PROTNONE);
	else if (protnone)
		pw_rec_set(rec, PAGEWATCH_PAGE_PROTNONE);
	else if (write)
		pw_rec_set(rec, PAGEWATCH_PAGE_WRITE);
	if (dirty)
		pw_rec_set(rec, PAGEWATCH_PAGE_DIRTY);
	if (young)
		pw_rec_set(rec, PAGEWATCH_PAGE_YOUNG);
}

/*
 * Anonymous (and KSM) or page cache, for the source page of a migration
 * entry. An anonymous folio keeps PAGE_MAPPING_ANON in its mapping until
 * it is freed, through split and migration (6.12 move_to_new_folio():
 * "Anonymous folios must stay anonymous until freed"); a page-cache
 * folio's mapping may already be NULL (6.12 clears src->mapping before
 * remove_migration_ptes()). A page mapped to user space is one or the
 * other, so what is not anonymous is file. The mapping is the head's,
 * read through compound_head: a split sets a tail's own mapping before
 * clear_compound_head() (smp_wmb() in __split_huge_page_tail(), 6.1 and
 * 6.12), and the tail's word held other fields before.
 */
static void pw_migration_kind(struct pagewatch_page *rec, struct page *page,
			      swp_entry_t entry)
{
	struct folio *folio = page_folio(page);
	unsigned long mapping;

	smp_rmb();	/* pairs with the split's smp_wmb() */
	mapping = (unsigned long)READ_ONCE(folio->mapping);
	if (!(mapping & PAGE_MAPPING_ANON)) {
		pw_rec_set(rec, PAGEWATCH_PAGE_FILE);
		return;
	}
	pw_rec_set(rec, PAGEWATCH_PAGE_ANON);
	if ((mapping & PAGE_MAPPING_FLAGS) == PAGE_MAPPING_KSM) {
		pw_rec_set(rec, PAGEWATCH_PAGE_KSM);
		return;
	}
	/*
	 * try_to_migrate_one() moves PG_anon_exclusive into the entry type
	 * (writable or readable-exclusive); remove_migration_pte() puts it
	 * back.
	 */
	if (is_writable_migration_entry(entry) ||
	    is_readable_exclusive_migration_entry(entry))
		pw_rec_set(rec, PAGEWATCH_PAGE_ANON_EXCLUSIVE);
}

/*
 * A migration entry, under the lock of the table holding it. Never
 * pfn_swap_entry_to_page(): it BUG()s when the folio is not locked. The
 * source page stays allocated while the entry exists: the migration or
 * split that installed it must take this lock to replace it
 * (remove_migration_ptes()) before releasing it.
 *
 * But the entry does not freeze the folio: a split installs migration
 * entries, then __split_huge_page() rewrites the struct pages (a tail's
 * mapping over page 1's _nr_pages_mapped/_pincount, then
 * ClearPageCompound) without this lock, and a migration moves counts to
 * the new folio. Only what the entry guarantees is reported: the PFN,
 * whether the entry is writable, the page's node (page->flags section
 * bits, set once at boot) and anon/file; refcount, mapcount, pincount,
 * order, thp, pin_exact and maybe_pinned stay 0 and unstable is set.
 */
void pw_fill_migration(struct pagewatch_page *rec, unsigned long pfn,
			      swp_entry_t entry)
{
	struct page *page;

	rec->pfn = cpu_to_le64(pfn);
	pw_rec_set(rec, PAGEWATCH_PAGE_MIGRATION);
	pw_rec_set(rec, PAGEWATCH_PAGE_UNSTABLE);
	if (is_writable_migration_entry(entry))
		pw_rec_set(rec, PAGEWATCH_PAGE_WRITE);
	if (!pfn_valid(pfn))
		return;
	page = pfn_to_page(pfn);
	rec->node = cpu_to_le16(page_to_nid(page));
	pw_migration_kind(rec, page, entry);
}

/* Non-present, non-none PTE: swap, migration, marker, device, hwpoison */
void pw_fill_pte_swap(pte_t pte, struct pagewatch_page *rec)
{
	swp_entry_t entry;

	if (is_pte_marker(pte)) {
		pw_rec_set(rec, PAGEWATCH_PAGE_MARKER);
		return;
	}
	entry = pte_to_swp_entry(pte);
	if (is_migration_entry(entry)) {
		pw_fill_migration(rec, swp_offset_pfn(entry), entry);
		return;
	}
	/* device-private/exclusive and hwpoison carry a PFN, like pagemap */
	pw_rec_set(rec, PAGEWATCH_PAGE_SWAP);
	rec->swap_type = swp_type(entry);
	if (is_pfn_swap_entry(entry))
		rec->pfn = cpu_to_le64(swp_offset_pfn(entry));
	else
		rec->pfn = cpu_to_le64(swp_offset(entry));
}

