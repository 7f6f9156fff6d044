/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PW_MAPS_H
#define PW_MAPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* One line of /proc/PID/maps. */
struct maps_entry {
	uint64_t start;
	uint64_t end;		/* exclusive */
	uint64_t offset;
	uint64_t inode;
	unsigned int dev_major;
	unsigned int dev_minor;
	char perms[5];		/* "rw-p" */
	char *path;		/* "" for an anonymous mapping; malloc'd */
};

/* Parse one maps line (without or with its newline); -EINVAL if malformed. */
int maps_parse_line(const char *line, struct maps_entry *entry);

/* Read every mapping of PID; -ESRCH when the process is gone. */
int maps_read(pid_t pid, struct maps_entry **entries, size_t *nr);

void maps_free(struct maps_entry *entries, size_t nr);

/* What every output calls a mapping without a path */
#define MAPS_ANON_NAME	"[anon]"

/* Anonymous: no path, or a name given with PR_SET_VMA_ANON_NAME. */
bool maps_is_anon(const struct maps_entry *entry);
bool maps_path_is_anon(const char *path);

/* The mapping's path, or MAPS_ANON_NAME when it has none. */
static inline const char *maps_name(const struct maps_entry *entry)
{
	return entry->path[0] ? entry->path : MAPS_ANON_NAME;
}

/* PROT_NONE mapping ("---p"/"---s") */
bool maps_is_prot_none(const struct maps_entry *entry);

#endif
