/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PW_TEXTFILE_H
#define PW_TEXTFILE_H

#include <stddef.h>

/*
 * Read the small text file PATH (a /proc, sysfs or debugfs file) into BUF
 * of LEN bytes, NUL-terminated; what does not fit is left unread. 0 or
 * -errno.
 */
int textfile_read(const char *path, char *buf, size_t len);

#endif
