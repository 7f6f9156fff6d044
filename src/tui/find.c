// SPDX-License-Identifier: GPL-2.0
/* Find (/): an address selects its page, other text a mapping by path. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "tui/ui.h"

static bool parse_addr(const char *text, uint64_t *addr)
{
	char *end;

	if (!text[0])
		return false;
	errno = 0;
	*addr = strtoull(text, &end, 16);
	return !errno && !*end;
}

/* The next mapping row after the selected one whose path holds TEXT, or -1 */
static long match_mapping(struct tui *t, const char *text)
{
	const struct snapshot *snap = &t->frame->snap;
	char name[160];

	for (size_t k = 1; k <= t->nr_map_rows; k++) {
		size_t i = (t->maps.selected + k) % t->nr_map_rows;
		const struct maps_entry *map = &snap->mappings[t->map_rows[i].mapping];

		if (strcasestr(tui_map_name(t, map, name, sizeof(name)), text))
			return (long)i;
	}
	return -1;
}

static void select_mapping(struct tui *t, size_t i)
{
	const struct maps_entry *map =
		&t->frame->snap.mappings[t->map_rows[i].mapping];

	panel_select(&t->maps, i);
	t->sel_map_start = map->start;
	t->sel_vaddr = map->start;
	t->grid.cursor = 0;
	t->focus = PANE_MAPS;
}

static unsigned int find_mapping(struct tui *t, const char *text)
{
	char name[160];
	long i = t->nr_map_rows ? match_mapping(t, text) : -1;

	if (i < 0) {
		tui_message(t, "not found: '%s'", text);
		return TUI_REDRAW_HEADER;
	}
	select_mapping(t, (size_t)i);
	tui_message(t, "found mapping %s",
		    tui_map_name(t, &t->frame->snap.mappings[t->map_rows[i].mapping],
				 name, sizeof(name)));
	return TUI_REBUILD | TUI_REDRAW_ALL;
}

static const struct maps_entry *row_map(struct tui *t, size_t i)
{
	return &t->frame->snap.mappings[t->map_rows[i].mapping];
}

/* ADDR is in no mapping: say so, and select the next mapping above it. */
static unsigned int find_outside(struct tui *t, uint64_t addr)
{
	long i = tui_map_row_above(t, addr);
	char name[160];

	if (i >= 0) {
		select_mapping(t, (size_t)i);
		tui_message(t, "no mapping holds %" PRIx64 ": the next one, %" PRIx64 " %s, is selected",
			    addr, row_map(t, (size_t)i)->start,
			    tui_map_name(t, row_map(t, (size_t)i), name, sizeof(name)));
		return TUI_REBUILD | TUI_REDRAW_ALL;
	}
	tui_message(t, "no mapping holds %" PRIx64 " or lies above it", addr);
	return TUI_REDRAW_HEADER;
}

/*
 * The page at ADDR of mapping row I is not listed: select the next listed
 * page, in this mapping or a later one.
 */
static void find_next_page(struct tui *t, size_t i, uint64_t addr)
{
	const struct snapshot_page *page = tui_selected_page(t);
	char name[160];

	if (page && page->vaddr > addr && page->vaddr < row_map(t, i)->end) {
		tui_message(t, "no listed page at %" PRIx64 ": the next one, %" PRIx64 ", is selected",
			    addr, page->vaddr);
		return;
	}
	/* the mappings above, in address order whatever the pane's order */
	for (long j = tui_map_row_above(t, row_map(t, i)->start); j >= 0;
	     j = tui_map_row_above(t, row_map(t, (size_t)j)->start)) {
		tui_select_vaddr(t, row_map(t, (size_t)j)->start);
		page = tui_selected_page(t);
		if (!page)
			continue;
		tui_select_vaddr(t, page->vaddr);
		pagemap_view_follow(t);
		tui_message(t, "no page at %" PRIx64 " or above in its mapping: %" PRIx64 " of %s selected",
			    addr, page->vaddr,
			    tui_map_name(t, row_map(t, (size_t)j), name, sizeof(name)));
		return;
	}
	tui_select_vaddr(t, addr);
	pagemap_view_follow(t);
	tui_message(t, "no listed page at %" PRIx64 " or above it", addr);
}

unsigned int find_run(struct tui *t, const char *text)
{
	const struct snapshot_page *page;
	uint64_t addr;

	if (!t->frame || !text[0])
		return 0;
	if (!parse_addr(text, &addr) || !t->nr_map_rows)
		return find_mapping(t, text);
	for (size_t i = 0; i < t->nr_map_rows; i++) {
		const struct maps_entry *map = row_map(t, i);

		if (addr < map->start || addr >= map->end)
			continue;
		addr &= ~(uint64_t)4095;
		tui_select_vaddr(t, addr);
		pagemap_view_follow(t);
		t->focus = PANE_PAGES;
		page = tui_selected_page(t);
		if (page && page->vaddr == addr)
			tui_message(t, "found page %" PRIx64, page->vaddr);
		else
			find_next_page(t, i, addr);
		return TUI_REDRAW_ALL;
	}
	/* hexadecimal digits can spell a path too ("cafe", "bad") */
	if (match_mapping(t, text) >= 0)
		return find_mapping(t, text);
	return find_outside(t, addr);
}
