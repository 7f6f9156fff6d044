/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PW_TEXTFILE_H
#define PW_TEXTFILE_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Read the small text file PATH (a /proc, sysfs or debugfs file) into BUF
 * of LEN bytes, NUL-terminated; what does not fit is left unread. 0 or
 * -errno.
 */
int textfile_read(const char *path, char *buf, size_t len);

/* A line of the text file PATH holds NEEDLE (false when it cannot be read). */
bool textfile_contains(const char *path, const char *needle);

#endif
