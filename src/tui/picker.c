// SPDX-License-Identifier: GPL-2.0
/* The process picker: largest RSS first, incremental search by name or PID. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kernel/procs.h"
#include "tui/ui.h"

#define PICKER_REFRESH_MS	2000
#define KEY_ESC			27

struct picker {
	struct procs_entry *all;
	size_t nr;
	size_t *shown;
	size_t nr_shown;
	struct panel list;
	char search[32];
	pid_t self;
};

static bool matches(const struct procs_entry *e, const char *search)
{
	char pid[16];

	if (!search[0])
		return true;
	snprintf(pid, sizeof(pid), "%d", (int)e->pid);
	return !strncmp(pid, search, strlen(search)) ||
	       strcasestr(e->command, search);
}

static void apply_search(struct picker *p)
{
	pid_t keep = p->nr_shown && p->list.selected < p->nr_shown ?
		     p->all[p->shown[p->list.selected]].pid : 0;
	size_t sel = 0;

	p->nr_shown = 0;
	for (size_t i = 0; i < p->nr; i++) {
		if (p->all[i].pid == p->self || !matches(&p->all[i], p->search))
			continue;
		if (p->all[i].pid == keep)
			sel = p->nr_shown;
		p->shown[p->nr_shown++] = i;
	}
	panel_set_nr(&p->list, p->nr_shown);
	panel_select(&p->list, sel);
}

static int reload(struct picker *p)
{
	struct procs_entry *all;
	size_t nr, *shown;
	int err;

	err = procs_list(&all, &nr);
	if (err)
		return err;
	shown = calloc(nr + 1, sizeof(*shown));
	if (!shown) {
		free(all);
		return -ENOMEM;
	}
	free(p->all);
	free(p->shown);
	p->all = all;
	p->nr = nr;
	p->shown = shown;
	apply_search(p);
	return 0;
}

static void picker_header(struct panel *panel, void *arg)
{
	wattron(panel->win, A_REVERSE | A_BOLD);
	mvwprintw(panel->win, 0, 0, "%7s %-10s %9s  %-*s", "PID", "USER", "RSS",
		  getmaxx(panel->win) - 31, "COMMAND");
	wattroff(panel->win, A_REVERSE | A_BOLD);
	if (!panel->nr)
		mvwaddnstr(panel->win, 1, 2, "no process matches",
			   getmaxx(panel->win) - 2);
}

static void picker_row(struct panel *panel, void *arg, size_t index, int y,
		       bool sel)
{
	struct picker *p = arg;
	const struct procs_entry *e = &p->all[p->shown[index]];
	char rss[16], line[200];

	tui_fmt_size((uint64_t)e->rss_kib * 1024, rss, sizeof(rss));
	snprintf(line, sizeof(line), "%7d %-10.10s %9s  %s", (int)e->pid, e->user,
		 rss, e->command);
	tui_addstr_clip(panel->win, line, getmaxx(panel->win));
}

static void layout(struct picker *p)
{
	int rows, cols;

	getmaxyx(stdscr, rows, cols);
	if (p->list.win)
		delwin(p->list.win);
	p->list.win = rows > 4 ? newwin(rows - 3, cols, 2, 0) : NULL;
	erase();
	wnoutrefresh(stdscr);
}

static void draw(struct picker *p)
{
	int rows = getmaxy(stdscr), cols = getmaxx(stdscr);

	werase(stdscr);
	attron(A_BOLD);
	mvaddnstr(0, 0, "pagewatch: pick a process to watch (largest RSS first)", cols);
	attroff(A_BOLD);
	mvprintw(1, 0, "Search (name or PID): %s", p->search);
	mvaddnstr(rows - 1, 0, "Type to search  Up/Down select  Enter watch  Esc clear or quit  F10 quit",
		  cols);
	wnoutrefresh(stdscr);
	if (p->list.win)
		panel_draw(&p->list);
	move(1, 22 + (int)strlen(p->search));
	doupdate();
}

/* 0: go on; 1: picked; 2: quit. */
static int picker_key(struct picker *p, int key)
{
	size_t len = strlen(p->search);

	if (key == KEY_RESIZE) {
		layout(p);
		return 0;
	}
	if (panel_key(&p->list, key))
		return 0;
	switch (key) {
	case '\r':
	case '\n':
	case KEY_ENTER:
		return p->nr_shown ? 1 : 0;
	case KEY_F(10):
		return 2;
	case KEY_ESC:
		if (!len)
			return 2;
		p->search[0] = '\0';
		break;
	case KEY_BACKSPACE:
	case 127:
	case 8:
		if (len)
			p->search[len - 1] = '\0';
		break;
	default:
		if (key > ' ' && key < 127 && len + 1 < sizeof(p->search)) {
			p->search[len] = (char)key;
			p->search[len + 1] = '\0';
		}
		break;
	}
	apply_search(p);
	return 0;
}

static int picker_loop(struct picker *p, volatile sig_atomic_t *stop)
{
	struct pollfd fd = { .fd = STDIN_FILENO, .events = POLLIN };
	int key, done = 0, err;

	while (!done && !(stop && *stop)) {
		draw(p);
		err = poll(&fd, 1, PICKER_REFRESH_MS);
		if (err < 0 && errno != EINTR)
			return -errno;
		if (err == 0 && reload(p))
			return -EIO;
		while (!done && (key = getch()) != ERR)
			done = picker_key(p, key);
	}
	return done == 1 ? 0 : 1;
}

int tui_pick(pid_t *pid, volatile sig_atomic_t *stop)
{
	struct picker p;
	int err;

	memset(&p, 0, sizeof(p));
	p.self = getpid();
	p.list.header_rows = 1;
	p.list.draw_header = picker_header;
	p.list.draw_row = picker_row;
	p.list.arg = &p;
	p.list.focused = true;
	err = reload(&p);
	if (err)
		return err;
	err = tui_begin();
	if (!err) {
		curs_set(1);
		layout(&p);
		err = picker_loop(&p, stop);
		curs_set(0);
	}
	if (!err)
		*pid = p.all[p.shown[p.list.selected]].pid;
	if (p.list.win)
		delwin(p.list.win);
	free(p.all);
	free(p.shown);
	return err;
}
