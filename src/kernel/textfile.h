/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PW_TEXTFILE_H
#define PW_TEXTFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Read the small text file PATH (a /proc, sysfs or debugfs file) into BUF
 * of LEN bytes, NUL-terminated; what does not fit is left unread. 0 or
 * -errno.
 */
int textfile_read(const char *path, char *buf, size_t len);

/* A line of the text file PATH holds NEEDLE (false when it cannot be read). */
bool textfile_contains(const char *path, const char *needle);

/*
 * The hexadecimal digits at S, without prefix, up to the first other
 * character: their count in *LEN, their value in *VALUE. 0, -EINVAL when
 * S does not start with one, -ERANGE when the value does not fit 64 bits.
 */
int textfile_hex(const char *s, size_t *len, uint64_t *value);

#endif
