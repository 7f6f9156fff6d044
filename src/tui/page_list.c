// SPDX-License-Identifier: GPL-2.0
/* The pages pane: the selected mapping's pages, columns from fields.c. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "model/fields.h"
#include "tui/ui.h"

/*
 * Which text columns of the fields table come first when the pane is
 * narrow; the titles and widths are the table's own.
 */
static const char *const column_order[] = {
	"ADDR", "NODE", "PFN", "FLAGS", "MAP", "PIN", "REF", "ORD", "WAS",
};
#define NR_COLUMNS	(sizeof(column_order) / sizeof(column_order[0]))

static const struct field *column(size_t i)
{
	for (size_t f = 0; f < fields_nr; f++)
		if (fields[f].title && !strcmp(fields[f].title, column_order[i]))
			return &fields[f];
	return NULL;
}

static int column_width(const struct field *f)
{
	return f->text_width < 0 ? -f->text_width : f->text_width;
}

/* Columns that fit WIDTH, in order. */
static size_t fitting(int width)
{
	int used = 0;
	size_t n = 0;

	for (size_t i = 0; i < NR_COLUMNS; i++) {
		const struct field *f = column(i);

		if (!f || used + column_width(f) > width)
			break;
		used += column_width(f) + 1;
		n++;
	}
	return n;
}

static void pages_header(struct panel *p, void *arg)
{
	struct tui *t = arg;
	const struct tui_map_row *row = tui_selected_map(t);
	const char *path = "-";
	char title[320], name[160];
	size_t n = fitting(getmaxx(p->win));

	if (row)
		path = tui_map_name(t, &t->frame->snap.mappings[row->mapping],
				    name, sizeof(name));
	snprintf(title, sizeof(title), " Pages of %s (%zu)", path,
		 t->nr_page_rows);
	panel_title(p->win, p->focused, title);
	wmove(p->win, 1, 0);
	wattron(p->win, A_BOLD);
	for (size_t i = 0; i < n; i++) {
		const struct field *f = column(i);

		wprintw(p->win, "%s%*s", i ? " " : "",
			f->text_width < 0 ? -column_width(f) : column_width(f),
			f->title);
	}
	wattroff(p->win, A_BOLD);
	if (!t->nr_page_rows && row)
		mvwaddnstr(p->win, 2, 1, t->have_filter ?
			   "no page passes the filter" : "no page with state",
			   getmaxx(p->win) - 1);
}

static void pages_row(struct panel *p, void *arg, size_t index, int y, bool sel)
{
	struct tui *t = arg;
	struct tui_page_view view;
	const struct snapshot_page *page = tui_page_view(t, tui_page_index(t, index),
							 &view);
	const struct snapshot *snap = &view.snap;
	size_t n = fitting(getmaxx(p->win));

	for (size_t i = 0; i < n; i++) {
		const struct field *f = column(i);
		struct field_value v;
		char buf[64];

		f->get(snap, page, &v);
		fields_format(f, &v, page, buf, sizeof(buf));
		wprintw(p->win, "%s%*s", i ? " " : "",
			f->text_width < 0 ? -column_width(f) : column_width(f),
			buf);
	}
}

void page_list_init(struct tui *t)
{
	t->pages.header_rows = 2;
	t->pages.draw_header = pages_header;
	t->pages.draw_row = pages_row;
	t->pages.arg = t;
}
