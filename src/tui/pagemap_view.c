// SPDX-License-Identifier: GPL-2.0
/* The page map: the selected mapping as a grid of cells colored by node. */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "model/fields.h"
#include "tui/ui.h"

#define CELL_NONE	0xffff	/* no resident page */
#define CELL_UNKNOWN	0xfffe	/* resident, node unknown */
#define CELL_MIXED	0xfffd	/* pages of several nodes */

/*
 * Marks, strongest first. Letters and names come from the flag table in
 * fields.c, as in the text output's FLAGS column.
 */
static const struct {
	unsigned int bit;
	int pair;		/* 0: the node's color */
} marks[] = {
	{ SNAPSHOT_PAGE_DIVERGED, TUI_C_MARK_DIVERGED },
	{ SNAPSHOT_PAGE_MIGRATED, TUI_C_MARK_MIGRATED },
	{ SNAPSHOT_PAGE_REPLACED, TUI_C_MARK_MIGRATED },
	{ PAGEWATCH_PAGE_MAYBE_PINNED, 0 },
	{ PAGEWATCH_PAGE_PROTNONE, 0 },
	{ PAGEWATCH_PAGE_SWAP, TUI_C_MARK_SWAP },
	{ PAGEWATCH_PAGE_THP, 0 },
	{ PAGEWATCH_PAGE_HUGETLB, 0 },
};
#define NR_MARKS	(sizeof(marks) / sizeof(marks[0]))

struct cell {
	uint16_t node;
	uint8_t mark;		/* index in marks + 1, 0: none */
};

static const struct maps_entry *grid_map(const struct tui *t)
{
	const struct tui_map_row *row = tui_selected_map(t);

	return row ? &t->frame->snap.mappings[row->mapping] : NULL;
}

/* Cells that fit the window, and pages per cell so the mapping fits. */
static bool geometry(struct tui *t)
{
	const struct maps_entry *map = grid_map(t);
	uint64_t pages, cells;

	if (!t->grid.win || !map)
		return false;
	t->grid.cols = getmaxx(t->grid.win);
	t->grid.rows = getmaxy(t->grid.win) - 2;
	if (t->grid.rows < 1 || t->grid.cols < 1)
		return false;
	cells = (uint64_t)t->grid.cols * (uint64_t)t->grid.rows;
	pages = (map->end - map->start) / 4096;
	t->grid.group = pages ? (pages + cells - 1) / cells : 1;
	return true;
}

static size_t nr_cells(const struct tui *t)
{
	const struct maps_entry *map = grid_map(t);
	uint64_t pages = (map->end - map->start) / 4096;

	return (size_t)((pages + t->grid.group - 1) / t->grid.group);
}

uint64_t pagemap_view_cursor_addr(const struct tui *t)
{
	const struct maps_entry *map = grid_map(t);

	return map ? map->start + (uint64_t)t->grid.cursor * t->grid.group * 4096 : 0;
}

static void fill_cell(struct cell *c, const struct snapshot_page *page)
{
	uint16_t node = CELL_NONE;

	for (size_t m = 0; m < NR_MARKS; m++) {
		if (snapshot_page_test(page, marks[m].bit)) {
			if (!c->mark || m + 1 < c->mark)
				c->mark = (uint8_t)(m + 1);
			break;
		}
	}
	if (snapshot_page_test(page, PAGEWATCH_PAGE_PRESENT))
		node = snapshot_page_known(page, SNAPSHOT_KNOWN_NODE) ?
		       page->node : CELL_UNKNOWN;
	if (node == CELL_NONE)
		return;
	if (c->node == CELL_NONE)
		c->node = node;
	else if (c->node != node)
		c->node = CELL_MIXED;
}

static struct cell *compute_cells(struct tui *t, size_t n)
{
	const struct maps_entry *map = grid_map(t);
	struct cell *cells = malloc((n ? n : 1) * sizeof(*cells));
	struct page_store_iter it;

	if (!cells)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		cells[i].node = CELL_NONE;
		cells[i].mark = 0;
	}
	for (size_t i = 0; i < t->nr_page_rows; i++) {
		struct snapshot_page page;
		size_t at;

		/* rows without a filter are in order: one walk, by runs */
		if (!t->page_rows) {
			uint64_t span = t->grid.group * 4096;
			size_t left = t->nr_page_rows, run;

			page_store_iter_init(&it, &t->frame->store, t->page_first);
			while ((run = page_store_next_alike(&it, &page, map->start,
							    span, left))) {
				left -= run;
				at = (size_t)((page.vaddr - map->start) / span);
				if (at < n)
					fill_cell(&cells[at], &page);
			}
			break;
		}
		page_store_get(&t->frame->store, t->page_rows[i], &page);
		at = (size_t)((page.vaddr - map->start) / 4096 / t->grid.group);
		if (at < n)
			fill_cell(&cells[at], &page);
	}
	return cells;
}

static void draw_cell(struct tui *t, const struct cell *c, bool cursor)
{
	WINDOW *win = t->grid.win;
	chtype ch = '.';
	int attr = 0;

	if (c->node < CELL_MIXED) {
		ch = (chtype)('0' + c->node % 10);
		attr = tui_attr(t, TUI_C_NODE0 + c->node % TUI_NODE_COLORS);
	} else if (c->node == CELL_MIXED) {
		ch = '+';
	} else if (c->node == CELL_UNKNOWN) {
		ch = '#';
	}
	if (c->mark) {
		ch = (chtype)fields_flag_letter(marks[c->mark - 1].bit);
		if (marks[c->mark - 1].pair || !attr)
			attr = tui_attr(t, marks[c->mark - 1].pair ?
					marks[c->mark - 1].pair : TUI_C_MARK_PINNED);
		attr |= A_BOLD;
	}
	if (cursor)
		attr = A_REVERSE | A_BOLD;
	waddch(win, ch | (chtype)attr);
}

static void draw_legend(struct tui *t, int y)
{
	WINDOW *win = t->grid.win;
	int w = getmaxx(win);

	wmove(win, y, 0);
	tui_addstr_clip(win, "0-9 node  . none  + mixed  # node unknown ", w);
	for (size_t m = 0; m < NR_MARKS && getcurx(win) < w - 1; m++) {
		char item[40];

		snprintf(item, sizeof(item), " %c %s ",
			 fields_flag_letter(marks[m].bit),
			 fields_flag_name(marks[m].bit));
		tui_addstr_clip(win, item, w);
	}
}

static void draw_title(struct tui *t)
{
	const struct maps_entry *map = grid_map(t);
	char title[360], name[160];

	if (!map) {
		panel_title(t->grid.win, t->focus == PANE_GRID, " Page map: no mapping");
		return;
	}
	snprintf(title, sizeof(title),
		 " Page map: %s %" PRIx64 "-%" PRIx64 ", 1 cell = %" PRIu64
		 " page%s, cursor %" PRIx64, tui_map_name(t, map, name, sizeof(name)),
		 map->start, map->end, t->grid.group, t->grid.group == 1 ? "" : "s",
		 pagemap_view_cursor_addr(t));
	panel_title(t->grid.win, t->focus == PANE_GRID, title);
}

void pagemap_view_draw(struct tui *t)
{
	struct cell *cells;
	size_t n;

	if (!t->grid.win)
		return;
	werase(t->grid.win);
	if (!t->frame || !geometry(t)) {
		draw_title(t);
		wnoutrefresh(t->grid.win);
		return;
	}
	n = nr_cells(t);
	if (t->grid.cursor >= n)
		t->grid.cursor = n ? n - 1 : 0;
	draw_title(t);
	cells = compute_cells(t, n);
	for (size_t i = 0; cells && i < n; i++) {
		if (i % (size_t)t->grid.cols == 0)
			wmove(t->grid.win, 1 + (int)(i / (size_t)t->grid.cols), 0);
		draw_cell(t, &cells[i], t->focus == PANE_GRID && i == t->grid.cursor);
	}
	free(cells);
	draw_legend(t, getmaxy(t->grid.win) - 1);
	wnoutrefresh(t->grid.win);
}

void pagemap_view_follow(struct tui *t)
{
	const struct snapshot_page *page = tui_selected_page(t);
	const struct maps_entry *map = grid_map(t);

	if (!geometry(t) || !page || !map) {
		t->grid.cursor = 0;
		return;
	}
	t->grid.cursor = (size_t)((page->vaddr - map->start) / 4096 / t->grid.group);
}

static void move_cursor(struct tui *t, long delta)
{
	long n = (long)nr_cells(t), c = (long)t->grid.cursor + delta;

	if (c >= n)
		c = n - 1;
	if (c < 0)
		c = 0;
	t->grid.cursor = (size_t)c;
}

bool pagemap_view_key(struct tui *t, int key)
{
	long cols, page;

	if (!t->frame || !geometry(t))
		return false;
	cols = t->grid.cols;
	page = cols * (t->grid.rows > 1 ? t->grid.rows - 1 : 1);
	switch (key) {
	case KEY_LEFT: move_cursor(t, -1); break;
	case KEY_RIGHT: move_cursor(t, 1); break;
	case KEY_UP: move_cursor(t, -cols); break;
	case KEY_DOWN: move_cursor(t, cols); break;
	case KEY_PPAGE: move_cursor(t, -page); break;
	case KEY_NPAGE: move_cursor(t, page); break;
	case KEY_HOME: t->grid.cursor = 0; break;
	case KEY_END: move_cursor(t, (long)nr_cells(t)); break;
	default: return false;
	}
	tui_select_page_at(t, pagemap_view_cursor_addr(t));
	return true;
}

bool pagemap_view_click(struct tui *t, int y, int x)
{
	size_t cell;

	if (!t->frame || !geometry(t) || y < 1 || y > t->grid.rows)
		return false;
	cell = (size_t)(y - 1) * (size_t)t->grid.cols + (size_t)x;
	if (cell >= nr_cells(t))
		return false;
	t->grid.cursor = cell;
	tui_select_page_at(t, pagemap_view_cursor_addr(t));
	return true;
}
