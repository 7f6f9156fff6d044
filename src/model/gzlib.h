/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PW_GZLIB_H
#define PW_GZLIB_H

#include <zlib.h>

/*
 * zlib's gzip file calls, from zlib opened with dlopen() the first time a
 * recording is read or written: a snapshot does not map it at start-up.
 */
struct gzlib {
	gzFile (*open)(const char *path, const char *mode);
	int (*read)(gzFile f, voidp buf, unsigned int len);
	int (*write)(gzFile f, voidpc buf, unsigned int len);
	int (*close)(gzFile f);
	const char *(*error)(gzFile f, int *errnum);
};

/* The calls, or NULL when zlib cannot be opened (callers: -ELIBACC) */
const struct gzlib *gzlib_get(void);

#endif
