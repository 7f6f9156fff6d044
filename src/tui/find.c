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

static unsigned int find_mapping(struct tui *t, const char *text)
{
	const struct snapshot *snap = &t->frame->snap;

	for (size_t k = 1; k <= t->nr_map_rows; k++) {
		size_t i = (t->maps.selected + k) % t->nr_map_rows;
		const struct maps_entry *map = &snap->mappings[t->map_rows[i].mapping];
		const char *path = maps_name(map);

		if (!strcasestr(path, text))
			continue;
		panel_select(&t->maps, i);
		t->sel_map_start = map->start;
		t->sel_vaddr = map->start;
		t->grid.cursor = 0;
		t->focus = PANE_MAPS;
		tui_message(t, "found mapping %s", path);
		return TUI_REBUILD | TUI_REDRAW_ALL;
	}
	tui_message(t, "not found: '%s'", text);
	return TUI_REDRAW_HEADER;
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
		const struct maps_entry *map =
			&t->frame->snap.mappings[t->map_rows[i].mapping];

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
			tui_message(t, "no listed page at %" PRIx64 ": the next one is selected",
				    addr);
		return TUI_REDRAW_ALL;
	}
	/* hexadecimal digits can spell a path too ("cafe", "bad") */
	return find_mapping(t, text);
}
