// SPDX-License-Identifier: GPL-2.0
/* Detail of one page (every field of fields.c) and help, as modal windows. */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/fields.h"
#include "tui/ui.h"

#define HELP_MAX_LINES	96
#define HELP_LINE	128

/* A centered window of at most W x H; NULL when the screen is too small. */
static WINDOW *modal_open(struct tui *t, int w, int h, const char *title)
{
	if (w > t->cols - 2)
		w = t->cols - 2;
	if (h > t->rows - 2)
		h = t->rows - 2;
	if (t->modal)
		delwin(t->modal);
	t->modal = newwin(h, w, (t->rows - h) / 2, (t->cols - w) / 2);
	if (!t->modal)
		return NULL;
	werase(t->modal);
	/* ASCII borders: right on TERM=linux and without a UTF-8 locale */
	wborder(t->modal, '|', '|', '-', '-', '+', '+', '+', '+');
	wattron(t->modal, A_BOLD);
	mvwaddnstr(t->modal, 0, 2, title, w - 4);
	wattroff(t->modal, A_BOLD);
	return t->modal;
}

/* The frame's page at VADDR in V, or NULL */
static const struct snapshot_page *find_page(const struct tui *t, uint64_t vaddr,
					     struct tui_page_view *v)
{
	const struct page_store *st = &t->frame->store;
	size_t lo = page_store_index(st, vaddr);

	if (lo == st->nr_pages || page_store_vaddr(st, lo) != vaddr)
		return NULL;
	return tui_page_view(t, lo, v);
}

/* Every named field, in two columns. Returns the next free row. */
static int draw_fields(WINDOW *win, const struct snapshot *snap,
		       const struct snapshot_page *page, int y)
{
	int w = getmaxx(win) - 2, colw = w / 2, n = 0, rows;

	for (size_t i = 0; i < fields_nr; i++)
		n += fields[i].name != NULL;
	rows = (n + 1) / 2;
	n = 0;
	for (size_t i = 0; i < fields_nr; i++) {
		struct field_value v;
		char buf[64], line[96];

		if (!fields[i].name)
			continue;
		fields[i].get(snap, page, &v);
		fields_format(&fields[i], &v, page, buf, sizeof(buf));
		snprintf(line, sizeof(line), "%-12s %s", fields[i].name, buf);
		mvwaddnstr(win, y + n % rows, 1 + (n / rows) * colw, line, colw - 1);
		n++;
	}
	return y + rows;
}

/* The names of the flags that are set. */
static int draw_flag_names(WINDOW *win, const struct snapshot_page *page, int y)
{
	int w = getmaxx(win) - 2;

	wmove(win, y, 1);
	waddstr(win, "set:");
	for (unsigned int bit = 0; bit < SNAPSHOT_PAGE_NR_FLAGS; bit++) {
		const char *name = fields_flag_name(bit);

		if (!name || !snapshot_page_test(page, bit) ||
		    !fields_flag_known(page, bit))
			continue;
		if (getcurx(win) + (int)strlen(name) + 1 > w) {
			if (y + 1 >= getmaxy(win) - 1)
				break;
			wmove(win, ++y, 5);
		}
		wprintw(win, " %s", name);
	}
	return y + 1;
}

static void draw_history(struct tui *t, WINDOW *win, uint64_t vaddr, int y)
{
	struct session_hist h;
	int maxy = getmaxy(win) - 1;
	char when[16];
	struct tm tm;

	if (y >= maxy)
		return;
	if (!session_history(t->session, vaddr, &h)) {
		mvwaddnstr(win, y, 1, "history: no move seen during this session",
			   getmaxx(win) - 2);
		return;
	}
	mvwprintw(win, y++, 1, "history: %u move%s", h.moves, h.moves == 1 ? "" : "s");
	for (uint32_t i = 0; i < h.nr && y < maxy; i++, y++) {
		localtime_r(&h.e[i].time, &tm);
		strftime(when, sizeof(when), "%H:%M:%S", &tm);
		if (h.e[i].node == PAGEWATCH_NODE_NONE)
			mvwprintw(win, y, 3, "%s snapshot #%u  node ?  pfn %" PRIx64,
				  when, h.e[i].seq, h.e[i].pfn);
		else
			mvwprintw(win, y, 3, "%s snapshot #%u  node %u  pfn %" PRIx64,
				  when, h.e[i].seq, h.e[i].node, h.e[i].pfn);
	}
}

/* A replay: the page's moves across the whole recording, on one line */
static int draw_recorded_moves(struct tui *t, WINDOW *win, uint64_t vaddr, int y)
{
	struct recording_move m[16];
	const struct recording *rec = t->session->rec;
	int w = getmaxx(win) - 2;
	size_t n, shown;
	char item[64];

	if (!rec || y >= getmaxy(win) - 1)
		return y;
	n = recording_page_moves(rec, vaddr, m, 16);
	shown = n < 16 ? n : 16;
	mvwprintw(win, y, 1, "recording: %zu step%s:", n, n == 1 ? "" : "s");
	for (size_t i = 0; i < shown; i++) {
		if (m[i].gone)
			snprintf(item, sizeof(item), " #%zu gone", m[i].tick);
		else if (m[i].node == PAGEWATCH_NODE_NONE)
			snprintf(item, sizeof(item), " #%zu pfn %" PRIx64,
				 m[i].tick, m[i].pfn);
		else
			snprintf(item, sizeof(item), " #%zu N%u pfn %" PRIx64,
				 m[i].tick, m[i].node, m[i].pfn);
		if (getcurx(win) + (int)strlen(item) > w) {
			if (++y >= getmaxy(win) - 1)
				break;
			wmove(win, y, 3);
		}
		waddstr(win, item);
	}
	return y + 1;
}

void detail_draw(struct tui *t)
{
	struct tui_page_view view;
	const struct snapshot_page *page = t->frame ?
		find_page(t, t->detail_vaddr, &view) : NULL;
	const struct snapshot *snap = page ? &view.snap :
				      t->frame ? &t->frame->snap : NULL;
	char title[160];
	WINDOW *win;
	int y;

	snprintf(title, sizeof(title), " Page %" PRIx64 " in %s, snapshot #%u ",
		 t->detail_vaddr, page ? maps_name(&snap->mappings[page->mapping]) : "-",
		 snap ? snap->seq : 0);
	/* fields in two columns, flags, history and the borders */
	win = modal_open(t, 78, ((int)fields_nr + 1) / 2 + 6 + SESSION_HIST_MAX +
			 (t->session->rec ? 3 : 0), title);
	if (!win)
		return;
	if (!page) {
		mvwaddnstr(win, 2, 2, "This page has no state in the newest snapshot.",
			   getmaxx(win) - 4);
		y = 4;
	} else {
		y = draw_fields(win, snap, page, 1);
		y = draw_flag_names(win, page, y);
	}
	y = draw_recorded_moves(t, win, t->detail_vaddr, y);
	draw_history(t, win, t->detail_vaddr, y);
	mvwaddnstr(win, getmaxy(win) - 1, 2, " any key closes ", getmaxx(win) - 4);
	wnoutrefresh(win);
}

/* A key's name and the names of the aliases that follow it in the table. */
static void key_names(size_t i, char *buf, size_t len)
{
	size_t n = (size_t)snprintf(buf, len, "%s", tui_keys[i].name);

	for (size_t j = i + 1; j < tui_keys_nr && !tui_keys[j].help; j++)
		if (!strstr(buf, tui_keys[j].name) && n < len)
			n += (size_t)snprintf(buf + n, len - n, " %s",
					      tui_keys[j].name);
}

/* The help's text, made for a width: lines wrapped at words */
struct help_text {
	char lines[HELP_MAX_LINES][HELP_LINE];
	int nr;
};

/*
 * Add TEXT to H in lines of at most WIDTH columns; the first starts with
 * LABEL padded to INDENT, the others with INDENT blanks. A word longer
 * than a line is cut.
 */
static void help_add(struct help_text *h, const char *label, int indent,
		     const char *text, int width)
{
	const char *p = text;

	if (width > HELP_LINE - 1)
		width = HELP_LINE - 1;
	if (indent >= width)
		indent = 0;
	do {
		int room = width - indent, n = (int)strlen(p);

		if (h->nr == HELP_MAX_LINES)
			return;
		if (n > room) {
			n = room;
			while (n > 0 && p[n] != ' ')
				n--;
			if (!n)
				n = room;
		}
		snprintf(h->lines[h->nr++], HELP_LINE, "%-*.*s%.*s", indent, indent,
			 p == text ? label : "", n, p);
		p += n;
		while (*p == ' ')
			p++;
	} while (*p);
}

void help_draw(struct tui *t)
{
	WINDOW *win = modal_open(t, 100, 40,
				 " pagewatch keys (Up/Down scroll, any other key closes) ");
	static struct help_text h;
	char names[32], *filters = NULL;
	int width, rows, top;
	size_t len;
	FILE *f;

	if (!win)
		return;
	width = getmaxx(win) - 4;
	rows = getmaxy(win) - 2;
	h.nr = 0;
	for (size_t i = 0; i < tui_keys_nr; i++) {
		unsigned int mode = t->status.replay ? TUI_KEY_REPLAY : TUI_KEY_LIVE;

		/* the keys of this session: a replay's, or a live one's */
		if (!tui_keys[i].help ||
		    (tui_keys[i].modes && !(tui_keys[i].modes & mode)))
			continue;
		key_names(i, names, sizeof(names));
		help_add(&h, names, 11, tui_keys[i].help, width);
	}
	/* the filter names, from filter.c's one table */
	f = open_memstream(&filters, &len);
	if (f) {
		filter_print_names(f);
		fclose(f);
	}
	help_add(&h, "", 0, "", width);
	if (filters)
		help_add(&h, "Filters:", 9, filters, width);
	free(filters);
	help_add(&h, "", 0, "", width);
	help_add(&h, "Page map:", 10, "0-9 node, . no page, + mixed nodes, # node unknown; letters as in its legend.",
		 width);
	/* Down stops when the last line is in the box */
	top = h.nr > rows ? h.nr - rows : 0;
	if ((int)t->help_top > top)
		t->help_top = (size_t)top;
	for (int y = 0; y < rows && (int)t->help_top + y < h.nr; y++)
		mvwaddstr(win, 1 + y, 2, h.lines[t->help_top + (size_t)y]);
	wnoutrefresh(win);
}
