// SPDX-License-Identifier: GPL-2.0
/* Mappings from /proc/PID/maps. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/maps.h"

int maps_parse_line(const char *line, struct maps_entry *entry)
{
	unsigned long long start, end, offset, inode;
	unsigned int major, minor;
	char perms[5];
	int path_at = -1;
	const char *path;
	size_t len;

	/* "start-end perms offset major:minor inode   path" */
	if (sscanf(line, "%llx-%llx %4s %llx %x:%x %llu %n", &start, &end,
		   perms, &offset, &major, &minor, &inode, &path_at) != 7 ||
	    path_at < 0)
		return -EINVAL;
	if (start >= end || strlen(perms) != 4)
		return -EINVAL;
	path = line + path_at;
	len = strcspn(path, "\n");

	entry->path = strndup(path, len);
	if (!entry->path)
		return -ENOMEM;
	entry->start = start;
	entry->end = end;
	entry->offset = offset;
	entry->inode = inode;
	entry->dev_major = major;
	entry->dev_minor = minor;
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
