// SPDX-License-Identifier: GPL-2.0
/*
 * The terminal layer (htop's CRT.c): entering and leaving the full screen,
 * colors and their monochrome stand-ins, clipped text, sizes in words, the
 * message line. Every pane draws through it; it calls no pane.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "tui/ui.h"

static bool screen_on;

int tui_begin(void)
{
	if (screen_on)
		return 0;
	/* UTF-8 text in paths and line drawing; numbers stay in C style */
	setlocale(LC_CTYPE, "");
	/* a short wait tells Esc from the start of an arrow's sequence */
	set_escdelay(25);
	/* newterm, not initscr: an unknown TERM is an error, not an exit */
	if (!newterm(NULL, stdout, stdin))
		return -ENOTTY;
	screen_on = true;
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	curs_set(0);
	mousemask(BUTTON1_CLICKED | BUTTON1_PRESSED, NULL);
	mouseinterval(0);
	return 0;
}

void tui_end(void)
{
	if (!screen_on)
		return;
	endwin();
	screen_on = false;
}

/* https://no-color.org: a non-empty NO_COLOR turns color off */
void tui_colors_init(struct tui *t)
{
	static const short nodes[TUI_NODE_COLORS] = {
		COLOR_GREEN, COLOR_CYAN, COLOR_MAGENTA, COLOR_YELLOW,
		COLOR_BLUE, COLOR_RED,
	};
	const char *no_color = getenv("NO_COLOR");

	t->color = has_colors() && !(no_color && *no_color);
	if (!t->color)
		return;
	start_color();
	use_default_colors();
	init_pair(TUI_C_TITLE, COLOR_BLACK, COLOR_CYAN);
	init_pair(TUI_C_FOCUS, COLOR_BLACK, COLOR_GREEN);
	init_pair(TUI_C_ALERT, COLOR_WHITE, COLOR_RED);
	init_pair(TUI_C_MARK_DIVERGED, COLOR_WHITE, COLOR_RED);
	init_pair(TUI_C_MARK_MIGRATED, COLOR_BLACK, COLOR_YELLOW);
	init_pair(TUI_C_MARK_PINNED, COLOR_RED, -1);
	init_pair(TUI_C_MARK_PROTNONE, COLOR_MAGENTA, -1);
	init_pair(TUI_C_MARK_SWAP, COLOR_BLUE, -1);
	init_pair(TUI_C_MARK_THP, COLOR_CYAN, -1);
	for (int i = 0; i < TUI_NODE_COLORS; i++)
		init_pair((short)(TUI_C_NODE0 + i), nodes[i], -1);
}

/* The attribute of PAIR: a color, or the monochrome stand-in. */
int tui_attr(const struct tui *t, int pair)
{
	if (t->color)
		return (int)COLOR_PAIR(pair) |
		       (pair >= TUI_C_MARK_DIVERGED && pair < TUI_C_NODE0 ?
			A_BOLD : 0);
	if (pair == TUI_C_ALERT || pair == TUI_C_MARK_DIVERGED ||
	    pair == TUI_C_MARK_MIGRATED)
		return A_REVERSE;
	return pair >= TUI_C_MARK_PINNED && pair < TUI_C_NODE0 ? A_BOLD : 0;
}

void tui_message(struct tui *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(t->message, sizeof(t->message), fmt, ap);
	va_end(ap);
}

void tui_addstr_clip(WINDOW *win, const char *text, int width)
{
	int room = width - getcurx(win);

	if (room > 0)
		waddnstr(win, text, room);
}

void tui_fmt_size(uint64_t bytes, char *buf, size_t len)
{
	static const char units[] = "BKMGTPE";
	double v = (double)bytes;
	int u = 0;

	while (v >= 1024 && u < 6) {
		v /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(buf, len, "%" PRIu64 "B", bytes);
	else
		snprintf(buf, len, v < 10 ? "%.1f%c" : "%.0f%c", v, units[u]);
}
