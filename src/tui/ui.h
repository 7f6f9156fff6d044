/* SPDX-License-Identifier: GPL-2.0 */
/* Inside the interactive session: the screen, its panes and its keys. */
#ifndef PW_TUI_UI_H
#define PW_TUI_UI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/filter.h"
#include "model/snapshot.h"
#include "model/snapshot_summary.h"
#include "tui/curses_lib.h"
#include "tui/session.h"
#include "tui/tui.h"

/* What a handler asks to redraw (htop's HTOP_REFRESH-style flags). */
#define TUI_REDRAW_HEADER	(1U << 0)
#define TUI_REDRAW_MAPS		(1U << 1)
#define TUI_REDRAW_GRID		(1U << 2)
#define TUI_REDRAW_PAGES	(1U << 3)
#define TUI_REDRAW_EVENTS	(1U << 4)
#define TUI_REDRAW_FOOTER	(1U << 5)
#define TUI_REDRAW_MODAL	(1U << 6)
#define TUI_REDRAW_LAYOUT	(1U << 7)	/* size changed: new windows */
#define TUI_REBUILD		(1U << 8)	/* selection or filter changed */
#define TUI_QUIT		(1U << 9)
#define TUI_REDRAW_PANES	(TUI_REDRAW_MAPS | TUI_REDRAW_GRID | \
				 TUI_REDRAW_PAGES | TUI_REDRAW_EVENTS)
#define TUI_REDRAW_ALL		(TUI_REDRAW_HEADER | TUI_REDRAW_PANES | \
				 TUI_REDRAW_FOOTER | TUI_REDRAW_MODAL)

/* Smallest screen the session draws in; below it, a message. */
#define TUI_MIN_COLS	60
#define TUI_MIN_ROWS	20
#define TUI_HEADER_ROWS	4

/* Color pairs; without color every one is plain (attributes only). */
enum tui_color {
	TUI_C_TITLE = 1,
	TUI_C_FOCUS,
	TUI_C_ALERT,
	TUI_C_MARK_DIVERGED,
	TUI_C_MARK_MIGRATED,
	TUI_C_MARK_PINNED,
	TUI_C_MARK_PROTNONE,
	TUI_C_MARK_SWAP,
	TUI_C_MARK_THP,
	TUI_C_NODE0,		/* TUI_C_NODE0 + node % TUI_NODE_COLORS */
};
#define TUI_NODE_COLORS	6

/* The scrollable list widget (htop's Panel). */
struct panel {
	WINDOW *win;
	int header_rows;	/* title and column lines above the rows */
	size_t nr;
	size_t selected;
	size_t top;
	bool focused;
	void (*draw_header)(struct panel *p, void *arg);
	void (*draw_row)(struct panel *p, void *arg, size_t index, int y,
			 bool selected);
	void *arg;
};

void panel_set_nr(struct panel *p, size_t nr);
void panel_select(struct panel *p, size_t index);
/* Navigation keys; true when the key was one (selection may be unchanged). */
bool panel_key(struct panel *p, int key);
/* A click at window row Y; true when it selected a row. */
bool panel_click(struct panel *p, int y);
void panel_draw(struct panel *p);
int panel_rows(const struct panel *p);
/* Draw the title bar: TEXT, highlighted when the panel has the focus. */
void panel_title(WINDOW *win, bool focused, const char *text);

enum tui_pane { PANE_MAPS, PANE_GRID, PANE_PAGES, PANE_EVENTS, PANE_NR };
enum tui_mode { MODE_NORMAL, MODE_HELP, MODE_DETAIL, MODE_PROMPT };
enum tui_prompt { PROMPT_FIND, PROMPT_FILTER, PROMPT_SEEK };
/* How the mappings pane is ordered: names in views.c */
enum tui_map_sort {
	TUI_SORT_ADDRESS,
	TUI_SORT_RESIDENT,
	TUI_SORT_PINNED,
	TUI_SORT_REPLACED,
	TUI_SORT_NR
};

/* One row of the mappings pane. */
struct tui_map_row {
	size_t mapping;				/* index in the frame */
	const struct snapshot_summary *sum;	/* NULL: no page */
	size_t first, last;			/* its pages: [first, last) */
	uint64_t key;				/* what it is sorted by */
};

struct tui_grid {
	WINDOW *win;
	uint64_t group;		/* pages per cell */
	int cols, rows;		/* cells */
	size_t cursor;		/* cell */
};

struct tui {
	struct session *session;
	struct collect *ctx;	/* immutable facts only: module, caps */
	struct session_frame *frame;
	struct session_status status;
	volatile sig_atomic_t *stop;
	const struct tui_region *regions;	/* the target's own names */
	size_t nr_regions;
	bool color;
	int rows, cols;
	bool too_small;

	WINDOW *header, *footer, *modal;
	struct panel maps, pages, events;
	struct tui_grid grid;
	enum tui_pane focus;
	enum tui_mode mode;
	enum tui_map_sort map_sort;

	struct filter filter;
	bool have_filter;
	char filter_text[64];
	enum tui_prompt prompt;
	char input[64];
	char last_find[64];
	char message[160];

	struct snapshot_summary *sums;
	size_t nr_sums;
	struct tui_map_row *map_rows;
	size_t nr_map_rows;
	/*
	 * Pages of the selected mapping that pass the filter: with one, their
	 * indices in the frame; without, PAGE_ROWS is NULL and row i is the
	 * frame's page PAGE_FIRST + i (a mapping of a million pages holds no
	 * index)
	 */
	size_t *page_rows;
	size_t page_first;
	size_t nr_page_rows;
	struct snapshot_page sel_page;	/* tui_selected_page()'s */
	uint64_t sel_map_start;	/* selections kept across frames */
	uint64_t sel_vaddr;
	uint64_t detail_vaddr;
	size_t help_top;
	const char *replay_name;	/* the recording replayed, or NULL */
};

/* term.c: the terminal layer (tui_begin() and tui_end() in tui.h) */
void tui_colors_init(struct tui *t);
int tui_attr(const struct tui *t, int pair);
void tui_message(struct tui *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void tui_fmt_size(uint64_t bytes, char *buf, size_t len);
/* TEXT up to column WIDTH of WIN; cut text ends in a mark (an ellipsis). */
void tui_addstr_clip(WINDOW *win, const char *text, int width);
/* TEXT in exactly WIDTH columns: padded, or cut at its start with a mark. */
void tui_addstr_cut_start(WINDOW *win, const char *text, int width);

/*
 * views.c: what the panes list of a frame (rows of the mappings and pages
 * panes) and the selection kept across frames. It moves no cursor of the
 * grid: whoever changes the selection calls pagemap_view_follow().
 */
unsigned int tui_rebuild(struct tui *t);
const struct tui_map_row *tui_selected_map(const struct tui *t);
/* The selected page (valid until the next call), or NULL */
const struct snapshot_page *tui_selected_page(struct tui *t);

/* Page row ROW's index in the frame */
static inline size_t tui_page_index(const struct tui *t, size_t row)
{
	return t->page_rows ? t->page_rows[row] : t->page_first + row;
}

/*
 * One page of the frame as the fields read pages: a snapshot of that page
 * alone, with its change (tui_page_view())
 */
struct tui_page_view {
	struct snapshot snap;
	struct snapshot_page page;
	struct snapshot_change change;
};

/* Page INDEX of the frame in V; returns &V->page */
const struct snapshot_page *tui_page_view(const struct tui *t, size_t index,
					  struct tui_page_view *v);
/* The name of a mappings pane order ("address", "resident"...) */
const char *tui_map_sort_name(enum tui_map_sort sort);
/* The row of the mapping with the lowest start above ADDR, or -1 */
long tui_map_row_above(const struct tui *t, uint64_t addr);
/*
 * MAP's name in the panes: its path, or for an "[anon]" mapping the names
 * the target gave its regions there ("[demo:pw-thp]"), made in BUF.
 */
const char *tui_map_name(const struct tui *t, const struct maps_entry *map,
			 char *buf, size_t len);
void tui_select_vaddr(struct tui *t, uint64_t vaddr);
/* Select the first listed page at or after VADDR in the pages pane. */
void tui_select_page_at(struct tui *t, uint64_t vaddr);

/* keys.c: the key -> action table */
struct tui_key {
	int key;
	const char *name;	/* as help and the man page spell it */
	const char *help;	/* NULL: an alias listed with the key before */
	const char *footer;	/* label in the footer bar, or NULL */
	unsigned int (*action)(struct tui *t, int key);
	unsigned int modes;	/* TUI_KEY_*: where it applies (0: everywhere) */
};

#define TUI_KEY_LIVE	1U	/* watching a process */
#define TUI_KEY_REPLAY	2U	/* replaying a recording */
extern const struct tui_key tui_keys[];
extern const size_t tui_keys_nr;
unsigned int tui_keys_dispatch(struct tui *t, int key);
unsigned int tui_prompt_key(struct tui *t, int key);

/* The panes */
void header_draw(struct tui *t);
void footer_draw(struct tui *t);
void maps_panel_init(struct tui *t);
void pagemap_view_draw(struct tui *t);
bool pagemap_view_key(struct tui *t, int key);
bool pagemap_view_click(struct tui *t, int y, int x);
void pagemap_view_follow(struct tui *t);
uint64_t pagemap_view_cursor_addr(const struct tui *t);
void page_list_init(struct tui *t);
void event_log_init(struct tui *t);
void tui_event_text(const struct session_event *ev, char *buf, size_t len);
void detail_draw(struct tui *t);
void help_draw(struct tui *t);

/* find.c: find TEXT (an address or part of a path); what to redraw */
unsigned int find_run(struct tui *t, const char *text);

#endif
