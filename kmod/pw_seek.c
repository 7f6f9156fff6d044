// SPDX-License-Identifier: GPL-2.0
/*
 * Where the data and the holes of an address space are, for SEEK_DATA and
 * SEEK_HOLE on the pages file. A page is data when its record has a flag
 * set (an entry at some level: present, swap, migration, marker, or a
 * range the walk reports skipped), a hole when it reads as an empty record
 * (no VMA, or none or bad at some level). Empty upper levels are stepped
 * over whole, so a search across a terabyte reservation costs a few loads.
 *
 * Same rules as pw_walk.c, without its locks below the VMA (but for
 * i_mmap_rwsem in hugetlb VMAs, whose PMD tables may be shared and
 * unshared under it: see pw_hugetlb.c): the answer is
 * a hint of the moment, like SEEK_DATA on a file being written, and a read
 * that follows may find the tables changed. mmap_read_lock and an
 * mm_users reference keep the VMAs and the tables above PTE level; a PTE
 * table is read under rcu_read_lock(), as __pte_offset_map() does (since
 * 6.6 one may be freed under mmap_read_lock, after a grace period; 6.1
 * frees none while it is held). Nothing is written.
 */
#include <linux/hugetlb_inline.h>
#include <linux/mm.h>
#include <linux/pgtable.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/swap.h>
#include <linux/swapops.h>

#include "pw.h"

/* Steps (a VMA, or one entry at some level) per mmap_read_lock hold */
#define PW_SEEK_STEPS		512

struct pw_seek_state {
	unsigned long addr;	/* where the search stands */
	bool want_data;		/* SEEK_DATA; SEEK_HOLE when false */
	bool found;		/* what is wanted starts at addr */
};

/* [s->addr, next) is all data (@data) or all hole: stop, or go past it */
static void pw_seek_span(struct pw_seek_state *s, bool data,
			 unsigned long next)
{
	if (data == s->want_data)
		s->found = true;
	else
		s->addr = next;
}

/* The PTEs of one table from s->addr up to @end; under rcu_read_lock() */
static void pw_seek_ptes(struct pw_seek_state *s, pmd_t pmd,
			 unsigned long end)
{
	pte_t *ptep = pte_offset_kernel(&pmd, s->addr);

	for (; s->addr < end; s->addr += PAGE_SIZE, ptep++) {
		if (!pte_none(ptep_get(ptep)) == s->want_data) {
			s->found = true;
			return;
		}
	}
}

/* As pw_walk_pmd(): a leaf or migration entry is data, none or bad not */
static void pw_seek_pmd(struct pw_seek_state *s, pmd_t *pmdp,
			unsigned long end)
{
	pmd_t pmd;

	rcu_read_lock();
	pmd = pw_pmdp_get(pmdp);
	if (pw_pmd_is_table(pmd))
		pw_seek_ptes(s, pmd, end);
	else
		pw_seek_span(s, is_pmd_migration_entry(pmd) ||
			     (pmd_present(pmd) && pmd_leaf(pmd)), end);
	rcu_read_unlock();
}

/* As pw_walk_pud_leaf(): a present leaf is data */
static bool pw_seek_pud_leaf_data(pud_t pud)
{
	return pud_present(pud);
}

/* One huge entry of a hugetlb VMA, from s->addr up to at most @end */
static void pw_seek_hugetlb(struct pw_seek_state *s,
			    struct vm_area_struct *vma, unsigned long end)
{
	unsigned long next;
	bool data = pw_hugetlb_seek(vma, s->addr, &next);

	pw_seek_span(s, data, min(next, end));
}

/* One step inside @vma, from s->addr up to @end (at most vm_end) */
static void pw_seek_vma(struct pw_seek_state *s, struct vm_area_struct *vma,
			unsigned long end)
{
	unsigned long addr = s->addr;
	pgd_t *pgdp, pgd;
	p4d_t *p4dp, p4d;
	pud_t *pudp, pud;

	pgdp = pgd_offset(vma->vm_mm, addr);
	pgd = READ_ONCE(*pgdp);
	if (pgd_none(pgd) || pgd_bad(pgd)) {
		pw_seek_span(s, false, pgd_addr_end(addr, end));
		return;
	}
	p4dp = p4d_offset(pgdp, addr);
	p4d = READ_ONCE(*p4dp);
	if (p4d_none(p4d) || p4d_bad(p4d)) {
		pw_seek_span(s, false, p4d_addr_end(addr, end));
		return;
	}
	pudp = pud_offset(p4dp, addr);
	pud = READ_ONCE(*pudp);
	if (pud_none(pud))
		pw_seek_span(s, false, pud_addr_end(addr, end));
	else if (pud_leaf(pud))
		pw_seek_span(s, pw_seek_pud_leaf_data(pud),
			     pud_addr_end(addr, end));
	else if (!pud_present(pud) || pud_bad(pud))
		pw_seek_span(s, false, pud_addr_end(addr, end));
	else
		pw_seek_pmd(s, pmd_offset(pudp, addr), pmd_addr_end(addr, end));
}

/* One lock hold of the search: up to PW_SEEK_STEPS steps towards @end */
static void pw_seek_steps(struct pw_seek_state *s, struct mm_struct *mm,
			  unsigned long end)
{
	struct vm_area_struct *vma;
	unsigned int steps;

	for (steps = 0; steps < PW_SEEK_STEPS; steps++) {
		if (s->found || s->addr >= end)
			return;
		vma = find_vma(mm, s->addr);
		if (!vma || vma->vm_start >= end)
			pw_seek_span(s, false, end);
		else if (vma->vm_start > s->addr)
			pw_seek_span(s, false, vma->vm_start);
		else if (is_vm_hugetlb_page(vma))
			pw_seek_hugetlb(s, vma, min(end, vma->vm_end));
		else
			pw_seek_vma(s, vma, min(end, vma->vm_end));
	}
}

/*
 * The first page at or after @vpn and before @end that is data
 * (@want_data) or a hole, in *@found; @end when there is none. The caller
 * holds an mm_users reference and no lock. -EINTR on a fatal signal.
 */
int pw_seek(struct mm_struct *mm, unsigned long vpn, unsigned long end,
	    bool want_data, unsigned long *found)
{
	struct pw_seek_state s = {
		.addr = vpn << PAGE_SHIFT,
		.want_data = want_data,
	};
	unsigned long end_addr = end << PAGE_SHIFT;

	while (!s.found && s.addr < end_addr) {
		if (mmap_read_lock_killable(mm))
			return -EINTR;
		pw_seek_steps(&s, mm, end_addr);
		mmap_read_unlock(mm);
		if (s.found)
			break;
		cond_resched();
		if (fatal_signal_pending(current))
			return -EINTR;
	}
	*found = s.found ? s.addr >> PAGE_SHIFT : end;
	return 0;
}
