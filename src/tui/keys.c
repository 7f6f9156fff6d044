// SPDX-License-Identifier: GPL-2.0
/*
 * The key -> action table: every handler returns what to redraw. Help and
 * the footer are drawn from this table; pagewatch(1) lists the same keys.
 */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "tui/ui.h"

#define CTRL(c)		((c) & 0x1f)
#define KEY_ESC		27

static const double intervals[] = { 0.25, 0.5, 1, 2, 5, 10, 30, 60 };
#define NR_INTERVALS	(sizeof(intervals) / sizeof(intervals[0]))

/* The page map follows the list; the list follows the page map. */
static unsigned int moved_in_pages(struct tui *t)
{
	const struct snapshot_page *page = tui_selected_page(t);

	if (page)
		t->sel_vaddr = page->vaddr;
	pagemap_view_follow(t);
	return TUI_REDRAW_PAGES | TUI_REDRAW_GRID;
}

static unsigned int moved_in_maps(struct tui *t)
{
	const struct tui_map_row *row = tui_selected_map(t);

	if (!row)
		return TUI_REDRAW_MAPS;
	t->sel_map_start = t->frame->snap.mappings[row->mapping].start;
	t->sel_vaddr = t->sel_map_start;
	t->grid.cursor = 0;
	return TUI_REBUILD | TUI_REDRAW_PANES;
}

static unsigned int act_move(struct tui *t, int key)
{
	switch (t->focus) {
	case PANE_MAPS:
		return panel_key(&t->maps, key) ? moved_in_maps(t) : 0;
	case PANE_GRID:
		return pagemap_view_key(t, key) ?
		       TUI_REDRAW_GRID | TUI_REDRAW_PAGES : 0;
	case PANE_PAGES:
		return panel_key(&t->pages, key) ? moved_in_pages(t) : 0;
	default:
		return panel_key(&t->events, key) ? TUI_REDRAW_EVENTS : 0;
	}
}

static unsigned int act_side(struct tui *t, int key)
{
	if (t->focus != PANE_GRID)
		return 0;
	return pagemap_view_key(t, key) ? TUI_REDRAW_GRID | TUI_REDRAW_PAGES : 0;
}

static unsigned int act_pane(struct tui *t, int key)
{
	int step = key == KEY_BTAB ? PANE_NR - 1 : 1;

	t->focus = (enum tui_pane)(((int)t->focus + step) % PANE_NR);
	return TUI_REDRAW_PANES;
}

static unsigned int open_detail(struct tui *t)
{
	const struct snapshot_page *page = tui_selected_page(t);

	if (!page) {
		tui_message(t, "no page selected");
		return TUI_REDRAW_HEADER;
	}
	t->detail_vaddr = page->vaddr;
	t->mode = MODE_DETAIL;
	return TUI_REDRAW_MODAL;
}

static unsigned int act_enter(struct tui *t, int key)
{
	const struct snapshot_page *page;
	struct session_event ev;
	uint64_t start;

	switch (t->focus) {
	case PANE_MAPS:
		t->focus = PANE_GRID;
		return TUI_REDRAW_PANES;
	case PANE_GRID:
		/* the cell's first page, if the cell has one */
		page = tui_selected_page(t);
		start = pagemap_view_cursor_addr(t);
		if (!page || page->vaddr < start ||
		    page->vaddr >= start + t->grid.group * 4096) {
			tui_message(t, "no page in this cell");
			return TUI_REDRAW_HEADER;
		}
		return open_detail(t);
	case PANE_PAGES:
		return open_detail(t);
	default:
		if (!t->frame || !session_event(t->session, t->events.selected, &ev) ||
		    ev.kind == SESSION_EV_NOTE)
			return 0;
		tui_select_vaddr(t, ev.vaddr);
		pagemap_view_follow(t);
		t->focus = PANE_PAGES;
		return TUI_REDRAW_PANES;
	}
}

static unsigned int open_prompt(struct tui *t, enum tui_prompt kind)
{
	t->mode = MODE_PROMPT;
	t->prompt = kind;
	/* a new filter replaces the old one: typing never appends to it */
	t->input[0] = '\0';
	return TUI_REDRAW_FOOTER;
}

static unsigned int act_find(struct tui *t, int key)
{
	return open_prompt(t, PROMPT_FIND);
}

static unsigned int act_find_next(struct tui *t, int key)
{
	if (!t->last_find[0])
		return open_prompt(t, PROMPT_FIND);
	return find_run(t, t->last_find);
}

static unsigned int act_sort(struct tui *t, int key)
{
	t->map_sort = (t->map_sort + 1) % TUI_SORT_NR;
	tui_message(t, "mappings by %s", tui_map_sort_name(t->map_sort));
	return TUI_REBUILD | TUI_REDRAW_ALL;
}

static unsigned int act_filter(struct tui *t, int key)
{
	return open_prompt(t, PROMPT_FILTER);
}

static unsigned int act_interval(struct tui *t, int key)
{
	size_t i = 0;

	while (i < NR_INTERVALS - 1 && intervals[i] < t->status.interval)
		i++;
	if (key == '+' && i < NR_INTERVALS - 1 && intervals[i] <= t->status.interval)
		i++;
	else if (key == '-' && i > 0)
		i--;
	t->status.interval = intervals[i];
	session_set_interval(t->session, intervals[i]);
	tui_message(t, "interval %gs", intervals[i]);
	return TUI_REDRAW_HEADER;
}

static unsigned int act_pause(struct tui *t, int key)
{
	t->status.paused = !t->status.paused;
	session_set_paused(t->session, t->status.paused);
	tui_message(t, "%s", t->status.paused ? "paused: space resumes" : "resumed");
	return TUI_REDRAW_HEADER | TUI_REDRAW_FOOTER;
}

/* Replay speeds: the recorded pace, then faster */
static const double speeds[] = { 1, 2, 4, 8, 16, 32, 64 };
#define NR_SPEEDS	(sizeof(speeds) / sizeof(speeds[0]))

static unsigned int act_play(struct tui *t, int key)
{
	t->status.playing = !t->status.playing;
	session_replay_play(t->session, t->status.playing, t->status.speed);
	tui_message(t, "%s", t->status.playing ? "playing: space pauses" : "paused");
	return TUI_REDRAW_HEADER;
}

static unsigned int act_speed(struct tui *t, int key)
{
	size_t i = 0;

	while (i < NR_SPEEDS - 1 && speeds[i] < t->status.speed)
		i++;
	if (key == '>' && i < NR_SPEEDS - 1)
		i++;
	else if (key == '<' && i > 0)
		i--;
	t->status.speed = speeds[i];
	session_replay_play(t->session, t->status.playing, speeds[i]);
	tui_message(t, "speed x%g", speeds[i]);
	return TUI_REDRAW_HEADER;
}

/* Show tick TICK; the frame arrives through the session's news */
static unsigned int seek(struct tui *t, long tick, const char *what)
{
	if (tick < 0) {
		tui_message(t, "no %s", what);
		return TUI_REDRAW_HEADER;
	}
	session_replay_seek(t->session, tick);
	tui_message(t, "%s: tick %ld", what, tick);
	return TUI_REDRAW_HEADER;
}

static unsigned int act_step(struct tui *t, int key)
{
	long tick = (long)t->status.tick;

	switch (key) {
	case ']':
		return seek(t, session_replay_next_change(t->session, 1),
			    "next change");
	case '[':
		return seek(t, session_replay_next_change(t->session, -1),
			    "previous change");
	case '.':
		return seek(t, tick + 1 < (long)t->status.nr_ticks ? tick + 1 : -1,
			    "next tick");
	case ',':
		return seek(t, tick - 1, "previous tick");
	case 'g':
		return seek(t, 0, "start");
	default:
		return seek(t, (long)t->status.nr_ticks - 1, "end");
	}
}

static unsigned int act_seek(struct tui *t, int key)
{
	return open_prompt(t, PROMPT_SEEK);
}

/* "+SECONDS", a recorded time, "end" or "#TICK" */
static unsigned int apply_seek(struct tui *t)
{
	size_t tick;
	char *end;
	long n;

	if (t->input[0] == '#') {
		n = strtol(t->input + 1, &end, 10);
		if (*end || end == t->input + 1 || n < 0 ||
		    n >= (long)t->status.nr_ticks) {
			tui_message(t, "no tick '%s': 0 to %zu", t->input + 1,
				    t->status.nr_ticks - 1);
			return TUI_REDRAW_HEADER;
		}
		return seek(t, n, "seek");
	}
	if (recording_parse_time(t->session->rec, t->input, &tick)) {
		tui_message(t, "bad time '%s': +SECONDS, 2026-01-02T03:04:05Z, end or #TICK",
			    t->input);
		return TUI_REDRAW_HEADER;
	}
	return seek(t, (long)tick, "seek");
}

static unsigned int act_help(struct tui *t, int key)
{
	t->mode = MODE_HELP;
	t->help_top = 0;
	return TUI_REDRAW_MODAL;
}

static unsigned int act_quit(struct tui *t, int key)
{
	return TUI_QUIT;
}

static unsigned int act_escape(struct tui *t, int key)
{
	t->message[0] = '\0';
	return TUI_REDRAW_HEADER;
}

static unsigned int act_redraw(struct tui *t, int key)
{
	clearok(curscr, TRUE);
	return TUI_REDRAW_LAYOUT;
}

static unsigned int act_mouse(struct tui *t, int key)
{
	struct panel *panels[] = { &t->maps, &t->pages, &t->events };
	static const enum tui_pane panes[] = { PANE_MAPS, PANE_PAGES, PANE_EVENTS };
	MEVENT ev;
	int y, x;

	if (getmouse(&ev) != OK)
		return 0;
	for (size_t i = 0; i < 3; i++) {
		y = ev.y;
		x = ev.x;
		if (!panels[i]->win || !wmouse_trafo(panels[i]->win, &y, &x, FALSE))
			continue;
		t->focus = panes[i];
		if (!panel_click(panels[i], y))
			return TUI_REDRAW_PANES;
		if (i == 0)
			return moved_in_maps(t);
		return i == 1 ? moved_in_pages(t) | TUI_REDRAW_PANES :
		       TUI_REDRAW_PANES;
	}
	y = ev.y;
	x = ev.x;
	if (t->grid.win && wmouse_trafo(t->grid.win, &y, &x, FALSE)) {
		t->focus = PANE_GRID;
		pagemap_view_click(t, y, x);
		return TUI_REDRAW_PANES;
	}
	return 0;
}

const struct tui_key tui_keys[] = {
	{ KEY_F(1), "F1", "show this help", "Help", act_help, 0 },
	{ '?', "?", NULL, NULL, act_help, 0 },
	{ 'h', "h", NULL, NULL, act_help, 0 },
	{ KEY_UP, "Up", "previous row (page map: cell above)", NULL, act_move, 0 },
	{ KEY_DOWN, "Down", "next row (page map: cell below)", NULL, act_move, 0 },
	{ KEY_LEFT, "Left", "page map: previous cell", NULL, act_side, 0 },
	{ KEY_RIGHT, "Right", "page map: next cell", NULL, act_side, 0 },
	{ KEY_PPAGE, "PgUp", "one screen up", NULL, act_move, 0 },
	{ KEY_NPAGE, "PgDn", "one screen down", NULL, act_move, 0 },
	{ KEY_HOME, "Home", "first row or cell", NULL, act_move, 0 },
	{ KEY_END, "End", "last row or cell", NULL, act_move, 0 },
	{ '\t', "Tab", "next pane: mappings, page map, pages, events", "Pane", act_pane, 0 },
	{ KEY_BTAB, "Shift-Tab", "previous pane", NULL, act_pane, 0 },
	{ '\r', "Enter", "mapping: its page map; page or cell: every field and its history; event: its page", "Detail", act_enter, 0 },
	{ '\n', "Enter", NULL, NULL, act_enter, 0 },
	{ KEY_ENTER, "Enter", NULL, NULL, act_enter, 0 },
	{ '/', "/", "find an address (hex) or a mapping (part of its path)", "Find", act_find, 0 },
	{ 'n', "n", "find the next match", NULL, act_find_next, 0 },
	{ 's', "s", "sort the mappings: address, resident, pinned, replaced", "Sort", act_sort, 0 },
	{ 'f', "f", "filter pages (the Filters below)", "Filter", act_filter, 0 },
	/* the footer shows "+-Interval" */
	{ '+', "+", "longer refresh interval", "-Interval", act_interval, TUI_KEY_LIVE },
	{ '-', "-", "shorter refresh interval", NULL, act_interval, TUI_KEY_LIVE },
	{ ' ', "Space", "pause or resume refreshing", "Pause", act_pause, TUI_KEY_LIVE },
	{ ' ', "Space", "replay: play or pause at the recorded pace (times the speed)", "Play", act_play, TUI_KEY_REPLAY },
	{ '>', ">", "replay: play faster (x2 each, up to x64)", NULL, act_speed, TUI_KEY_REPLAY },
	{ '<', "<", "replay: play slower (down to the recorded pace)", NULL, act_speed, TUI_KEY_REPLAY },
	{ ']', "]", "replay: next tick where something changed", "Next", act_step, TUI_KEY_REPLAY },
	{ '[', "[", "replay: previous tick where something changed", "Prev", act_step, TUI_KEY_REPLAY },
	{ '.', ".", "replay: next tick", NULL, act_step, TUI_KEY_REPLAY },
	{ ',', ",", "replay: previous tick", NULL, act_step, TUI_KEY_REPLAY },
	{ 'g', "g", "replay: jump to the start", NULL, act_step, TUI_KEY_REPLAY },
	{ 'G', "G", "replay: jump to the end", NULL, act_step, TUI_KEY_REPLAY },
	{ 't', "t", "replay: seek to a time (+SECONDS, a recorded time, end) or #TICK", "Seek", act_seek, TUI_KEY_REPLAY },
	{ KEY_ESC, "Esc", "close help, detail or prompt; clear the message", NULL, act_escape, 0 },
	{ CTRL('l'), "Ctrl-L", "redraw the screen", NULL, act_redraw, 0 },
	{ KEY_MOUSE, "Click", "select the pane, row or cell under the mouse", NULL, act_mouse, 0 },
	{ 'q', "q", "quit", NULL, act_quit, 0 },
	{ KEY_F(10), "F10", "quit", "Quit", act_quit, 0 },
};
const size_t tui_keys_nr = sizeof(tui_keys) / sizeof(tui_keys[0]);

/* Keys inside help and detail: scroll or close. */
static unsigned int modal_key(struct tui *t, int key)
{
	if (t->mode == MODE_HELP && (key == KEY_DOWN || key == KEY_NPAGE)) {
		t->help_top += key == KEY_DOWN ? 1 : 10;
		return TUI_REDRAW_MODAL;
	}
	if (t->mode == MODE_HELP && (key == KEY_UP || key == KEY_PPAGE)) {
		size_t step = key == KEY_UP ? 1 : 10;

		t->help_top = t->help_top > step ? t->help_top - step : 0;
		return TUI_REDRAW_MODAL;
	}
	if (key == 'q' || key == KEY_F(10))
		return TUI_QUIT;
	if (key == KEY_MOUSE || key == KEY_RESIZE)
		return 0;
	t->mode = MODE_NORMAL;
	/* what the popup covered, the blank column between panes included */
	touchwin(stdscr);
	wnoutrefresh(stdscr);
	return TUI_REDRAW_ALL;
}

unsigned int tui_keys_dispatch(struct tui *t, int key)
{
	if (t->mode == MODE_HELP || t->mode == MODE_DETAIL)
		return modal_key(t, key);
	unsigned int mode = t->status.replay ? TUI_KEY_REPLAY : TUI_KEY_LIVE;

	for (size_t i = 0; i < tui_keys_nr; i++)
		if (tui_keys[i].key == key &&
		    (!tui_keys[i].modes || tui_keys[i].modes & mode))
			return tui_keys[i].action(t, key);
	return 0;
}

/* Why FILTER can match no page here, or "" */
static const char *filter_why_none(struct tui *t, const struct filter *filter)
{
	const struct sources *src = &t->ctx->src;

	if (filter->kinds & (1U << FILTER_PINNED | 1U << FILTER_PROTNONE |
			     1U << FILTER_DIVERGED) && !sources_kmod_ok(src))
		return " (needs the module: no page matches)";
	if (filter->kinds & 1U << FILTER_NODE && !sources_node_ok(src))
		return " (nodes unknown here: no page matches)";
	if (filter->kinds & (1U << FILTER_MIGRATED | 1U << FILTER_REPLACED |
			     1U << FILTER_DIVERGED) && (!t->frame || !t->frame->snap.tracked))
		return " (known from the second refresh on)";
	return "";
}

static unsigned int apply_filter(struct tui *t)
{
	struct filter filter;

	if (!t->input[0]) {
		t->have_filter = false;
		t->filter_text[0] = '\0';
		tui_message(t, "filter cleared");
		return TUI_REBUILD | TUI_REDRAW_ALL;
	}
	if (filter_parse(t->input, &filter)) {
		tui_message(t, "bad filter '%s': pinned, protnone, migrated, replaced, diverged, thp, hugetlb, swapped, node=N",
			    t->input);
		return TUI_REDRAW_HEADER;
	}
	t->filter = filter;
	t->have_filter = true;
	snprintf(t->filter_text, sizeof(t->filter_text), "%s", t->input);
	tui_message(t, "filter: %s%s", t->filter_text, filter_why_none(t, &filter));
	return TUI_REBUILD | TUI_REDRAW_ALL;
}

unsigned int tui_prompt_key(struct tui *t, int key)
{
	size_t len = strlen(t->input);

	switch (key) {
	case KEY_ESC:
		t->mode = MODE_NORMAL;
		return TUI_REDRAW_FOOTER;
	case '\r':
	case '\n':
	case KEY_ENTER:
		t->mode = MODE_NORMAL;
		if (t->prompt == PROMPT_FILTER)
			return apply_filter(t) | TUI_REDRAW_FOOTER;
		if (t->prompt == PROMPT_SEEK)
			return apply_seek(t) | TUI_REDRAW_FOOTER;
		snprintf(t->last_find, sizeof(t->last_find), "%s", t->input);
		return find_run(t, t->input) | TUI_REDRAW_FOOTER;
	case KEY_BACKSPACE:
	case 127:
	case CTRL('h'):
		if (len)
			t->input[len - 1] = '\0';
		return TUI_REDRAW_FOOTER;
	case CTRL('u'):
		t->input[0] = '\0';
		return TUI_REDRAW_FOOTER;
	default:
		if (key >= ' ' && key < 127 && len + 1 < sizeof(t->input)) {
			t->input[len] = (char)key;
			t->input[len + 1] = '\0';
		}
		return TUI_REDRAW_FOOTER;
	}
}
