/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ncurses, opened with dlopen() when the session starts (curses_lib.c):
 * a snapshot does not map it, nor libtinfo, at start-up. Every file of the
 * session includes curses through this header (ui.h), whose macros send
 * each curses call the session makes to the opened library; a call before
 * curses_lib_open() succeeded is a bug.
 */
#ifndef PW_TUI_CURSES_LIB_H
#define PW_TUI_CURSES_LIB_H

#include <curses.h>

/* The functions and variables of ncursesw (and libtinfo) the session uses */
#define CURSES_LIB_FUNCTIONS(X)						\
	X(cbreak) X(clearok) X(curs_set) X(delscreen) X(delwin)		\
	X(doupdate) X(endwin) X(getmouse) X(has_colors) X(init_pair)	\
	X(keypad) X(mouseinterval) X(mousemask) X(mvprintw)		\
	X(mvwprintw) X(newterm) X(newwin) X(nodelay) X(noecho) X(nonl)	\
	X(set_escdelay) X(start_color) X(tigetstr) X(use_default_colors) \
	X(waddch) X(waddnstr) X(waddnwstr) X(wattr_off) X(wattr_on)	\
	X(wborder) X(wclrtoeol) X(werase) X(wgetch) X(wmouse_trafo)	\
	X(wmove) X(wnoutrefresh) X(wprintw) X(wtouchln)

struct curses_lib {
#define CURSES_LIB_POINTER(name) __typeof__(name) *name;
	CURSES_LIB_FUNCTIONS(CURSES_LIB_POINTER)
#undef CURSES_LIB_POINTER
	WINDOW **stdscr;
	WINDOW **curscr;
};

extern struct curses_lib curses_lib;

/*
 * Open ncursesw once: 0, or -ELIBACC when it cannot be had
 * (curses_lib_error() then says why: the soname and the loader's words).
 */
int curses_lib_open(void);
const char *curses_lib_error(void);

/* From here on, curses names mean the opened library's */
#ifndef CURSES_LIB_NO_REDIRECT
#undef stdscr
#undef curscr
#define stdscr (*curses_lib.stdscr)
#define curscr (*curses_lib.curscr)
#define CURSES_LIB_REDIRECT(name) (curses_lib.name)
#define cbreak CURSES_LIB_REDIRECT(cbreak)
#define clearok CURSES_LIB_REDIRECT(clearok)
#define curs_set CURSES_LIB_REDIRECT(curs_set)
#define delscreen CURSES_LIB_REDIRECT(delscreen)
#define delwin CURSES_LIB_REDIRECT(delwin)
#define doupdate CURSES_LIB_REDIRECT(doupdate)
#define endwin CURSES_LIB_REDIRECT(endwin)
#define getmouse CURSES_LIB_REDIRECT(getmouse)
#define has_colors CURSES_LIB_REDIRECT(has_colors)
#define init_pair CURSES_LIB_REDIRECT(init_pair)
#define keypad CURSES_LIB_REDIRECT(keypad)
#define mouseinterval CURSES_LIB_REDIRECT(mouseinterval)
#define mousemask CURSES_LIB_REDIRECT(mousemask)
#define mvprintw CURSES_LIB_REDIRECT(mvprintw)
#define mvwprintw CURSES_LIB_REDIRECT(mvwprintw)
#define newterm CURSES_LIB_REDIRECT(newterm)
#define newwin CURSES_LIB_REDIRECT(newwin)
#define nodelay CURSES_LIB_REDIRECT(nodelay)
#define noecho CURSES_LIB_REDIRECT(noecho)
#define nonl CURSES_LIB_REDIRECT(nonl)
#define set_escdelay CURSES_LIB_REDIRECT(set_escdelay)
#define start_color CURSES_LIB_REDIRECT(start_color)
#define tigetstr CURSES_LIB_REDIRECT(tigetstr)
#define use_default_colors CURSES_LIB_REDIRECT(use_default_colors)
#define waddch CURSES_LIB_REDIRECT(waddch)
#define waddnstr CURSES_LIB_REDIRECT(waddnstr)
#define waddnwstr CURSES_LIB_REDIRECT(waddnwstr)
#define wattr_off CURSES_LIB_REDIRECT(wattr_off)
#define wattr_on CURSES_LIB_REDIRECT(wattr_on)
#define wborder CURSES_LIB_REDIRECT(wborder)
#define wclrtoeol CURSES_LIB_REDIRECT(wclrtoeol)
#define werase CURSES_LIB_REDIRECT(werase)
#define wgetch CURSES_LIB_REDIRECT(wgetch)
#define wmouse_trafo CURSES_LIB_REDIRECT(wmouse_trafo)
#define wmove CURSES_LIB_REDIRECT(wmove)
#define wnoutrefresh CURSES_LIB_REDIRECT(wnoutrefresh)
#define wprintw CURSES_LIB_REDIRECT(wprintw)
#define wtouchln CURSES_LIB_REDIRECT(wtouchln)
#endif

#endif
