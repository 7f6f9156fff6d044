// SPDX-License-Identifier: GPL-2.0
/*
 * Read-only walk of a target's page tables, one batch (never more than one
 * PTE table) at a time, one struct pagewatch_page per page.
 *
 * Zero perturbation: no faults, no GUP, no folio references, no writes to
 * page tables (so no pmd_trans_unstable(), which calls pmd_clear_bad() on
 * 6.1, and no walk_page_range(), which is not exported anyway).
 *
 * What makes it safe:
 * - mmap_read_lock and an mm_users reference: the VMAs found stay, and
 *   exit_mmap() cannot run; munmap frees tables only for ranges no longer
 *   covered by a VMA, so PGD..PMD tables under a VMA stay put.
 * - Since 6.6 khugepaged (and since 6.14 MADV_DONTNEED) may free a PTE
 *   table under mmap_read_lock, after an RCU grace period. PTE tables are
 *   therefore reached like __pte_offset_map_lock() does (6.5+): under
 *   rcu_read_lock(), the lock found from one PMD value, that PMD checked
 *   again under the lock. That function is not exported on 6.12; its
 *   inline parts are, and the scheme is harmless on 6.1.
 * - THP split and mprotect pass through a transient PMD under the PMD
 *   lock, so a PMD leaf or non-present PMD is read under pmd_lock().
 * - With the PTE or PMD lock held over a present or migration entry, its
 *   folio cannot be unmapped, split, freed or migrated away: pw_page_fill()
 *   reads its counters without taking a reference.
 * - Records go to a kernel buffer; the caller copies them to user space
 *   after every lock is dropped (the reader may be the target itself).
 */
#include <linux/mm.h>
#include <linux/pgtable.h>
#include <linux/rcupdate.h>
#include <linux/spinlock.h>
#include <linux/swap.h>
#include <linux/swapops.h>
#include <linux/userfaultfd_k.h>

#include "pw.h"

static bool pw_pmd_devmap(pmd_t pmd)
{
#ifdef PW_HAVE_PMD_DEVMAP
	return pmd_devmap(pmd);
#else
	return false;
#endif
}

static void pw_fill_none(struct pagewatch_page *rec, unsigned long nr)
{
	while (nr--)
		pw_rec_clear(rec++);
}

static void pw_fill_flag(struct pagewatch_page *rec, unsigned long nr,
			 unsigned int bit)
{
	while (nr--)
		pw_rec_set(rec++, bit);
}

#ifndef pte_savedwrite
/*
 * vma_wants_manual_pte_write_upgrade() (6.2+, include/linux/mm.h):
 * private: VM_WRITE. Shared: vma_wants_writenotify(vma, vma->vm_page_prot),
 * asked with the protection vma_set_page_prot() already stripped of write
 * when write-notify is armed. It answers true early only for vm_ops with
 * page_mkwrite or pfn_mkwrite; for any other VMA (shmem, memfd, shared
 * anon) the stripped protection differs from vm_pgprot_modify() of the
 * flags, so it answers false even when soft-dirty tracking (clear_refs 4)
 * or uffd-wp armed write-notify: the hint fault maps such a page
 * read-only (checked against 6.12.117 mm/mmap.c, mm/memory.c).
 */
static bool pw_vma_manual_write_upgrade(struct vm_area_struct *vma)
{
	const struct vm_operations_struct *ops = vma->vm_ops;

	if (!(vma->vm_flags & VM_WRITE))
		return false;
	if (!(vma->vm_flags & VM_SHARED))
		return true;
	return ops && (ops->page_mkwrite || ops->pfn_mkwrite);
}

/*
 * Whether the NUMA hint fault will map the page writable. Since 6.2
 * (commits 6a56ccbcf6c6, d6379159f476) no saved write bit exists and
 * do_numa_page() / do_huge_pmd_numa_page() decide at fault time:
 * writable if pte_modify(entry, vm_page_prot) is, else if
 * vma_wants_manual_pte_write_upgrade() and can_change_pte_writable()
 * hold. pte_modify() cannot link (cc_mask is not exported), and
 * can_change_pte_writable() is not exported; both are rebuilt from their
 * inputs. pte_modify() takes the access bits from vm_page_prot and keeps
 * dirty (x86 >= 6.6: saved-dirty, which pte_dirty() includes), soft-dirty
 * and uffd-wp, so those are read from the hint entry itself.
 */
static bool pw_numa_writable(struct vm_area_struct *vma, bool dirty,
			     bool soft_dirty, bool uffd_wp, bool anon_exclusive)
{
	if (pte_write(__pte(pgprot_val(vma->vm_page_prot))))
		return true;
	if (!pw_vma_manual_write_upgrade(vma))
		return false;
	/* can_change_pte_writable(): soft-dirty tracking wants the fault */
	if (IS_ENABLED(CONFIG_MEM_SOFT_DIRTY) &&
	    !(vma->vm_flags & VM_SOFTDIRTY) && !soft_dirty)
		return false;
	if (uffd_wp)
		return false;
	if (!(vma->vm_flags & VM_SHARED))
		return anon_exclusive;
	/* shared: clean may still need the write fault for writenotify */
	return dirty;
}
#endif

static bool pw_pte_savedwrite(struct vm_area_struct *vma, pte_t pte,
			      const struct pagewatch_page *rec)
{
#ifdef pte_savedwrite
	/* up to 6.1 change_pte_range() keeps the write bit in hint entries */
	return pte_savedwrite(pte);
#else
	/* vm_normal_page() && PageAnon() && PageAnonExclusive() */
	return pw_numa_writable(vma, pte_dirty(pte), pte_soft_dirty(pte),
				userfaultfd_pte_wp(vma, pte),
				pw_rec_test(rec, PAGEWATCH_PAGE_ANON_EXCLUSIVE));
#endif
}

static bool pw_pmd_savedwrite(struct vm_area_struct *vma, pmd_t pmd,
			      bool anon_exclusive)
{
#ifdef pmd_savedwrite
	return pmd_savedwrite(pmd);
#else
	/* can_change_pmd_writable(): vm_normal_page_pmd() is the head */
	return pw_numa_writable(vma, pmd_dirty(pmd), pmd_soft_dirty(pmd),
				userfaultfd_huge_pmd_wp(vma, pmd),
				anon_exclusive);
#endif
}

/*
 * x86 pte_write()/pmd_write() are also true for shadow-stack entries
 * (Write=0, Dirty=1: 6.6+, X86_USER_SHADOW_STACK), which only shadow-stack
 * instructions may write: not "writable now".
 */
static bool pw_pte_writable(pte_t pte)
{
#ifdef PW_HAVE_PTE_SHSTK
	if (pte_shstk(pte))
		return false;
#endif
	return pte_write(pte);
}

static bool pw_pmd_writable(pmd_t pmd)
{
#ifdef PW_HAVE_PTE_SHSTK
	/* pmd_shstk() came with pte_shstk() */
	if (pmd_shstk(pmd))
		return false;
#endif
	return pmd_write(pmd);
}

static void pw_set_zero(struct pagewatch_page *rec, unsigned long pfn)
{
	pw_rec_set(rec, PAGEWATCH_PAGE_ZERO);
	if (pfn_valid(pfn))
		rec->node = cpu_to_le16(page_to_nid(pfn_to_page(pfn)));
}

/* One PTE, read under its PTE lock; @rec is cleared */
static void pw_fill_pte(struct vm_area_struct *vma, pte_t pte,
			struct pagewatch_page *rec)
{
	unsigned long pfn;

	if (pte_none(pte))
		return;
	if (!pte_present(pte)) {
		pw_fill_pte_swap(pte, rec);
		return;
	}
	/* pte_pfn() undoes the L1TF inversion of PROT_NONE entries */
	pfn = pte_pfn(pte);
	rec->pfn = cpu_to_le64(pfn);
	pw_set_access(rec, vma, pte_protnone(pte), pw_pte_writable(pte),
		      pte_dirty(pte), pte_young(pte));
	/*
	 * vm_normal_page() (not exported) with CONFIG_ARCH_HAS_PTE_SPECIAL,
	 * as on x86 (6.1 and 6.12 mm/memory.c): a special entry has no struct
	 * page, whatever the VMA (remap_pfn_range() and vmf_insert_pfn() /
	 * vmf_insert_mixed() of raw PFNs set it, as does the zero page
	 * since 6.1); any other entry has one, in a VM_PFNMAP / VM_IO /
	 * VM_MIXEDMAP VMA too: a private COW copy of a PFN-mapped page is an
	 * ordinary anonymous page. pfn_valid() stands for the kernel's
	 * highest_memmap_pfn bound.
	 */
	if (is_zero_pfn(pfn))
		pw_set_zero(rec, pfn);
	else if (pte_special(pte) || !pfn_valid(pfn))
		pw_rec_set(rec, PAGEWATCH_PAGE_SPECIAL);
	else
		pw_page_fill(rec, pfn_to_page(pfn));
	if (pw_rec_test(rec, PAGEWATCH_PAGE_PROTNONE) &&
	    pw_pte_savedwrite(vma, pte, rec))
		pw_rec_set(rec, PAGEWATCH_PAGE_SAVEDWRITE);
}

/*
 * The mirror of __pte_offset_map_lock() (6.5+, mm/pgtable-generic.c):
 * -EAGAIN when the PMD no longer points to the same PTE table.
 */
static int pw_walk_ptes(struct vm_area_struct *vma, pmd_t *pmdp,
			unsigned long addr, unsigned long end,
			struct pagewatch_page *rec)
{
	spinlock_t *ptl;
	pte_t *ptep;
	pmd_t pmd;

	rcu_read_lock();
	pmd = pw_pmdp_get(pmdp);
	if (!pw_pmd_is_table(pmd)) {
		rcu_read_unlock();
		return -EAGAIN;
	}
	/* both from the value read, never from *pmdp again */
	ptep = pte_offset_kernel(&pmd, addr);
	ptl = pte_lockptr(vma->vm_mm, &pmd);
	spin_lock(ptl);
	if (unlikely(!pmd_same(pmd, pw_pmdp_get(pmdp)))) {
		spin_unlock(ptl);
		rcu_read_unlock();
		return -EAGAIN;
	}
	for (; addr < end; addr += PAGE_SIZE, ptep++, rec++)
		pw_fill_pte(vma, ptep_get(ptep), rec);
	spin_unlock(ptl);
	rcu_read_unlock();
	return 0;
}

/*
 * The huge zero folio (huge_zero_folio/huge_zero_pfn are not exported) is
 * the one folio PMD-mapped without a mapping (set_huge_zero_folio():
 * anonymous VMAs and DAX holes): an anonymous folio points to its
 * anon_vma, and truncation unmaps a page cache folio before clearing its
 * mapping, which cannot happen while we hold the PMD lock.
 */
static bool pw_folio_is_huge_zero(struct folio *folio)
{
	return !READ_ONCE(folio->mapping);
}

/*
 * A PMD-mapped anonymous folio keeps PG_anon_exclusive on its head page
 * only, for the whole mapping (folio_add_new_anon_rmap() 6.12,
 * __page_set_anon_rmap() 6.1); the PMD split copies it to every page.
 */
static bool pw_head_anon_exclusive(struct page *head)
{
	return PageAnon(head) && !PageKsm(head) && PageAnonExclusive(head);
}

static bool pw_pmd_special(pmd_t pmd)
{
#ifdef PW_HAVE_PMD_SPECIAL
	return pmd_special(pmd);
#else
	return false;
#endif
}

/*
 * vm_normal_page_pmd() (not exported; 6.1 and 6.12 mm/memory.c), but for
 * the huge zero page, which the caller tells apart: whether the PMD leaf
 * of @addr has a struct page to read. 6.12 marks huge PFN maps with
 * pmd_special(); in a VM_PFNMAP VMA the linear remap_pfn_range() frame
 * (vm_pgoff + offset) is a raw PFN and so is anything in a shared one;
 * VM_MIXEDMAP has a page wherever the PFN has a memmap.
 */
static bool pw_pmd_normal(struct vm_area_struct *vma, unsigned long addr,
			  pmd_t pmd)
{
	unsigned long pfn = pmd_pfn(pmd);

	if (pw_pmd_special(pmd) || !pfn_valid(pfn))
		return false;
	if (vma->vm_flags & VM_MIXEDMAP)
		return true;
	if (vma->vm_flags & VM_PFNMAP) {
		if (pfn == vma->vm_pgoff +
			   (((addr & PMD_MASK) - vma->vm_start) >> PAGE_SHIFT))
			return false;
		if (!is_cow_mapping(vma->vm_flags))
			return false;
	}
	return !pw_pmd_devmap(pmd);
}

/* A present PMD leaf, under the PMD lock; @rec is cleared */
static void pw_fill_pmd_leaf(struct vm_area_struct *vma, pmd_t pmd,
			     unsigned long addr, struct pagewatch_page *rec,
			     unsigned long nr)
{
	unsigned long idx = (addr & ~PMD_MASK) >> PAGE_SHIFT;
	unsigned long pfn = pmd_pfn(pmd) + idx;
	struct pagewatch_page proto;
	struct page *head = NULL;
	bool excl = false;
	unsigned long i;

	pw_rec_clear(&proto);
	pw_rec_set(&proto, PAGEWATCH_PAGE_PMD);
	pw_set_access(&proto, vma, pmd_protnone(pmd), pw_pmd_writable(pmd),
		      pmd_dirty(pmd), pmd_young(pmd));
	if (pw_pmd_normal(vma, addr, pmd))
		head = pfn_to_page(pmd_pfn(pmd));
	else
		pw_rec_set(&proto, PAGEWATCH_PAGE_SPECIAL);
	if (head && pw_folio_is_huge_zero(page_folio(head))) {
		/* kpage cannot tell (huge_zero_pfn is not exported); we can */
		pw_set_zero(&proto, pmd_pfn(pmd));
		proto.order = PMD_SHIFT - PAGE_SHIFT;
		pw_rec_set(&proto, PAGEWATCH_PAGE_THP);
		head = NULL;
	}
	if (head)
		excl = pw_head_anon_exclusive(head);
	if (pw_rec_test(&proto, PAGEWATCH_PAGE_PROTNONE) &&
	    pw_pmd_savedwrite(vma, pmd, excl))
		pw_rec_set(&proto, PAGEWATCH_PAGE_SAVEDWRITE);

	for (i = 0; i < nr; i++) {
		rec[i] = proto;
		rec[i].pfn = cpu_to_le64(pfn + i);
	}
	if (!head)
		return;
	/* one folio under the PMD lock: read once, then each mapcount */
	pw_page_fill(rec, pfn_to_page(pfn));
	pw_rec_assign(rec, PAGEWATCH_PAGE_ANON_EXCLUSIVE, excl);
	pw_folio_fill_rest(rec, pfn_to_page(pfn), nr);
}

static void pw_fill_pmd_migration(pmd_t pmd, unsigned long idx,
				  struct pagewatch_page *rec, unsigned long nr)
{
	swp_entry_t entry = pmd_to_swp_entry(pmd);
	unsigned long pfn = swp_offset_pfn(entry) + idx;
	unsigned long i;

	for (i = 0; i < nr; i++, rec++) {
		pw_rec_set(rec, PAGEWATCH_PAGE_PMD);
		pw_fill_migration(rec, pfn + i, entry);
	}
}

/* A PMD that is not a table: decide under the PMD lock, like THP code */
static int pw_walk_pmd_locked(struct vm_area_struct *vma, pmd_t *pmdp,
			      unsigned long addr, unsigned long end,
			      struct pagewatch_page *rec)
{
	unsigned long idx = (addr & ~PMD_MASK) >> PAGE_SHIFT;
	unsigned long nr = (end - addr) >> PAGE_SHIFT;
	spinlock_t *ptl;
	pmd_t pmd;
	int ret = 0;

	ptl = pmd_lock(vma->vm_mm, pmdp);
	pmd = pw_pmdp_get(pmdp);
	if (pw_pmd_is_table(pmd))
		ret = -EAGAIN;
	else if (is_pmd_migration_entry(pmd))
		pw_fill_pmd_migration(pmd, idx, rec, nr);
	else if (pmd_present(pmd) && pmd_leaf(pmd))
		pw_fill_pmd_leaf(vma, pmd, addr, rec, nr);
	/* else none, or bad: left not present */
	spin_unlock(ptl);
	return ret;
}

static void pw_walk_pmd(struct vm_area_struct *vma, pmd_t *pmdp,
			unsigned long addr, unsigned long end,
			struct pagewatch_page *rec)
{
	unsigned int tries;
	pmd_t pmd;
	int ret;

	for (tries = 0; tries < PW_WALK_RETRIES; tries++) {
		pmd = pw_pmdp_get(pmdp);
		if (pmd_none(pmd))
			return;
		/* a bad PMD: the kernel would clear it, we only read */
		if (pmd_present(pmd) && !pmd_leaf(pmd) && pmd_bad(pmd))
			return;
		if (pw_pmd_is_table(pmd))
			ret = pw_walk_ptes(vma, pmdp, addr, end, rec);
		else
			ret = pw_walk_pmd_locked(vma, pmdp, addr, end, rec);
		if (ret != -EAGAIN)
			return;
	}
	/* The table kept changing under us: say so rather than guess */
	pw_fill_flag(rec, (end - addr) >> PAGE_SHIFT, PAGEWATCH_PAGE_SKIPPED);
}

static bool pw_pud_devmap(pud_t pud)
{
#ifdef PW_HAVE_PUD_DEVMAP
	return pud_devmap(pud);
#else
	return false;
#endif
}

static bool pw_pud_special(pud_t pud)
{
#ifdef PW_HAVE_PUD_SPECIAL
	return pud_special(pud);
#else
	return false;
#endif
}

/*
 * A PUD leaf outside hugetlb: a DAX (devmap) page or, since 6.12, a huge
 * PFN map (pud_special()); the kernel has no anonymous PUD folios. Read
 * under the PUD lock, which a DAX PUD split takes
 * (__split_huge_pud()); a struct page is read only for an ordinary
 * entry outside PFN maps, as vm_normal_page_pmd() would decide.
 */
static void pw_walk_pud_leaf(struct vm_area_struct *vma, pud_t *pudp,
			     unsigned long addr, struct pagewatch_page *rec,
			     unsigned long nr)
{
	unsigned long idx = (addr & ~PUD_MASK) >> PAGE_SHIFT;
	struct pagewatch_page proto;
	unsigned long pfn, i;
	spinlock_t *ptl;
	bool normal;
	pud_t pud;

	ptl = pud_lock(vma->vm_mm, pudp);
	pud = READ_ONCE(*pudp);
	if (!pud_present(pud) || !pud_leaf(pud))
		goto out_unlock;	/* split or zapped meanwhile */
	pfn = pud_pfn(pud);
	pw_rec_clear(&proto);
	pw_rec_set(&proto, PAGEWATCH_PAGE_PUD);
	pw_set_access(&proto, vma, false, pud_write(pud), pud_dirty(pud),
		      pud_young(pud));
	normal = !pw_vma_pfnmap(vma) && !pw_pud_devmap(pud) &&
		 !pw_pud_special(pud) && pfn_valid(pfn);
	if (!normal)
		pw_rec_set(&proto, PAGEWATCH_PAGE_SPECIAL);
	for (i = 0; i < nr; i++, rec++) {
		*rec = proto;
		rec->pfn = cpu_to_le64(pfn + idx + i);
		if (normal)
			pw_page_fill(rec, pfn_to_page(pfn + idx + i));
	}
out_unlock:
	spin_unlock(ptl);
}

/* [addr, end) lies in @vma and in one PMD */
static void pw_walk_vma(struct vm_area_struct *vma, unsigned long addr,
			unsigned long end, struct pagewatch_page *rec)
{
	unsigned long nr = (end - addr) >> PAGE_SHIFT;
	pgd_t *pgdp, pgd;
	p4d_t *p4dp, p4d;
	pud_t *pudp, pud;

	pw_fill_none(rec, nr);
	/* hugetlb tables need their own locks: see pw_hugetlb.c */
	if (is_vm_hugetlb_page(vma)) {
		pw_hugetlb_fill(vma, addr, end, rec);
		return;
	}
	/* upper levels under a VMA only ever go from none to a table */
	pgdp = pgd_offset(vma->vm_mm, addr);
	pgd = READ_ONCE(*pgdp);
	if (pgd_none(pgd) || pgd_bad(pgd))
		return;
	p4dp = p4d_offset(pgdp, addr);
	p4d = READ_ONCE(*p4dp);
	if (p4d_none(p4d) || p4d_bad(p4d))
		return;
	pudp = pud_offset(p4dp, addr);
	pud = READ_ONCE(*pudp);
	if (pud_none(pud))
		return;
	if (pud_leaf(pud)) {
		pw_walk_pud_leaf(vma, pudp, addr, rec, nr);
		return;
	}
	if (!pud_present(pud) || pud_bad(pud))
		return;
	pw_walk_pmd(vma, pmd_offset(pudp, addr), addr, end, rec);
}

/*
 * Fill @nr records for the pages from @addr (page aligned, within one
 * PMD). The caller holds an mm_users reference (so exit_mmap() cannot
 * run) and no lock.
 */
static int pw_walk_batch(struct mm_struct *mm, unsigned long addr,
			 unsigned long nr, struct pagewatch_page *rec)
{
	unsigned long end = addr + (nr << PAGE_SHIFT);
	struct vm_area_struct *vma;
	unsigned long next;

	if (mmap_read_lock_killable(mm))
		return -EINTR;
	while (addr < end) {
		vma = find_vma(mm, addr);
		if (!vma || vma->vm_start >= end) {
			pw_fill_none(rec, (end - addr) >> PAGE_SHIFT);
			break;
		}
		if (vma->vm_start > addr) {
			next = vma->vm_start;
			pw_fill_none(rec, (next - addr) >> PAGE_SHIFT);
			rec += (next - addr) >> PAGE_SHIFT;
			addr = next;
		}
		next = min(end, vma->vm_end);
		pw_walk_vma(vma, addr, next, rec);
		rec += (next - addr) >> PAGE_SHIFT;
		addr = next;
	}
	mmap_read_unlock(mm);
	return 0;
}

/*
 * pw_source fill() for virtual pages: one batch, up to the next PMD
 * boundary, so it takes at most one PTE table lock.
 */
long pw_walk_fill(struct pw_source *src, unsigned long vpn,
		  unsigned long left, struct pagewatch_page *buf)
{
	unsigned long addr = vpn << PAGE_SHIFT;
	unsigned long nr = (PMD_SIZE - (addr & ~PMD_MASK)) >> PAGE_SHIFT;
	int ret;

	nr = min3(nr, left, (unsigned long)PW_BATCH);
	if (WARN_ON_ONCE(!nr || vpn >= src->end))
		return -EINVAL;
	ret = pw_walk_batch(src->mm, addr, nr, buf);
	return ret ? ret : nr;
}
