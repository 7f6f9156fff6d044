// SPDX-License-Identifier: GPL-2.0
/*
 * Folding a partial snapshot into a whole one: the pages a refresh read
 * again replace the model's in the ranges it read; the model's pages
 * elsewhere stay as last observed while their mapping does. --events
 * folds flat snapshots here; the session's frames fold theirs in
 * page_store_merge(), with what is shared exported below.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "model/snapshot_merge.h"

bool snapshot_in_ranges(const struct snapshot_range *ranges, size_t nr,
			size_t *r, uint64_t vaddr)
{
	while (*r < nr && ranges[*r].end <= vaddr)
		(*r)++;
	return *r < nr && ranges[*r].start <= vaddr;
}

bool snapshot_in_mapping(const struct snapshot *snap, size_t *m,
			 uint64_t vaddr)
{
	while (*m < snap->nr_mappings && snap->mappings[*m].end <= vaddr)
		(*m)++;
	return *m < snap->nr_mappings && snap->mappings[*m].start <= vaddr;
}

/* The same mappings: their bounds, and with WHOLE their perms and file */
bool snapshot_same_mappings(const struct snapshot *a, const struct snapshot *b,
			    bool whole)
{
	const struct maps_entry *x, *y;

	if (a->nr_mappings != b->nr_mappings)
		return false;
	for (size_t i = 0; i < a->nr_mappings; i++) {
		x = &a->mappings[i];
		y = &b->mappings[i];
		if (x->start != y->start || x->end != y->end)
			return false;
		if (whole && (x->offset != y->offset || x->inode != y->inode ||
			      strcmp(x->perms, y->perms) ||
			      strcmp(x->path, y->path)))
			return false;
	}
	return true;
}

static void append(struct snapshot *merged, const struct snapshot_page *pages,
		   size_t nr)
{
	memcpy(merged->pages + merged->nr_pages, pages, nr * sizeof(*pages));
	merged->nr_pages += nr;
}

/*
 * The mappings did not change (the usual refresh): the model's pages
 * between the ranges keep their mapping indices and move as runs.
 */
static void merge_runs(const struct snapshot *model,
		       const struct snapshot *part,
		       const struct snapshot_range *ranges, size_t nr,
		       struct snapshot *merged, size_t *at)
{
	size_t o = 0, p = 0;

	for (size_t r = 0; r < nr; r++) {
		size_t lo = snapshot_page_index(model, ranges[r].start);
		size_t hi = snapshot_page_index(model, ranges[r].end);
		size_t first = p;

		append(merged, model->pages + o, lo - o);
		for (; p < part->nr_pages && part->pages[p].vaddr < ranges[r].end; p++)
			at[p] = merged->nr_pages + p - first;
		append(merged, part->pages + first, p - first);
		o = hi > o ? hi : o;
	}
	append(merged, model->pages + o, model->nr_pages - o);
}

int snapshot_merge(const struct snapshot *model, struct snapshot *part,
		  const struct snapshot_range *ranges, size_t nr,
		  struct snapshot *merged)
{
	size_t o = 0, p = 0, r = 0, m = 0, *at, cap = merged->cap_pages;
	size_t need = model->nr_pages + part->nr_pages + 1;
	struct snapshot_page *pages = merged->pages;

	memset(merged, 0, sizeof(*merged));
	if (!pages || cap < need) {
		free(pages);
		/*
		 * An eighth more than this merge needs: a spare array (the
		 * session's) then fits the next merges too, whose parts vary
		 * in size; a new array of a large model costs a page fault
		 * per 4 KiB on its first write, tenths of a second.
		 */
		cap = need + need / 8;
		pages = malloc(cap * sizeof(*pages));
	}
	at = malloc((part->nr_pages + 1) * sizeof(*at));
	if (!pages || !at) {
		free(pages);
		free(at);
		return -ENOMEM;
	}
	merged->pages = pages;
	if (snapshot_same_mappings(model, part, false)) {
		merge_runs(model, part, ranges, nr, merged, at);
		goto out_moved;
	}
	/* both sorted by address: one merge walk */
	while (o < model->nr_pages || p < part->nr_pages) {
		const struct snapshot_page *old = o < model->nr_pages ?
						  &model->pages[o] : NULL;
		struct snapshot_page *page;

		if (p < part->nr_pages &&
		    (!old || part->pages[p].vaddr <= old->vaddr)) {
			if (old && old->vaddr == part->pages[p].vaddr)
				o++;
			at[p] = merged->nr_pages;
			merged->pages[merged->nr_pages++] = part->pages[p++];
			continue;
		}
		o++;
		/* read again and gone, or no longer mapped: dropped */
		if (snapshot_in_ranges(ranges, nr, &r, old->vaddr) ||
		    !snapshot_in_mapping(part, &m, old->vaddr))
			continue;
		page = &merged->pages[merged->nr_pages++];
		*page = *old;
		page->mapping = (uint32_t)m;
	}
out_moved:
	merged->cap_pages = cap;
	for (size_t i = 0; i < part->nr_changes; i++)
		part->changes[i].page = at[part->changes[i].page];
	free(at);

	/* the rest of the frame is the newest part's: it moves */
	merged->seq = part->seq;
	merged->pid = part->pid;
	merged->proc = part->proc;
	memcpy(merged->kernel, part->kernel, sizeof(merged->kernel));
	merged->time = part->time;
	merged->sources = part->sources;
	merged->kmod_abi = part->kmod_abi;
	merged->nr_nodes = part->nr_nodes;
	merged->online = part->online;
	merged->nr_online = part->nr_online;
	merged->range_start = part->range_start;
	merged->range_end = part->range_end;
	merged->all = part->all;
	merged->mappings = part->mappings;
	merged->nr_mappings = part->nr_mappings;
	merged->tracked = part->tracked;
	merged->changes = part->changes;
	merged->nr_changes = part->nr_changes;
	part->mappings = NULL;
	part->nr_mappings = 0;
	part->changes = NULL;
	part->nr_changes = 0;
	return 0;
}

static int cmp_range(const void *a, const void *b)
{
	const struct snapshot_range *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

size_t snapshot_ranges_join(struct snapshot_range *r, size_t nr)
{
	return snapshot_ranges_join_near(r, nr, 0);
}

size_t snapshot_ranges_join_near(struct snapshot_range *r, size_t nr,
				 uint64_t gap)
{
	size_t n = 0;

	if (!nr)
		return 0;
	qsort(r, nr, sizeof(*r), cmp_range);
	for (size_t i = 1; i < nr; i++) {
		if (r[i].start <= r[n].end ||
		    r[i].start - r[n].end <= gap) {
			if (r[i].end > r[n].end)
				r[n].end = r[i].end;
			continue;
		}
		r[++n] = r[i];
	}
	return n + 1;
}

/* RANGES[0..NR) without CUT[0..NR_CUT) into V: how many pieces */
static size_t ranges_cut(const struct snapshot_range *ranges, size_t nr,
			 const struct snapshot_range *cut, size_t nr_cut,
			 struct snapshot_range *v)
{
	size_t n = 0, c = 0;

	for (size_t r = 0; r < nr; r++) {
		uint64_t at = ranges[r].start, end = ranges[r].end;

		while (c < nr_cut && cut[c].end <= at)
			c++;
		/* each cut inside splits the range once: NR + NR_CUT at most */
		for (size_t k = c; k < nr_cut && cut[k].start < end; k++) {
			if (cut[k].start > at)
				v[n++] = (struct snapshot_range){ at, cut[k].start };
			if (cut[k].end > at)
				at = cut[k].end;
		}
		if (at < end)
			v[n++] = (struct snapshot_range){ at, end };
	}
	return n;
}

int snapshot_part_cut(struct snapshot *part,
		      const struct snapshot_range *ranges, size_t nr,
		      const struct snapshot_range *cut, size_t nr_cut,
		      struct snapshot_range **rest, size_t *nr_rest)
{
	struct snapshot_range *v;
	size_t c = 0, kept = 0;

	*rest = NULL;
	/* a spool's pages are a read-only mapping of its file */
	if (part->pages_mapped)
		return -EINVAL;
	v = malloc((nr + nr_cut + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	*nr_rest = ranges_cut(ranges, nr, cut, nr_cut, v);
	for (size_t p = 0; p < part->nr_pages; p++) {
		uint64_t vaddr = part->pages[p].vaddr;

		while (c < nr_cut && cut[c].end <= vaddr)
			c++;
		if (c < nr_cut && cut[c].start <= vaddr)
			continue;
		part->pages[kept++] = part->pages[p];
	}
	part->nr_pages = kept;
	*rest = v;
	return 0;
}

/* The facts of a page as read: tracking's results left out */
#define READ_FLAGS	(~(SNAPSHOT_BIT(SNAPSHOT_PAGE_MIGRATED) | \
			   SNAPSHOT_BIT(SNAPSHOT_PAGE_DIVERGED) | \
			   SNAPSHOT_BIT(SNAPSHOT_PAGE_REPLACED) | \
			   SNAPSHOT_BIT(SNAPSHOT_KNOWN_MIGRATED) | \
			   SNAPSHOT_BIT(SNAPSHOT_KNOWN_DIVERGED)))

bool snapshot_same_page(const struct snapshot_page *a,
			const struct snapshot_page *b)
{
	return a->vaddr == b->vaddr && a->pfn == b->pfn &&
	       (a->flags & READ_FLAGS) == (b->flags & READ_FLAGS) &&
	       a->refcount == b->refcount && a->mapcount == b->mapcount &&
	       a->pincount == b->pincount && a->node == b->node &&
	       a->order == b->order && a->swap_type == b->swap_type;
}
