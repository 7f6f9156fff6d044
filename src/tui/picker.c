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

#include "kernel/numa_topo.h"
#include "kernel/procs.h"
#include "tui/ui.h"

#define PICKER_REFRESH_MS	2000
#define NODE_W			8

/* Orders of the list (F6): RSS, PID, each node's memory, command line */
enum { SORT_RSS, SORT_PID, SORT_NODE };
#define KEY_ESC			27

struct picker {
	struct procs_entry *all;
	size_t nr;
	size_t *shown;
	size_t nr_shown;
	struct panel list;
	char search[32];
	pid_t self;
	int nr_nodes;		/* node columns shown, up to PROCS_NODES */
	int sort;		/* SORT_RSS, SORT_PID, SORT_NODE + n, or SORT_CMD */
	const char *note;	/* shown until a key is pressed */
};

static bool matches(const struct procs_entry *e, const char *search)
{
	char pid[16];

	if (!search[0])
		return true;
	snprintf(pid, sizeof(pid), "%d", (int)e->pid);
	return !strncmp(pid, search, strlen(search)) ||
	       strcasestr(e->command, search) || strcasestr(e->cmdline, search);
}

static int sort_cmd(struct picker *p)
{
	return SORT_NODE + p->nr_nodes;
}

static const char *sort_name(struct picker *p, char *buf, size_t len)
{
	if (p->sort == SORT_RSS)
		return "RSS";
	if (p->sort == SORT_PID)
		return "PID";
	if (p->sort == sort_cmd(p))
		return "command line";
	snprintf(buf, len, "memory on node %d", p->sort - SORT_NODE);
	return buf;
}

static int sort_by;	/* qsort has no argument: the order being sorted */

static int cmp_entries(const void *a, const void *b)
{
	const struct procs_entry *x = a, *y = b;
	int node = sort_by - SORT_NODE, c;

	if (sort_by == SORT_RSS && x->rss_kib != y->rss_kib)
		return x->rss_kib > y->rss_kib ? -1 : 1;
	if (sort_by >= SORT_NODE && node < PROCS_NODES &&
	    x->node_kib[node] != y->node_kib[node])
		return x->node_kib[node] > y->node_kib[node] ? -1 : 1;
	if (sort_by >= SORT_NODE && node >= PROCS_NODES) {
		c = strcmp(x->cmdline[0] ? x->cmdline : x->command,
			   y->cmdline[0] ? y->cmdline : y->command);
		if (c)
			return c;
	}
	return x->pid < y->pid ? -1 : x->pid > y->pid;
}

/*
 * Every process's memory per node, to sort by a node: numa_maps walks
 * page tables, so otherwise only the rows drawn read it (picker_row()).
 */
static void read_all_nodes(struct picker *p)
{
	for (size_t i = 0; i < p->nr; i++) {
		struct procs_entry *e = &p->all[i];

		if (!e->have_nodes)
			e->have_nodes = !procs_read_nodes(e->pid, e->node_kib);
	}
}

static void sort_entries(struct picker *p)
{
	bool by_node = p->sort >= SORT_NODE && p->sort < sort_cmd(p);

	if (by_node)
		read_all_nodes(p);
	sort_by = p->sort == sort_cmd(p) ? SORT_NODE + PROCS_NODES : p->sort;
	qsort(p->all, p->nr, sizeof(*p->all), cmp_entries);
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
	sort_entries(p);
	apply_search(p);
	return 0;
}

static void picker_header(struct panel *panel, void *arg)
{
	struct picker *p = arg;
	char line[512], name[16];
	int n;

	n = snprintf(line, sizeof(line), "%7s %-10s %9s", "PID", "USER", "RSS");
	for (int i = 0; i < p->nr_nodes; i++) {
		snprintf(name, sizeof(name), "N%d", i);
		n += snprintf(line + n, sizeof(line) - (size_t)n, " %*s", NODE_W, name);
	}
	snprintf(line + n, sizeof(line) - (size_t)n, "  %-*s",
		 getmaxx(panel->win), "COMMAND LINE");
	wattron(panel->win, A_REVERSE | A_BOLD);
	wmove(panel->win, 0, 0);
	tui_addstr_clip(panel->win, line, getmaxx(panel->win));
	wattroff(panel->win, A_REVERSE | A_BOLD);
	if (!panel->nr)
		mvwaddnstr(panel->win, 1, 2, "no process matches",
			   getmaxx(panel->win) - 2);
}

static void picker_row(struct panel *panel, void *arg, size_t index, int y,
		       bool sel)
{
	struct picker *p = arg;
	struct procs_entry *e = &p->all[p->shown[index]];
	char rss[16], line[512], kib[16];
	int n;

	if (!e->have_nodes)
		e->have_nodes = !procs_read_nodes(e->pid, e->node_kib);
	tui_fmt_size((uint64_t)e->rss_kib * 1024, rss, sizeof(rss));
	n = snprintf(line, sizeof(line), "%7d %-10.10s %9s", (int)e->pid, e->user,
		     rss);
	for (int i = 0; i < p->nr_nodes; i++) {
		/* numa_maps is not ours to read (another user's): unknown */
		if (e->have_nodes)
			tui_fmt_size(e->node_kib[i] * 1024, kib, sizeof(kib));
		else
			snprintf(kib, sizeof(kib), "-");
		n += snprintf(line + n, sizeof(line) - (size_t)n, " %*s", NODE_W, kib);
	}
	snprintf(line + n, sizeof(line) - (size_t)n, "  %s",
		 e->cmdline[0] && strcmp(e->cmdline, "-") ? e->cmdline : e->command);
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
	char title[128], name[32];

	werase(stdscr);
	snprintf(title, sizeof(title), "pagewatch: pick a process to watch (by %s; F6 sorts)",
		 sort_name(p, name, sizeof(name)));
	attron(A_BOLD);
	move(0, 0);
	tui_addstr_clip(stdscr, title, cols);
	attroff(A_BOLD);
	mvprintw(1, 0, "Search (name or PID): %s", p->search);
	mvaddnstr(rows - 1, 0, "Type to search  Up/Down select  Enter watch  F6 sort  Esc clear or quit  q quit",
		  cols);
	if (p->note) {
		/* the title's row: the list covers the rest */
		attron(A_BOLD | A_REVERSE);
		move(0, 0);
		clrtoeol();
		tui_addstr_clip(stdscr, p->note, cols);
		attroff(A_BOLD | A_REVERSE);
	}
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
	p->note = NULL;
	if (panel_key(&p->list, key))
		return 0;
	switch (key) {
	case '\r':
	case '\n':
	case KEY_ENTER:
		return p->nr_shown ? 1 : 0;
	case KEY_F(10):
		return 2;
	case KEY_F(6):
		p->sort = (p->sort + 1) % (sort_cmd(p) + 1);
		sort_entries(p);
		break;
	case 'q':
		/* q leaves, as in the session; in a search it is a letter */
		if (!len)
			return 2;
		goto type;
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
type:
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

/* Select PID's row when it is listed. */
static void select_pid(struct picker *p, pid_t pid)
{
	for (size_t i = 0; i < p->nr_shown; i++)
		if (p->all[p->shown[i]].pid == pid)
			panel_select(&p->list, i);
}

int tui_pick(pid_t *pid, const char *note, volatile sig_atomic_t *stop)
{
	struct picker p;
	int err;

	memset(&p, 0, sizeof(p));
	p.self = getpid();
	p.note = note;
	p.nr_nodes = numa_nr_nodes();
	if (p.nr_nodes > PROCS_NODES)
		p.nr_nodes = PROCS_NODES;
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
		select_pid(&p, *pid);
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
