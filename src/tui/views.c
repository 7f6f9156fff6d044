// SPDX-License-Identifier: GPL-2.0
/*
 * The views of a frame: which mappings and pages the panes list, after the
 * filter; rebuilt only when the frame, the filter or the mapping changes.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "model/track.h"
#include "tui/ui.h"

const struct tui_map_row *tui_selected_map(const struct tui *t)
{
	if (!t->nr_map_rows || t->maps.selected >= t->nr_map_rows)
		return NULL;
	return &t->map_rows[t->maps.selected];
}

const struct snapshot_page *tui_selected_page(struct tui *t)
{
	if (!t->frame || !t->nr_page_rows || t->pages.selected >= t->nr_page_rows)
		return NULL;
	page_store_get(&t->frame->store, tui_page_index(t, t->pages.selected),
		       &t->sel_page);
	return &t->sel_page;
}

const struct snapshot_page *tui_page_view(const struct tui *t, size_t index,
					  struct tui_page_view *v)
{
	const struct snapshot *frame = &t->frame->snap;
	const struct snapshot_change *c = track_find(frame, index);

	v->snap = *frame;
	page_store_get(&t->frame->store, index, &v->page);
	v->snap.pages = &v->page;
	v->snap.nr_pages = 1;
	v->snap.changes = c ? &v->change : NULL;
	v->snap.nr_changes = c ? 1 : 0;
	if (c) {
		v->change = *c;
		v->change.page = 0;
	}
	return &v->page;
}

void tui_select_page_at(struct tui *t, uint64_t vaddr)
{
	const struct page_store *st = &t->frame->store;
	size_t lo = 0, hi = t->nr_page_rows;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (page_store_vaddr(st, tui_page_index(t, mid)) < vaddr)
			lo = mid + 1;
		else
			hi = mid;
	}
	panel_select(&t->pages, lo < t->nr_page_rows ? lo :
		     (t->nr_page_rows ? t->nr_page_rows - 1 : 0));
	t->sel_vaddr = vaddr;
}

/* Indices of the pages of ROW that pass the filter */
static int filter_pages(struct tui *t, const struct tui_map_row *row)
{
	struct page_store_iter it;
	struct snapshot_page page;
	size_t n = 0, *shrunk;

	/* room for all, of which only what is written is touched */
	t->page_rows = malloc((row->last - row->first + 1) *
			      sizeof(*t->page_rows));
	if (!t->page_rows)
		return -1;
	page_store_iter_init(&it, &t->frame->store, row->first);
	while (it.index < row->last && page_store_next(&it, &page))
		if (filter_match(&t->filter, &page))
			t->page_rows[n++] = it.index - 1;
	shrunk = realloc(t->page_rows, (n + 1) * sizeof(*t->page_rows));
	if (shrunk)
		t->page_rows = shrunk;
	t->nr_page_rows = n;
	return 0;
}

static int rebuild_pages(struct tui *t)
{
	const struct tui_map_row *row = tui_selected_map(t);

	free(t->page_rows);
	t->page_rows = NULL;
	t->page_first = 0;
	t->nr_page_rows = 0;
	if (row && t->have_filter) {
		if (filter_pages(t, row))
			return -1;
	} else if (row) {
		t->page_first = row->first;
		t->nr_page_rows = row->last - row->first;
	}
	panel_set_nr(&t->pages, t->nr_page_rows);
	tui_select_page_at(t, t->sel_vaddr);
	return 0;
}

static void restore_map_selection(struct tui *t)
{
	const struct snapshot *snap = &t->frame->snap;

	for (size_t i = 0; i < t->nr_map_rows; i++) {
		if (snap->mappings[t->map_rows[i].mapping].start == t->sel_map_start) {
			panel_select(&t->maps, i);
			return;
		}
	}
	panel_select(&t->maps, t->maps.selected);
}

static const char *const sort_names[TUI_SORT_NR] = {
	[TUI_SORT_ADDRESS] = "address",
	[TUI_SORT_RESIDENT] = "resident",
	[TUI_SORT_PINNED] = "pinned",
	[TUI_SORT_REPLACED] = "replaced",
};

const char *tui_map_sort_name(enum tui_map_sort sort)
{
	return sort < TUI_SORT_NR ? sort_names[sort] : NULL;
}

long tui_map_row_above(const struct tui *t, uint64_t addr)
{
	const struct snapshot *snap = &t->frame->snap;
	long best = -1;

	for (size_t i = 0; i < t->nr_map_rows; i++) {
		uint64_t start = snap->mappings[t->map_rows[i].mapping].start;

		if (start > addr && (best < 0 || start <
		    snap->mappings[t->map_rows[best].mapping].start))
			best = (long)i;
	}
	return best;
}

static uint64_t sort_key(struct tui *t, const struct tui_map_row *row)
{
	const struct maps_entry *map = &t->frame->snap.mappings[row->mapping];

	switch (t->map_sort) {
	case TUI_SORT_RESIDENT:
		return row->sum ? row->sum->count[SNAPSHOT_COUNT_RESIDENT] : 0;
	case TUI_SORT_PINNED:
		return row->sum ? row->sum->count[SNAPSHOT_COUNT_PINNED] : 0;
	case TUI_SORT_REPLACED:
		return session_moved_in(t->session, map->start, map->end);
	default:
		return 0;
	}
}

/* Largest first; ties (and the address order) by address */
static int cmp_rows(const void *a, const void *b)
{
	const struct tui_map_row *x = a, *y = b;

	if (x->key != y->key)
		return x->key > y->key ? -1 : 1;
	return x->mapping < y->mapping ? -1 : x->mapping > y->mapping;
}

/* Each mapping's pages [first, last) and its summary. */
static int build_map_rows(struct tui *t)
{
	const struct snapshot *snap = &t->frame->snap;
	size_t s = 0, n = 0;

	t->map_rows = calloc(snap->nr_mappings + 1, sizeof(*t->map_rows));
	if (!t->map_rows)
		return -1;
	for (size_t m = 0; m < snap->nr_mappings; m++) {
		struct tui_map_row *row = &t->map_rows[n];

		row->mapping = m;
		/* a million pages: found, not walked */
		row->first = page_store_index(&t->frame->store,
					      snap->mappings[m].start);
		row->last = page_store_index(&t->frame->store,
					     snap->mappings[m].end);
		row->sum = s < t->nr_sums && t->sums[s].mapping == m ?
			   &t->sums[s++] : NULL;
		if (!t->have_filter || row->sum)
			n++;
	}
	t->nr_map_rows = n;
	if (t->map_sort != TUI_SORT_ADDRESS) {
		for (size_t i = 0; i < n; i++)
			t->map_rows[i].key = sort_key(t, &t->map_rows[i]);
		qsort(t->map_rows, n, sizeof(*t->map_rows), cmp_rows);
	}
	return 0;
}

unsigned int tui_rebuild(struct tui *t)
{
	int err;

	snapshot_summary_free(t->sums, t->nr_sums);
	free(t->map_rows);
	t->sums = NULL;
	t->map_rows = NULL;
	t->nr_sums = t->nr_map_rows = 0;
	if (!t->frame) {
		panel_set_nr(&t->maps, 0);
		panel_set_nr(&t->pages, 0);
		return TUI_REDRAW_PANES;
	}
	err = page_store_summarize(&t->frame->store, &t->frame->snap,
				   t->have_filter ? filter_keep : NULL,
				   &t->filter, &t->sums, &t->nr_sums);
	if (!err)
		err = build_map_rows(t);
	if (err) {
		tui_message(t, "out of memory");
		return TUI_REDRAW_ALL;
	}
	panel_set_nr(&t->maps, t->nr_map_rows);
	restore_map_selection(t);
	if (tui_selected_map(t))
		t->sel_map_start = t->frame->snap.mappings[
			tui_selected_map(t)->mapping].start;
	if (rebuild_pages(t))
		tui_message(t, "out of memory");
	return TUI_REDRAW_PANES | TUI_REDRAW_HEADER;
}

void tui_select_vaddr(struct tui *t, uint64_t vaddr)
{
	const struct snapshot *snap = &t->frame->snap;

	for (size_t i = 0; i < t->nr_map_rows; i++) {
		const struct maps_entry *map = &snap->mappings[t->map_rows[i].mapping];

		if (vaddr >= map->start && vaddr < map->end) {
			panel_select(&t->maps, i);
			t->sel_map_start = map->start;
			break;
		}
	}
	t->sel_vaddr = vaddr;
	rebuild_pages(t);
}

const char *tui_map_name(const struct tui *t, const struct maps_entry *map,
			 char *buf, size_t len)
{
	const char *path = maps_name(map);
	size_t used = 0;

	/* without CONFIG_ANON_VMA_NAME, or merged with a neighbour */
	if (!t->nr_regions || strcmp(path, "[anon]"))
		return path;
	for (size_t i = 0; i < t->nr_regions && used < len; i++) {
		const struct tui_region *r = &t->regions[i];

		if (r->end <= map->start || r->start >= map->end)
			continue;
		used += (size_t)snprintf(buf + used, len - used, "%s%s",
					 used ? "+" : "[demo:", r->name);
	}
	if (!used || used + 2 > len)
		return path;
	snprintf(buf + used, len - used, "]");
	return buf;
}
