// SPDX-License-Identifier: GPL-2.0
/* The mappings pane: one row per mapping, a per-node bar and its counts. */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "tui/ui.h"

#define ADDR_W	12
#define SIZE_W	6
#define RES_W	7
#define BAR_W	10
#define COUNT_W	6
#define PERM_W	4	/* "rw-p", "---p": PROT_NONE and guards told apart */
#define REPL_W	8	/* "replaced": pages the session saw replaced */

/* The counts shown, in order; names and meaning from snapshot.c's table. */
static const unsigned int shown_counts[] = {
	SNAPSHOT_COUNT_PINNED, SNAPSHOT_COUNT_PROTNONE, SNAPSHOT_COUNT_THP,
	SNAPSHOT_COUNT_HUGETLB,
};

#define NR_SHOWN	(sizeof(shown_counts) / sizeof(shown_counts[0]))

/* A count column is as wide as its name, at least COUNT_W. */
static int count_width(unsigned int c)
{
	int len = (int)strlen(snapshot_count_name(c));

	return len > COUNT_W ? len : COUNT_W;
}

static int path_width(WINDOW *win)
{
	/*
	 * five blanks between the first six columns, then " replaced" and
	 * the last column left blank: curses does not write a window's
	 * bottom-right cell, which cut the last row's count
	 */
	int fixed = ADDR_W + SIZE_W + PERM_W + RES_W + BAR_W + 5 + 1 + REPL_W + 1;
	int w;

	for (size_t i = 0; i < NR_SHOWN; i++)
		fixed += count_width(shown_counts[i]) + 1;
	w = getmaxx(win) - fixed;
	return w > 8 ? w : 8;
}

static void maps_header(struct panel *p, void *arg)
{
	struct tui *t = arg;
	char title[160], head[1024];
	int n;

	snprintf(title, sizeof(title), " Mappings (%zu)%s%s%s%s", t->nr_map_rows,
		 t->have_filter ? ", filter: " : "",
		 t->have_filter ? t->filter_text : "",
		 t->map_sort ? ", by " : "",
		 t->map_sort ? tui_map_sort_name(t->map_sort) : "");
	panel_title(p->win, p->focused, title);
	n = snprintf(head, sizeof(head), "%-*s %*s %-*s %-*s %*s %-*s", ADDR_W,
		     "START", SIZE_W, "SIZE", PERM_W, "PERM", path_width(p->win),
		     "MAPPING", RES_W, "RES", BAR_W, "NODES");
	/* a very wide pane fills the buffer: what follows is cut, not past it */
	for (size_t i = 0; i < NR_SHOWN && n < (int)sizeof(head); i++)
		n += snprintf(head + n, sizeof(head) - (size_t)n, " %*s",
			      count_width(shown_counts[i]),
			      snapshot_count_name(shown_counts[i]));
	if (n < (int)sizeof(head))
		snprintf(head + n, sizeof(head) - (size_t)n, " %*s", REPL_W,
			 "replaced");
	wattron(p->win, A_BOLD);
	wmove(p->win, 1, 0);
	tui_addstr_clip(p->win, head, getmaxx(p->win));
	wattroff(p->win, A_BOLD);
}

/* Resident pages per node as runs of the node's digit, in its color. */
static void node_bar(struct tui *t, WINDOW *win, const struct snapshot_summary *sum,
		     const struct snapshot *snap, int attr)
{
	uint64_t res = sum ? sum->count[SNAPSHOT_COUNT_RESIDENT] : 0, known = 0;
	int nodes = snap->nr_nodes > 0 ? snap->nr_nodes : 1, used = 0;

	for (int n = 0; sum && n < nodes; n++)
		known += sum->node_pages[n];
	for (int n = 0; known && n < nodes; n++) {
		int len = (int)((sum->node_pages[n] * BAR_W + known - 1) / known);

		if (len > BAR_W - used)
			len = BAR_W - used;
		wattron(win, tui_attr(t, TUI_C_NODE0 + n % TUI_NODE_COLORS));
		for (int i = 0; i < len; i++)
			waddch(win, (chtype)('0' + n % 10));
		wattroff(win, tui_attr(t, TUI_C_NODE0 + n % TUI_NODE_COLORS));
		wattron(win, attr);
		used += len;
	}
	/* resident, node unknown (no PFNs without CAP_SYS_ADMIN) */
	for (; res > known && used < BAR_W; used++)
		waddch(win, '?');
	for (; used < BAR_W; used++)
		waddch(win, ' ');
}

/* For a mapping without pages: would its count be known? */
static bool count_known(const struct snapshot *snap, unsigned int c)
{
	if (c == SNAPSHOT_COUNT_THP || c == SNAPSHOT_COUNT_HUGETLB)
		return snapshot_has(snap, SNAPSHOT_SRC_KMOD) ||
		       snapshot_has(snap, SNAPSHOT_SRC_KPAGEFLAGS);
	if (c == SNAPSHOT_COUNT_PINNED || c == SNAPSHOT_COUNT_PROTNONE)
		return snapshot_has(snap, SNAPSHOT_SRC_KMOD);
	return true;
}

static void count_cell(WINDOW *win, const struct snapshot_summary *sum,
		       unsigned int c, bool known)
{
	char buf[24];

	if (!known)
		snprintf(buf, sizeof(buf), "-");
	else
		snprintf(buf, sizeof(buf), "%" PRIu64, sum ? sum->count[c] : 0);
	wprintw(win, " %*s", count_width(c), buf);
}

static void maps_row(struct panel *p, void *arg, size_t index, int y, bool sel)
{
	struct tui *t = arg;
	const struct snapshot *snap = &t->frame->snap;
	const struct tui_map_row *row = &t->map_rows[index];
	const struct maps_entry *map = &snap->mappings[row->mapping];
	const struct snapshot_summary *sum = row->sum;
	char name[160];
	const char *path = tui_map_name(t, map, name, sizeof(name));
	int pw = path_width(p->win);
	char size[16], res[24];
	bool pfn = snapshot_has(snap, SNAPSHOT_SRC_PFN);
	int attr = sel ? (p->focused ? A_REVERSE : A_BOLD) : 0;

	tui_fmt_size(map->end - map->start, size, sizeof(size));
	snprintf(res, sizeof(res), "%" PRIu64,
		 sum ? sum->count[SNAPSHOT_COUNT_RESIDENT] : 0);
	wprintw(p->win, "%*" PRIx64 " %*s %-*.*s ", ADDR_W, map->start, SIZE_W,
		size, PERM_W, PERM_W, map->perms);
	/* a long path keeps its end, the file name, and shows it was cut */
	tui_addstr_cut_start(p->win, path, pw);
	wprintw(p->win, " %*s ", RES_W, res);
	node_bar(t, p->win, sum, snap, attr);
	for (size_t i = 0; i < NR_SHOWN; i++) {
		unsigned int c = shown_counts[i];

		count_cell(p->win, sum, c, sum ? sum->known[c] : count_known(snap, c));
	}
	if (pfn)
		wprintw(p->win, " %*" PRIu64, REPL_W,
			session_moved_in(t->session, map->start, map->end));
	else
		wprintw(p->win, " %*s", REPL_W, "-");
}

void maps_panel_init(struct tui *t)
{
	t->maps.header_rows = 2;
	t->maps.draw_header = maps_header;
	t->maps.draw_row = maps_row;
	t->maps.arg = t;
}
