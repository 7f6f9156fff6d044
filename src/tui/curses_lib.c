// SPDX-License-Identifier: GPL-2.0
/*
 * ncursesw, opened when the session starts. Linked, the dynamic loader
 * mapped and bound it and libtinfo at every start of pagewatch, snapshots
 * included, which never draw.
 */
#include "config.h"

#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>

#define CURSES_LIB_NO_REDIRECT
#include "tui/curses_lib.h"

struct curses_lib curses_lib;
static int opened;	/* 0 not tried, 1 open, -ELIBACC failed */
static char why[256];

int curses_lib_open(void)
{
	void *lib;

	if (opened)
		return opened > 0 ? 0 : opened;
	opened = -ELIBACC;
	lib = dlopen(NCURSESW_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (!lib) {
		snprintf(why, sizeof(why), "%s", dlerror());
		return opened;
	}
	/* dlsym() of the handle also finds libtinfo's, a dependency */
#define CURSES_LIB_LOAD(name)						\
	curses_lib.name = (__typeof__(curses_lib.name))dlsym(lib, #name); \
	if (!curses_lib.name) {						\
		snprintf(why, sizeof(why), "%s has no %s", NCURSESW_SONAME, #name); \
		return opened;						\
	}
	CURSES_LIB_FUNCTIONS(CURSES_LIB_LOAD)
	CURSES_LIB_LOAD(stdscr)
	CURSES_LIB_LOAD(curscr)
#undef CURSES_LIB_LOAD
	opened = 1;
	return 0;
}

const char *curses_lib_error(void)
{
	return why;
}
