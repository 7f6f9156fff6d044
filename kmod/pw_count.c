// SPDX-License-Identifier: GPL-2.0
/*
 * Counts of a range of records, for PAGEWATCH_IOC_COUNT on the pages
 * file: the records a read would return, filled batch by batch by the
 * same source into a kernel buffer and counted there instead of being
 * copied out. A summary of a mapping then costs one call, not 32 bytes a
 * page through user space, and cannot differ from what a read counts.
 */
#include <linux/bitops.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>

#include "pw.h"

#define PW_HAS_STATE	(BIT_ULL(PAGEWATCH_PAGE_PRESENT) |	\
			 BIT_ULL(PAGEWATCH_PAGE_SWAP) |		\
			 BIT_ULL(PAGEWATCH_PAGE_MIGRATION))

/* @n records with @flags on @node into @c */
static void pw_count_run(struct pagewatch_count *c, u64 flags, u16 node,
			 unsigned long n)
{
	u64 bits = flags;

	if (!flags)
		return;
	if (flags & PW_HAS_STATE)
		c->with_state += n;
	while (bits) {
		c->flag[__ffs64(bits)] += n;
		bits &= bits - 1;
	}
	if (!(flags & BIT_ULL(PAGEWATCH_PAGE_PRESENT)) ||
	    node == PAGEWATCH_NODE_NONE)
		return;
	if (node >= PAGEWATCH_COUNT_NODES) {
		c->present_beyond += n;
		return;
	}
	c->node_present[node] += n;
	if (flags & BIT_ULL(PAGEWATCH_PAGE_HUGETLB))
		c->node_hugetlb[node] += n;
}

/*
 * Count @nr records into @c, a run of alike records (flags and node: a
 * THP's, most of a dense mapping's) at a time; false when none had a flag
 * set.
 */
static bool pw_count_batch(const struct pagewatch_page *rec,
			   unsigned long nr, struct pagewatch_count *c)
{
	unsigned long i, run = 0;
	bool any = false;

	/* a run ends at a record unlike its first, or at the batch's end */
	for (i = 1; i <= nr; i++) {
		if (i < nr && rec[i].flags == rec[run].flags &&
		    rec[i].node == rec[run].node)
			continue;
		any |= rec[run].flags != 0;
		pw_count_run(c, le64_to_cpu(rec[run].flags),
			     le16_to_cpu(rec[run].node), i - run);
		run = i;
	}
	return any;
}

/*
 * Count @nr records of @src from @index into @c (zeroed by the caller).
 * fill() takes and drops its own locks per batch, like a read; between
 * batches we may sleep. After a batch without a flag, an address space's
 * holes are stepped over as SEEK_DATA finds them (pw_seek(): empty VMAs'
 * tables and the gaps between VMAs cost a few loads, not a batch of empty
 * records each), which counts them as the zeros they are.
 * 0, or -errno (-EINTR on a fatal signal).
 */
int pw_count_records(struct pw_source *src, unsigned long index,
		     unsigned long nr, struct pagewatch_count *c)
{
	unsigned long end = index + nr;
	struct pagewatch_page *buf;
	bool seek = src->mm;
	long ret = 0;

	buf = kvmalloc(PW_BATCH_BYTES, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	while (index < end) {
		if (seek) {
			ret = pw_seek(src->mm, index, end, true, &index);
			if (ret || index >= end)
				break;
		}
		ret = src->fill(src, index, end - index, buf);
		if (ret <= 0)
			break;
		seek = src->mm && !pw_count_batch(buf, ret, c);
		index += ret;
		ret = 0;
		cond_resched();
		if (fatal_signal_pending(current)) {
			ret = -EINTR;
			break;
		}
	}
	kvfree(buf);
	return ret < 0 ? ret : 0;
}
