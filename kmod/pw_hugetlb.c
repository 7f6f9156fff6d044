// SPDX-License-Identifier: GPL-2.0
/*
 * hugetlb VMAs: one record per 4 KiB page of each hugetlb folio, like the
 * pages of a PMD-mapped THP, read from the huge PTE (a PMD entry for
 * 2 MiB pages, a PUD entry for 1 GiB pages on x86).
 *
 * hugetlb_walk() and huge_pte_offset() are not exported, nor is the
 * hugetlb VMA lock; the walk is rebuilt from inline helpers, and made
 * stable with locks taken for reading only (checked against Debian's
 * 6.1.0-57 / linux-source 6.1.192 and 6.12.117 mm/hugetlb.c, mm/rmap.c,
 * fs/hugetlbfs/inode.c and include/linux/hugetlb.h):
 *
 * - mmap_read_lock (the caller's) and an mm_users reference: the VMA
 *   stays, so munmap() and mprotect() of this mm (which hold mmap_lock
 *   for writing) cannot unshare or free its tables; a VMA being unmapped
 *   is gone from the tree before 6.12 munmap downgrades to a read lock.
 * - PMD sharing: a MAP_SHARED hugetlb VMA that covers an aligned PUD range
 *   may point its PUD entry at another process's PMD table
 *   (huge_pmd_share()). huge_pmd_unshare() clears our PUD entry without
 *   our mmap_lock (truncation and hole punch in fs/hugetlbfs/inode.c,
 *   migration's try_to_migrate_one(), hugetlb_unshare_all_pmds()), and the
 *   other process may then unmap and free the table we were reading. On
 *   both kernels huge_pmd_unshare() asserts i_mmap_rwsem held for writing
 *   (i_mmap_assert_write_locked()), so i_mmap_lock_read() of the VMA's
 *   mapping keeps our PUD entry and the PMD table behind it (the kernel's
 *   own rule (2.2) above huge_pte_offset() in 6.12 hugetlb.h). Private
 *   mappings never share (vma_shareable() needs VM_MAYSHARE); every hugetlb
 *   VMA has a hugetlbfs vm_file, MAP_HUGETLB ones an internal one.
 * - The huge PTE lock (huge_pte_lock(): the PMD table's split lock for
 *   2 MiB, mm->page_table_lock, i.e. pud_lockptr(), for 1 GiB) is what
 *   faults, migration, unmap and hugetlb_change_protection() take to
 *   change the entry: with it held over a present or migration entry, the
 *   folio cannot be unmapped, freed or migrated away, and its counters are
 *   read without a reference, as pw_page_fill() does for THPs.
 *
 * Perturbation: migration of a shared hugetlb folio only tries
 * i_mmap_rwsem for writing (6.12 hugetlb_folio_mapping_lock_write(), and
 * hugetlb_vma_trylock_write() in try_to_migrate_one()), so holding it for
 * reading can make a concurrent move_pages() fail with -EBUSY. It is
 * therefore held for one huge PTE at a time (one batch of at most one
 * PMD's worth of records), never across batches.
 *
 * Order of locks: mmap_lock, then i_mmap_rwsem, then the PT lock, as in
 * the kernel (mm/rmap.c's lock order); both rwsems are taken for reading.
 * On PREEMPT_RT the PT lock is a sleeping lock: nothing here runs under
 * rcu_read_lock() or with preemption disabled.
 */
#include <linux/fs.h>
#include <linux/hugetlb.h>
#include <linux/mm.h>
#include <linux/pgtable.h>
#include <linux/spinlock.h>
#include <linux/swapops.h>

#include "pw.h"

/*
 * huge_pte_offset() for x86: the entry holding @addr in a table of
 * hugetlb pages of size @sz, or NULL when an upper level is empty; then
 * *@next is where the next non-empty entry may start. Under
 * mmap_read_lock and i_mmap_rwsem, so no table above the entry goes.
 */
static pte_t *pw_huge_pte_offset(struct mm_struct *mm, unsigned long addr,
				 unsigned long sz, unsigned long *next)
{
	pgd_t *pgdp = pgd_offset(mm, addr);
	p4d_t *p4dp;
	pud_t *pudp;
	pud_t pud;

	if (pgd_none(READ_ONCE(*pgdp)) || pgd_bad(READ_ONCE(*pgdp))) {
		*next = pgd_addr_end(addr, ULONG_MAX);
		return NULL;
	}
	p4dp = p4d_offset(pgdp, addr);
	if (p4d_none(READ_ONCE(*p4dp)) || p4d_bad(READ_ONCE(*p4dp))) {
		*next = p4d_addr_end(addr, ULONG_MAX);
		return NULL;
	}
	pudp = pud_offset(p4dp, addr);
	if (sz == PUD_SIZE)
		return (pte_t *)pudp;
	pud = READ_ONCE(*pudp);
	/* a PUD leaf in a 2 MiB VMA cannot be: read as empty */
	if (!pud_present(pud) || pud_leaf(pud) || pud_bad(pud)) {
		*next = pud_addr_end(addr, ULONG_MAX);
		return NULL;
	}
	return (pte_t *)pmd_offset(pudp, addr);
}

/*
 * The frame of a present huge entry. The huge PTE is a PMD or PUD entry:
 * pmd_pfn()/pud_pfn() mask the large-page PAT bit (bit 12), which
 * pte_pfn() would take for part of the frame, and undo the L1TF
 * inversion of PROT_NONE entries.
 */
static unsigned long pw_huge_pfn(pte_t pte, unsigned long sz)
{
	if (sz == PUD_SIZE)
		return pud_pfn(__pud(pte_val(pte)));
	return pmd_pfn(__pmd(pte_val(pte)));
}

/* A present huge entry; @idx is the first record's page in the folio */
static void pw_fill_huge_present(struct vm_area_struct *vma, pte_t pte,
				 unsigned long sz, unsigned long idx,
				 struct pagewatch_page *rec, unsigned long nr)
{
	unsigned long pfn = pw_huge_pfn(pte, sz);
	struct pagewatch_page proto;
	struct page *head = NULL;
	unsigned long i;

	pw_rec_clear(&proto);
	pw_rec_set(&proto, sz == PUD_SIZE ? PAGEWATCH_PAGE_PUD :
					     PAGEWATCH_PAGE_PMD);
	pw_rec_set(&proto, PAGEWATCH_PAGE_HUGETLB);
	/*
	 * hugetlb is never NUMA-balanced (task_numa_work() skips it): a
	 * protnone entry is mprotect(PROT_NONE). x86 keeps the access bits
	 * of PMD and PUD leaves where a PTE has them.
	 */
	pw_set_access(&proto, vma, pte_protnone(pte), pte_write(pte),
		      pte_dirty(pte), pte_young(pte));
	/* hugetlb entries are never special: a folio is always behind */
	if (pfn_valid(pfn))
		head = pfn_to_page(pfn);
	else
		pw_rec_set(&proto, PAGEWATCH_PAGE_SPECIAL);
	for (i = 0; i < nr; i++) {
		rec[i] = proto;
		rec[i].pfn = cpu_to_le64(pfn + idx + i);
	}
	if (!head)
		return;
	/* one folio under the huge PTE's lock: ANON_EXCLUSIVE is the head's */
	pw_page_fill(rec, head + idx);
	pw_folio_fill_rest(rec, head + idx, nr);
}

/*
 * A non-present huge entry: migration and hwpoison entries and markers are
 * encoded as for PTEs (is_hugetlb_entry_migration() reads the same swap
 * entry). A migration entry names the head page.
 */
static void pw_fill_huge_swap(pte_t pte, unsigned long sz, unsigned long idx,
			      struct pagewatch_page *rec, unsigned long nr)
{
	unsigned int level = sz == PUD_SIZE ? PAGEWATCH_PAGE_PUD :
					      PAGEWATCH_PAGE_PMD;
	swp_entry_t entry = pte_to_swp_entry(pte);
	bool migration = !is_pte_marker(pte) && is_migration_entry(entry);
	unsigned long i;

	for (i = 0; i < nr; i++, rec++) {
		if (migration)
			pw_fill_migration(rec, swp_offset_pfn(entry) + idx + i,
					  entry);
		else
			pw_fill_pte_swap(pte, rec);
		pw_rec_set(rec, level);
		pw_rec_set(rec, PAGEWATCH_PAGE_HUGETLB);
		/*
		 * Unlike a THP under split, a hugetlb folio keeps its size:
		 * the entry's size is the order, also while it migrates.
		 */
		rec->order = ilog2(sz) - PAGE_SHIFT;
	}
}

/*
 * Fill the records of [addr, end), inside hugetlb @vma and one PMD; the
 * caller holds mmap_read_lock and has cleared @rec.
 */
void pw_hugetlb_fill(struct vm_area_struct *vma, unsigned long addr,
		     unsigned long end, struct pagewatch_page *rec)
{
	struct address_space *mapping = vma->vm_file->f_mapping;
	struct hstate *h = hstate_vma(vma);
	unsigned long sz = huge_page_size(h);
	unsigned long idx = (addr & (sz - 1)) >> PAGE_SHIFT;
	unsigned long nr = (end - addr) >> PAGE_SHIFT;
	unsigned long next;
	spinlock_t *ptl;
	pte_t *ptep;
	pte_t pte;

	/* x86 has 2 MiB and 1 GiB hugetlb pages only: one entry per batch */
	if (WARN_ON_ONCE(sz != PMD_SIZE && sz != PUD_SIZE))
		return;
	i_mmap_lock_read(mapping);
	ptep = pw_huge_pte_offset(vma->vm_mm, addr, sz, &next);
	if (!ptep)
		goto out_unlock_mapping;
	ptl = huge_pte_lock(h, vma->vm_mm, ptep);
	/* huge_ptep_get() is ptep_get() on x86; its arguments vary */
	pte = ptep_get(ptep);
	if (pte_present(pte))
		pw_fill_huge_present(vma, pte, sz, idx, rec, nr);
	else if (!pte_none(pte))
		pw_fill_huge_swap(pte, sz, idx, rec, nr);
	spin_unlock(ptl);
out_unlock_mapping:
	i_mmap_unlock_read(mapping);
}

/*
 * SEEK_DATA / SEEK_HOLE in a hugetlb VMA: whether the huge entry covering
 * @addr is data (not none); *@next is where the answer may change. Same
 * locks as the walk, without the PT lock: a hint of the moment.
 */
bool pw_hugetlb_seek(struct vm_area_struct *vma, unsigned long addr,
		     unsigned long *next)
{
	unsigned long sz = huge_page_size(hstate_vma(vma));
	struct address_space *mapping = vma->vm_file->f_mapping;
	pte_t *ptep;
	bool data = false;

	*next = (addr | (sz - 1)) + 1;
	i_mmap_lock_read(mapping);
	ptep = pw_huge_pte_offset(vma->vm_mm, addr, sz, next);
	if (ptep)
		data = !pte_none(ptep_get(ptep));
	i_mmap_unlock_read(mapping);
	return data;
}
