// SPDX-License-Identifier: GPL-2.0
/* The screen manager: owns the loop, the layout and the views of a frame. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tui/ui.h"

/* Tell the collector what is on screen: the rolling refresh reads it first. */
static void update_focus(struct tui *t)
{
	const struct tui_map_row *row = tui_selected_map(t);
	const struct maps_entry *map;
	uint64_t cursor;

	if (!row || !t->frame)
		return;
	map = &t->frame->snap.mappings[row->mapping];
	cursor = t->focus == PANE_GRID ? pagemap_view_cursor_addr(t) : t->sel_vaddr;
	session_set_focus(t->session, map->start, map->end, cursor);
}

/* The views of a new frame or selection, and the grid's cursor with them. */
static unsigned int rebuild(struct tui *t)
{
	unsigned int dirty = tui_rebuild(t);

	pagemap_view_follow(t);
	return dirty;
}

static void delete_windows(struct tui *t)
{
	WINDOW **wins[] = {
		&t->header, &t->footer, &t->modal, &t->maps.win, &t->grid.win,
		&t->pages.win, &t->events.win,
	};

	for (size_t i = 0; i < sizeof(wins) / sizeof(wins[0]); i++) {
		if (*wins[i])
			delwin(*wins[i]);
		*wins[i] = NULL;
	}
}

/* Header, mappings, page map, pages | events, footer. */
static void layout(struct tui *t)
{
	int body, hm, hg, hb, wp;

	delete_windows(t);
	getmaxyx(stdscr, t->rows, t->cols);
	t->too_small = t->cols < TUI_MIN_COLS || t->rows < TUI_MIN_ROWS;
	erase();
	wnoutrefresh(stdscr);
	if (t->too_small)
		return;
	body = t->rows - TUI_HEADER_ROWS - 1;
	hm = body * 35 / 100;
	hg = body * 30 / 100;
	hb = body - hm - hg;
	wp = t->cols * 58 / 100;
	t->header = newwin(TUI_HEADER_ROWS, t->cols, 0, 0);
	t->maps.win = newwin(hm, t->cols, TUI_HEADER_ROWS, 0);
	t->grid.win = newwin(hg, t->cols, TUI_HEADER_ROWS + hm, 0);
	t->pages.win = newwin(hb, wp, TUI_HEADER_ROWS + hm + hg, 0);
	t->events.win = newwin(hb, t->cols - wp - 1, TUI_HEADER_ROWS + hm + hg,
			       wp + 1);
	t->footer = newwin(1, t->cols, t->rows - 1, 0);
}

static void draw_too_small(struct tui *t)
{
	char line[128];

	erase();
	snprintf(line, sizeof(line), "Terminal too small: %dx%d.", t->cols,
		 t->rows);
	mvaddnstr(0, 0, line, t->cols);
	snprintf(line, sizeof(line), "pagewatch needs at least %dx%d.",
		 TUI_MIN_COLS, TUI_MIN_ROWS);
	mvaddnstr(1, 0, line, t->cols);
	mvaddnstr(2, 0, "Enlarge it, or press q to quit.", t->cols);
	wnoutrefresh(stdscr);
}

static void draw(struct tui *t, unsigned int dirty)
{
	if (dirty & TUI_REDRAW_LAYOUT) {
		layout(t);
		dirty |= TUI_REDRAW_ALL;
	}
	if (t->too_small) {
		draw_too_small(t);
		doupdate();
		return;
	}
	t->maps.focused = t->focus == PANE_MAPS;
	t->pages.focused = t->focus == PANE_PAGES;
	t->events.focused = t->focus == PANE_EVENTS;
	if (t->mode != MODE_NORMAL && (dirty & TUI_REDRAW_PANES))
		dirty |= TUI_REDRAW_MODAL;
	if (dirty & TUI_REDRAW_HEADER)
		header_draw(t);
	if (dirty & TUI_REDRAW_MAPS)
		panel_draw(&t->maps);
	if (dirty & TUI_REDRAW_GRID)
		pagemap_view_draw(t);
	if (dirty & TUI_REDRAW_PAGES)
		panel_draw(&t->pages);
	if (dirty & TUI_REDRAW_EVENTS) {
		panel_set_nr(&t->events, session_nr_events(t->session));
		panel_draw(&t->events);
	}
	if (dirty & TUI_REDRAW_FOOTER)
		footer_draw(t);
	if (t->mode == MODE_HELP && (dirty & TUI_REDRAW_MODAL))
		help_draw(t);
	else if (t->mode == MODE_DETAIL && (dirty & TUI_REDRAW_MODAL))
		detail_draw(t);
	doupdate();
}

/* Take the newest frame when there is one; what it changes gets redrawn. */
static unsigned int take_news(struct tui *t)
{
	struct session_frame *f;
	struct session_status old = t->status;
	unsigned int dirty = 0;

	session_get_status(t->session, &t->status);
	if (memcmp(&old, &t->status, sizeof(old)))
		dirty |= TUI_REDRAW_HEADER;
	if (t->status.exited != old.exited || t->status.paused != old.paused)
		dirty |= TUI_REDRAW_FOOTER;
	if (session_nr_events(t->session) != t->events.nr ||
	    t->status.seq != old.seq)
		dirty |= TUI_REDRAW_EVENTS;
	f = session_frame_get(t->session);
	if (f && f != t->frame) {
		session_frame_put(t->session, t->frame);
		t->frame = f;
		dirty |= rebuild(t);
	} else {
		session_frame_put(t->session, f);
	}
	return dirty;
}

static unsigned int read_keys(struct tui *t)
{
	unsigned int dirty = 0;
	int key;

	while ((key = getch()) != ERR) {
		if (key == KEY_RESIZE) {
			dirty |= TUI_REDRAW_LAYOUT;
			continue;
		}
		if (t->too_small) {
			if (key == 'q' || key == KEY_F(10))
				return dirty | TUI_QUIT;
			continue;
		}
		if (t->mode == MODE_PROMPT)
			dirty |= tui_prompt_key(t, key);
		else
			dirty |= tui_keys_dispatch(t, key);
		if (dirty & TUI_QUIT)
			break;
	}
	return dirty;
}

static void tui_init(struct tui *t, struct session *s, struct collect *ctx,
		     const struct tui_opts *o)
{
	memset(t, 0, sizeof(*t));
	t->session = s;
	t->ctx = ctx;
	t->stop = o->stop;
	t->regions = o->regions;
	t->nr_regions = o->nr_regions;
	t->status.interval = o->interval;
	t->status.replay = o->replay != NULL;
	t->status.speed = 1;
	t->replay_name = o->replay_name;
	t->filter = o->filter;
	t->have_filter = o->have_filter;
	if (o->have_filter && o->filter_text)
		snprintf(t->filter_text, sizeof(t->filter_text), "%s",
			 o->filter_text);
	tui_colors_init(t);
	maps_panel_init(t);
	page_list_init(t);
	event_log_init(t);
}

static void tui_free(struct tui *t)
{
	delete_windows(t);
	session_frame_put(t->session, t->frame);
	snapshot_summary_free(t->sums, t->nr_sums);
	free(t->map_rows);
	free(t->page_rows);
}

static int loop(struct tui *t)
{
	struct pollfd fds[2] = {
		{ .fd = STDIN_FILENO, .events = POLLIN },
		{ .fd = session_fd(t->session), .events = POLLIN },
	};
	unsigned int dirty = TUI_REDRAW_LAYOUT | TUI_REBUILD;

	while (!(t->stop && *t->stop)) {
		if (dirty & TUI_REBUILD)
			dirty |= rebuild(t);
		if (dirty & ~TUI_REBUILD) {
			draw(t, dirty);
			update_focus(t);
		}
		dirty = 0;
		if (poll(fds, 2, -1) < 0 && errno != EINTR)
			return -errno;
		if (fds[1].revents & POLLIN) {
			session_drain(t->session);
			dirty |= take_news(t);
		}
		/* after EINTR too: a resize arrives as SIGWINCH */
		dirty |= read_keys(t);
		if (dirty & TUI_QUIT)
			break;
	}
	return 0;
}

int tui_run(struct collect *ctx, const struct tui_opts *o)
{
	struct session s;
	struct tui t;
	int err;

	/* a replay reads no process: no event counters are opened */
	err = session_init(&s, o->replay ? NULL : ctx, o->interval);
	if (err)
		return err;
	s.after_first = o->after_first;
	s.after_arg = o->after_arg;
	s.record_frame = o->record_frame;
	s.record_event = o->record_event;
	s.record_note = o->record_note;
	s.record_arg = o->record_arg;
	if (o->replay) {
		s.rec = o->replay;
		s.replay_pos = -1;
		s.replay_target = 0;
		s.status.replay = true;
		s.status.speed = 1;
		s.status.nr_ticks = o->replay->nr_ticks;
		s.status.length = recording_offset(o->replay,
						   o->replay->nr_ticks - 1);
	}
	err = tui_begin();
	if (err)
		goto out_free;
	tui_init(&t, &s, ctx, o);
	err = session_start(&s);
	if (!err)
		err = loop(&t);
	session_stop(&s);
	tui_free(&t);
out_free:
	session_free(&s);
	return err;
}
