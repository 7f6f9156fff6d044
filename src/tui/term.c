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
#include <string.h>
#include <wchar.h>

#include <term.h>

#include "tui/ui.h"

static bool screen_on;

int tui_begin(void)
{
	SCREEN *scr;
	char *cup;

	if (screen_on)
		return 0;
	if (curses_lib_open())
		return -ELIBACC;
	/* UTF-8 text in paths and line drawing; numbers stay in C style */
	setlocale(LC_CTYPE, "");
	/* a short wait tells Esc from the start of an arrow's sequence */
	set_escdelay(25);
	/* newterm, not initscr: an unknown TERM is an error, not an exit */
	scr = newterm(NULL, stdout, stdin);
	if (!scr)
		return -ENOTTY;
	/* TERM=dumb and its kind cannot move the cursor: all on one line */
	cup = tigetstr("cup");
	if (!cup || cup == (char *)-1) {
		endwin();
		delscreen(scr);
		return -ENOTTY;
	}
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

const char *tui_lib_error(void)
{
	return curses_lib_error();
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

/* The mark of cut text: an ellipsis where the terminal speaks UTF-8 */
static const wchar_t *cut_mark(void)
{
	return MB_CUR_MAX > 1 ? L"\u2026" : L"~";
}

/*
 * TEXT as wide characters in BUF (LEN of them), its display columns in
 * *COLS; a byte that is no character shows as '?'.
 */
static size_t widen(const char *text, wchar_t *buf, size_t len, int *cols)
{
	mbstate_t st;
	size_t n = 0, got;
	int w;

	memset(&st, 0, sizeof(st));
	*cols = 0;
	while (*text && n < len - 1) {
		got = mbrtowc(&buf[n], text, MB_CUR_MAX, &st);
		if (got == (size_t)-1 || got == (size_t)-2 || !got) {
			memset(&st, 0, sizeof(st));
			buf[n] = L'?';
			got = 1;
		}
		w = wcwidth(buf[n]);
		*cols += w > 0 ? w : 0;
		text += got;
		n++;
	}
	buf[n] = L'\0';
	return n;
}

/* Characters of BUF that fit in COLS columns, from the start */
static size_t fit(const wchar_t *buf, size_t n, int cols)
{
	size_t i = 0;
	int w;

	for (; i < n; i++) {
		w = wcwidth(buf[i]);
		w = w > 0 ? w : 0;
		if (w > cols)
			break;
		cols -= w;
	}
	return i;
}

void tui_addstr_clip(WINDOW *win, const char *text, int width)
{
	int room = width - getcurx(win), cols;
	wchar_t buf[1024];
	size_t n;

	if (room <= 0)
		return;
	n = widen(text, buf, sizeof(buf) / sizeof(buf[0]), &cols);
	if (cols <= room) {
		waddnwstr(win, buf, (int)n);
		return;
	}
	/* cut text says so: its last column is the mark */
	waddnwstr(win, buf, (int)fit(buf, n, room - 1));
	waddwstr(win, cut_mark());
}

void tui_addstr_cut_start(WINDOW *win, const char *text, int width)
{
	wchar_t buf[1024];
	size_t n, skip = 0;
	int cols, x = getcurx(win);

	if (width <= 0)
		return;
	n = widen(text, buf, sizeof(buf) / sizeof(buf[0]), &cols);
	if (cols > width) {
		/* keep the end (a path's file name): the mark replaces the start */
		while (skip < n && cols > width - 1) {
			int w = wcwidth(buf[skip++]);

			cols -= w > 0 ? w : 0;
		}
		waddwstr(win, cut_mark());
	}
	waddnwstr(win, buf + skip, (int)(n - skip));
	/* pad to WIDTH: the columns after it stay aligned */
	while (getcurx(win) < x + width && getcurx(win) > 0)
		waddch(win, ' ');
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
