// SPDX-License-Identifier: GPL-2.0
/* Mappings from /proc/PID/maps. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/maps.h"
#include "kernel/textfile.h"

/*
 * A hexadecimal field at *P ended by STOP (the one character the kernel's
 * format puts after it); advances *P past STOP. sscanf() would do, at
 * some 6,000 instructions a line: maps is read at every snapshot and
 * every refresh, and a process can have tens of thousands of mappings.
 */
static bool parse_hex(const char **p, char stop, unsigned long long *val)
{
	uint64_t v;
	size_t n;

	if (textfile_hex(*p, &n, &v) || (*p)[n] != stop)
		return false;
	*p += n + 1;
	*val = v;
	return true;
}

static bool parse_dec(const char **p, unsigned long long *val)
{
	const char *s = *p;
	unsigned long long v = 0;

	if (*s < '0' || *s > '9')
		return false;
	for (; *s >= '0' && *s <= '9'; s++) {
		if (v > (ULLONG_MAX - (unsigned int)(*s - '0')) / 10)
			return false;
		v = v * 10 + (unsigned int)(*s - '0');
	}
	*p = s;
	*val = v;
	return true;
}

int maps_parse_line(const char *line, struct maps_entry *entry)
{
	unsigned long long start, end, offset, inode, major, minor;
	const char *p = line, *path;
	char perms[5];
	size_t len;

	/* "start-end perms offset major:minor inode   path" */
	if (!parse_hex(&p, '-', &start) || !parse_hex(&p, ' ', &end))
		return -EINVAL;
	len = strcspn(p, " \t\n");
	if (len != 4 || p[len] != ' ')
		return -EINVAL;
	memcpy(perms, p, 4);
	perms[4] = '\0';
	p += 5;
	if (!parse_hex(&p, ' ', &offset) || !parse_hex(&p, ':', &major) ||
	    !parse_hex(&p, ' ', &minor) || major > UINT_MAX || minor > UINT_MAX ||
	    !parse_dec(&p, &inode))
		return -EINVAL;
	if (*p && !isspace((unsigned char)*p))
		return -EINVAL;
	if (start >= end)
		return -EINVAL;
	while (isspace((unsigned char)*p))
		p++;
	path = p;
	len = strcspn(path, "\n");

	entry->path = strndup(path, len);
	if (!entry->path)
		return -ENOMEM;
	entry->start = start;
	entry->end = end;
	entry->offset = offset;
	entry->inode = inode;
	entry->dev_major = (unsigned int)major;
	entry->dev_minor = (unsigned int)minor;
	memcpy(entry->perms, perms, sizeof(entry->perms));
	return 0;
}

int maps_read(pid_t pid, struct maps_entry **entries, size_t *nr)
{
	char path[64], *line = NULL;
	struct maps_entry *all = NULL, *grown;
	size_t n = 0, cap = 0, line_cap = 0;
	FILE *f;
	int err = 0;

	snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return errno == ENOENT ? -ESRCH : -errno;
	while (getline(&line, &line_cap, f) > 0) {
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			grown = realloc(all, cap * sizeof(*all));
			if (!grown) {
				err = -ENOMEM;
				goto err_free;
			}
			all = grown;
		}
		err = maps_parse_line(line, &all[n]);
		if (err)
			goto err_free;
		n++;
	}
	if (ferror(f)) {
		/* reading maps of a task that just exited fails with ESRCH */
		err = errno ? -errno : -EIO;
		goto err_free;
	}
	free(line);
	fclose(f);
	*entries = all;
	*nr = n;
	return 0;

err_free:
	free(line);
	fclose(f);
	maps_free(all, n);
	return err;
}

void maps_free(struct maps_entry *entries, size_t nr)
{
	for (size_t i = 0; i < nr; i++)
		free(entries[i].path);
	free(entries);
}

bool maps_path_is_anon(const char *path)
{
	return path[0] == '\0' || !strncmp(path, "[anon:", 6);
}

bool maps_is_anon(const struct maps_entry *entry)
{
	return maps_path_is_anon(entry->path);
}

bool maps_is_prot_none(const struct maps_entry *entry)
{
	return !strncmp(entry->perms, "---", 3);
}
