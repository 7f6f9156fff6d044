/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PW_OUTFILE_H
#define PW_OUTFILE_H

#include <stdio.h>

/*
 * -o FILE, written atomically: output goes to a temporary file beside
 * FILE, which replaces FILE by rename(2) once complete, so a reader (such
 * as node_exporter's textfile collector) sees the old file or the new
 * one, never a part.
 */
struct outfile {
	const char *path;
	char tmp[4096];
	FILE *f;
};

/* Open a temporary file beside PATH. 0 or -errno. */
int outfile_open(struct outfile *of, const char *path);
/* Flush, sync and rename it over PATH. 0 or -errno (it is removed then). */
int outfile_commit(struct outfile *of);
/* Remove the temporary file, if one is open. */
void outfile_abort(struct outfile *of);

#endif
