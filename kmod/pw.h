/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pagewatch module internals: the seams between the debugfs files
 * (pw_main.c, pw_pages.c, pw_target.c, pw_text.c) and the collectors that
 * fill records (pw_walk.c for an address space, pw_page.c for one page).
 */
#ifndef _PW_H
#define _PW_H

#include <linux/fs.h>
#include <linux/mm_types.h>
#include <linux/mutex.h>
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

/* A target of the text view, or the binding of a pages file */
enum pw_target_kind {
	PW_TARGET_NONE,
	PW_TARGET_PID,
	PW_TARGET_PFN,
};

struct pw_target {
	enum pw_target_kind kind;
	pid_t pid;
	struct mm_struct *mm;	/* mmgrab()ed for PW_TARGET_PID */
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

/* pw_main.c */
int pw_open_check(struct inode *inode, struct file *file);
extern const struct file_operations pw_version_fops;

/* pw_pages.c */
extern const struct file_operations pw_pages_fops;
extern const struct file_operations pw_kpage_fops;
int pw_mm_of_pid(pid_t pid, struct mm_struct **mmp);
void pw_source_pid(struct pw_source *src, struct mm_struct *mm);
void pw_source_pfn(struct pw_source *src);

/* pw_target.c */
extern const struct file_operations pw_target_fops;
void pw_target_get(struct pw_target *copy);
void pw_target_put(struct pw_target *copy);
void pw_target_exit(void);

/* pw_text.c */
extern const struct file_operations pw_text_fops;
void pw_seq_flag_lines(struct seq_file *m);

/* pw_walk.c */
long pw_walk_fill(struct pw_source *src, unsigned long vpn,
		  unsigned long left, struct pagewatch_page *buf);

/* pw_page.c */
void pw_page_fill(struct pagewatch_page *rec, struct page *page);
long pw_kpage_fill(struct pw_source *src, unsigned long pfn,
		   unsigned long left, struct pagewatch_page *buf);
unsigned long pw_kpage_end_pfn(void);

#endif /* _PW_H */
