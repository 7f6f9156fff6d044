// SPDX-License-Identifier: GPL-2.0
/* The scrollable list widget every list pane is made of. */
#include "config.h"

#include "tui/ui.h"

int panel_rows(const struct panel *p)
{
	int rows = p->win ? getmaxy(p->win) - p->header_rows : 0;

	return rows > 0 ? rows : 0;
}

/* Keep the selection inside the list and on screen. */
static void panel_clamp(struct panel *p)
{
	size_t rows = (size_t)panel_rows(p);

	if (!p->nr) {
		p->selected = p->top = 0;
		return;
	}
	if (p->selected >= p->nr)
		p->selected = p->nr - 1;
	if (p->selected < p->top)
		p->top = p->selected;
	if (rows && p->selected >= p->top + rows)
		p->top = p->selected - rows + 1;
	if (rows && p->top + rows > p->nr)
		p->top = p->nr > rows ? p->nr - rows : 0;
}

void panel_set_nr(struct panel *p, size_t nr)
{
	p->nr = nr;
	panel_clamp(p);
}

void panel_select(struct panel *p, size_t index)
{
	p->selected = index;
	panel_clamp(p);
}

bool panel_key(struct panel *p, int key)
{
	size_t page = (size_t)(panel_rows(p) > 1 ? panel_rows(p) - 1 : 1);

	switch (key) {
	case KEY_UP:
		if (p->selected)
			p->selected--;
		break;
	case KEY_DOWN:
		p->selected++;
		break;
	case KEY_PPAGE:
		p->selected = p->selected > page ? p->selected - page : 0;
		break;
	case KEY_NPAGE:
		p->selected += page;
		break;
	case KEY_HOME:
		p->selected = 0;
		break;
	case KEY_END:
		p->selected = p->nr ? p->nr - 1 : 0;
		break;
	default:
		return false;
	}
	panel_clamp(p);
	return true;
}

bool panel_click(struct panel *p, int y)
{
	size_t index;

	if (y < p->header_rows)
		return false;
	index = p->top + (size_t)(y - p->header_rows);
	if (index >= p->nr)
		return false;
	p->selected = index;
	panel_clamp(p);
	return true;
}

void panel_title(WINDOW *win, bool focused, const char *text)
{
	int width = getmaxx(win);

	wmove(win, 0, 0);
	wattron(win, focused ? A_REVERSE | A_BOLD : A_REVERSE);
	tui_addstr_clip(win, text, width);
	for (int x = getcurx(win); x < width && getcury(win) == 0; x++)
		waddch(win, ' ');
	wattroff(win, A_REVERSE | A_BOLD);
}

void panel_draw(struct panel *p)
{
	int rows = panel_rows(p);

	if (!p->win)
		return;
	panel_clamp(p);
	werase(p->win);
	if (p->draw_header)
		p->draw_header(p, p->arg);
	for (int y = 0; y < rows && p->top + (size_t)y < p->nr; y++) {
		size_t index = p->top + (size_t)y;
		bool sel = index == p->selected;

		wmove(p->win, p->header_rows + y, 0);
		if (sel)
			wattron(p->win, p->focused ? A_REVERSE : A_BOLD);
		p->draw_row(p, p->arg, index, p->header_rows + y, sel);
		if (sel && p->focused) {
			/* the selection bar spans the whole row */
			for (int x = getcurx(p->win); x < getmaxx(p->win) &&
			     getcury(p->win) == p->header_rows + y; x++)
				waddch(p->win, ' ');
		}
		wattroff(p->win, A_REVERSE | A_BOLD);
	}
	wnoutrefresh(p->win);
}
