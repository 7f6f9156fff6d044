// SPDX-License-Identifier: GPL-2.0
/* Change tracking between two snapshots: migration and pin divergence. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "model/track.h"

static bool present_with_pfn(const struct snapshot_page *page)
{
	return snapshot_page_test(page, PAGEWATCH_PAGE_PRESENT) &&
	       snapshot_page_known(page, SNAPSHOT_KNOWN_PFN);
}

static bool node_changed(const struct snapshot_page *old,
			 const struct snapshot_page *new)
{
	return snapshot_page_known(old, SNAPSHOT_KNOWN_NODE) &&
	       snapshot_page_known(new, SNAPSHOT_KNOWN_NODE) &&
	       old->node != new->node;
}

static int add_change(struct snapshot *new, size_t *cap, size_t index,
		      const struct snapshot_page *old)
{
	struct snapshot_change *change;

	if (new->nr_changes == *cap) {
		size_t n = *cap ? 2 * *cap : 64;
		struct snapshot_change *grown;

		grown = realloc(new->changes, n * sizeof(*grown));
		if (!grown)
			return -ENOMEM;
		new->changes = grown;
		*cap = n;
	}
	change = &new->changes[new->nr_changes++];
	change->page = index;
	change->old_pfn = old->pfn;
	change->old_node = snapshot_page_known(old, SNAPSHOT_KNOWN_NODE) ?
			   old->node : PAGEWATCH_NODE_NONE;
	change->via_node = PAGEWATCH_NODE_NONE;
	return 0;
}

/*
 * Need the old PFN of change C be asked about? Not for a page that went
 * to another node and was seen not pinned before: the kernel migrates no
 * folio that a pin holds (folio_migrate_mapping() wants its refcount to
 * be the expected one), so a pin could only have come after that look
 * and before a replacement that was no migration. A mover of thousands
 * of pages a second would otherwise cost one read per old PFN.
 */
static bool ask_old_pfn(const struct snapshot *old, const struct snapshot *new,
			const struct snapshot_change *c, size_t *at)
{
	const struct snapshot_page *page = &new->pages[c->page];
	/* changes come in address order: each seek starts at the last */
	size_t o = *at = snapshot_page_seek(old, *at, page->vaddr);
	const struct snapshot_page *prev = &old->pages[o];

	if (o == old->nr_pages || prev->vaddr != page->vaddr ||
	    !node_changed(prev, page))
		return true;
	return !snapshot_page_known(prev, SNAPSHOT_KNOWN_KMOD) ||
	       snapshot_page_test(prev, PAGEWATCH_PAGE_MAYBE_PINNED);
}

/* Ask once, for every changed page at once, whether its old PFN is pinned. */
static int mark_diverged(const struct snapshot *old, struct snapshot *new,
			 const struct track_pin_query *query)
{
	uint64_t *pfns = NULL;
	bool *pinned = NULL, *ask = NULL;
	size_t nr = 0, at = 0;
	int err = -ENOMEM;

	pfns = malloc((new->nr_changes ? new->nr_changes : 1) * sizeof(*pfns));
	pinned = malloc((new->nr_changes ? new->nr_changes : 1) * sizeof(*pinned));
	if (!pfns || !pinned)
		goto out_free;
	ask = malloc((new->nr_changes ? new->nr_changes : 1) * sizeof(*ask));
	if (!ask)
		goto out_free;
	for (size_t i = 0; i < new->nr_changes; i++) {
		const struct snapshot_page *page = &new->pages[new->changes[i].page];

		ask[i] = new->changes[i].old_pfn != page->pfn &&
			 ask_old_pfn(old, new, &new->changes[i], &at);
		if (ask[i])
			pfns[nr++] = new->changes[i].old_pfn;
	}
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
		if (ask[i] && pinned[nr++])
			page->flags |= SNAPSHOT_BIT(SNAPSHOT_PAGE_DIVERGED);
	}
out_free:
	free(pfns);
	free(pinned);
	free(ask);
	return err;
}

int track_compare(const struct snapshot *old, struct snapshot *new,
		  const struct track_pin_query *query)
{
	size_t o = 0, cap = 0;
	int err;

	free(new->changes);
	new->changes = NULL;
	new->nr_changes = 0;
	new->tracked = true;

	/* both page arrays are sorted by address: one merge walk */
	for (size_t n = 0; n < new->nr_pages; n++) {
		struct snapshot_page *page = &new->pages[n];
		const struct snapshot_page *prev;

		o = snapshot_page_seek(old, o, page->vaddr);
		if (o == old->nr_pages || old->pages[o].vaddr != page->vaddr)
			continue;
		prev = &old->pages[o];
		if (!present_with_pfn(prev) || !present_with_pfn(page))
			continue;
		page->flags |= SNAPSHOT_BIT(SNAPSHOT_KNOWN_MIGRATED);
		if (prev->pfn == page->pfn && !node_changed(prev, page)) {
			/* same page: not diverged either */
			page->flags |= SNAPSHOT_BIT(SNAPSHOT_KNOWN_DIVERGED);
			continue;
		}
		/*
		 * Another PFN is another page (freed and faulted again, COW,
		 * or migrated); migrated only when it was seen on another node.
		 */
		if (prev->pfn != page->pfn)
			page->flags |= SNAPSHOT_BIT(SNAPSHOT_PAGE_REPLACED);
		if (node_changed(prev, page))
			page->flags |= SNAPSHOT_BIT(SNAPSHOT_PAGE_MIGRATED);
		err = add_change(new, &cap, n, prev);
		if (err)
			return err;
	}
	if (!query || !new->nr_changes)
		return 0;
	err = mark_diverged(old, new, query);
	/* a failed pin query leaves divergence unknown, not the snapshot */
	return err == -ENOMEM ? err : 0;
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
