/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pagewatch module internals. Calls only go down these layers, never up
 * nor across:
 *
 *   pw_main.c                         module init/exit, file registration
 *   pw_pages.c pw_target.c pw_text.c  one debugfs file each
 *   pw_journal.c
 *   pw_common.c                       open check, PID lookup, record
 *                                     sources, the text view's target,
 *                                     flag names
 *   pw_count.c                        a source's records, counted
 *   pw_walk.c pw_seek.c               an address space's page tables
 *   pw_hugetlb.c                      the huge PTEs of hugetlb VMAs
 *   pw_entry.c                        one leaf entry in PTE format
 *   pw_page.c                         one page (and the kpage source)
 */
#ifndef _PW_H
#define _PW_H

#include <linux/fs.h>
#include <linux/mm_types.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/pgtable.h>
#include <linux/pid.h>
#include <linux/seq_file.h>
#include <linux/types.h>
#include <pagewatch/abi.h>

#include "compat.h"

/*
 * Records filled per lock hold: one PTE table at most, so a batch never
 * crosses a PMD boundary and never takes more than one PTE lock.
 */
#define PW_BATCH		PTRS_PER_PTE
#define PW_BATCH_BYTES		(PW_BATCH * PAGEWATCH_RECORD_SIZE)

/* Largest range, in pages or PFNs, the text view accepts as target */
#define PW_TEXT_MAX_PAGES	(1UL << 20)

/* Bounded retries when a page table changes under a lockless look */
#define PW_WALK_RETRIES		16

static inline void pw_rec_clear(struct pagewatch_page *rec)
{
	memset(rec, 0, sizeof(*rec));
	rec->node = cpu_to_le16(PAGEWATCH_NODE_NONE);
}

static inline void pw_rec_set(struct pagewatch_page *rec, unsigned int bit)
{
	rec->flags |= cpu_to_le64(BIT_ULL(bit));
}

static inline void pw_rec_assign(struct pagewatch_page *rec, unsigned int bit,
				 bool on)
{
	if (on)
		rec->flags |= cpu_to_le64(BIT_ULL(bit));
	else
		rec->flags &= ~cpu_to_le64(BIT_ULL(bit));
}

static inline bool pw_rec_test(const struct pagewatch_page *rec,
			       unsigned int bit)
{
	return le64_to_cpu(rec->flags) & BIT_ULL(bit);
}

static inline pmd_t pw_pmdp_get(pmd_t *pmdp)
{
#ifdef PW_HAVE_PMDP_GET_LOCKLESS
	return pmdp_get_lockless(pmdp);
#else
	/* 6.1 has no pmdp_get_lockless(); a 64-bit PMD is one load */
	return READ_ONCE(*pmdp);
#endif
}

/*
 * A PMD pointing to a PTE table. x86 pmd_present() is also true for a PMD
 * leaf that THP split has invalidated (PSE kept, PRESENT cleared), so test
 * the leaf bit too. A "bad" PMD would be cleared by the kernel; it is
 * reported as not present, we never write.
 */
static inline bool pw_pmd_is_table(pmd_t pmd)
{
	return pmd_present(pmd) && !pmd_leaf(pmd) && !pmd_bad(pmd);
}

/*
 * VMAs of raw PFNs: vm_normal_page() and vm_normal_page_pmd() give a
 * struct page there only for entries the kernel marks as ordinary (a
 * private COW copy, an inserted page); VM_IO alone says nothing.
 */
static inline bool pw_vma_pfnmap(struct vm_area_struct *vma)
{
	return vma->vm_flags & (VM_PFNMAP | VM_MIXEDMAP);
}

/* A target of the text view, or the binding of a pages file */
enum pw_target_kind {
	PW_TARGET_NONE,
	PW_TARGET_PID,
	PW_TARGET_PFN,
};

struct pw_target {
	enum pw_target_kind kind;
	pid_t nr;		/* the PID as written */
	struct pid *pid;	/* get_pid()ed for PW_TARGET_PID */
	unsigned long start;	/* address or PFN */
	unsigned long end;	/* exclusive */
};

/*
 * Records by index: virtual page number (pages, text of a PID) or PFN
 * (kpage, text of a PFN range). fill() writes up to @left records from
 * @index into @buf (never more than PW_BATCH) and returns how many, or
 * -errno; it runs with no lock held and takes what it needs itself.
 */
struct pw_source {
	struct mm_struct *mm;	/* PID sources: caller holds mm_users */
	unsigned long end;	/* index past the last record */
	long (*fill)(struct pw_source *src, unsigned long index,
		     unsigned long left, struct pagewatch_page *buf);
};

/* pw_pages.c */
extern const struct file_operations pw_pages_fops;
extern const struct file_operations pw_kpage_fops;

/* pw_target.c */
extern const struct file_operations pw_target_fops;

/* pw_text.c */
extern const struct file_operations pw_text_fops;

/* pw_journal.c */
extern const struct file_operations pw_journal_fops;
void pw_journal_exit(void);

/* pw_common.c */
int pw_open_check(struct inode *inode, struct file *file);
int pw_bind_check(void);
struct pid *pw_bind_pid(pid_t nr);
int pw_mm_of_pid(struct pid *pid, struct mm_struct **mmp);
int pw_bind_mm(pid_t nr, struct mm_struct **mmp);
void pw_source_pid(struct pw_source *src, struct mm_struct *mm);
void pw_source_pfn(struct pw_source *src);
void pw_seq_flag_lines(struct seq_file *m);
void pw_seq_flags(struct seq_file *m, u64 flags);
void pw_target_get(struct pw_target *copy);
void pw_target_put(struct pw_target *copy);
void pw_target_set(struct pw_target *new);
void pw_target_exit(void);

/* pw_count.c */
int pw_count_records(struct pw_source *src, unsigned long index,
		     unsigned long nr, struct pagewatch_count *c);

/* pw_walk.c */
long pw_walk_fill(struct pw_source *src, unsigned long vpn,
		  unsigned long left, struct pagewatch_page *buf);

/* pw_seek.c */
int pw_seek(struct mm_struct *mm, unsigned long vpn, unsigned long end,
	    bool want_data, unsigned long *found);

/* pw_hugetlb.c */
void pw_hugetlb_fill(struct vm_area_struct *vma, unsigned long addr,
		     unsigned long end, struct pagewatch_page *rec);
bool pw_hugetlb_seek(struct vm_area_struct *vma, unsigned long addr,
		     unsigned long *next);

/* pw_entry.c */
void pw_set_access(struct pagewatch_page *rec, struct vm_area_struct *vma,
		   bool protnone, bool write, bool dirty, bool young);
void pw_fill_migration(struct pagewatch_page *rec, unsigned long pfn,
		       swp_entry_t entry);
void pw_fill_pte_swap(pte_t pte, struct pagewatch_page *rec);

/* pw_page.c */
void pw_page_fill(struct pagewatch_page *rec, struct page *page);
void pw_folio_fill_rest(struct pagewatch_page *rec, struct page *page,
			unsigned long nr);
long pw_kpage_fill(struct pw_source *src, unsigned long pfn,
		   unsigned long left, struct pagewatch_page *buf);
unsigned long pw_kpage_end_pfn(void);

#endif /* _PW_H */
