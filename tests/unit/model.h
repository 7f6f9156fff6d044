/* SPDX-License-Identifier: GPL-2.0 */
/* Hand-built snapshots for the model and sink tests. */
#ifndef PW_TESTS_MODEL_H
#define PW_TESTS_MODEL_H

#include <stdlib.h>
#include <string.h>

#include "model/snapshot.h"

#define MODEL_KNOWN (SNAPSHOT_BIT(SNAPSHOT_KNOWN_PFN) | \
		     SNAPSHOT_BIT(SNAPSHOT_KNOWN_NODE) | \
		     SNAPSHOT_BIT(SNAPSHOT_KNOWN_MAPCOUNT) | \
		     SNAPSHOT_BIT(SNAPSHOT_KNOWN_THP))
#define MODEL_PRESENT (MODEL_KNOWN | SNAPSHOT_BIT(PAGEWATCH_PAGE_PRESENT) | \
		       SNAPSHOT_BIT(PAGEWATCH_PAGE_ANON))

/* A snapshot of one mapping PATH at 0x1000-0x100000. */
static inline void model_init(struct snapshot *snap, const char *path)
{
	memset(snap, 0, sizeof(*snap));
	snap->seq = 1;
	snap->pid = 4242;
	snprintf(snap->proc.command, sizeof(snap->proc.command), "model");
	snap->proc.state = 'S';
	snap->proc.threads = 1;
	snprintf(snap->proc.user, sizeof(snap->proc.user), "root");
	snprintf(snap->kernel, sizeof(snap->kernel), "6.1.0-test");
	snap->sources = 1U << SNAPSHOT_SRC_PAGEMAP | 1U << SNAPSHOT_SRC_PFN;
	snap->nr_nodes = 2;
	snap->mappings = calloc(1, sizeof(*snap->mappings));
	snap->nr_mappings = 1;
	snap->mappings[0].start = 0x1000;
	snap->mappings[0].end = 0x100000;
	memcpy(snap->mappings[0].perms, "rw-p", 5);
	snap->mappings[0].path = strdup(path);
}

static inline size_t model_add(struct snapshot *snap, uint64_t vaddr,
			       uint64_t pfn, uint16_t node, uint64_t flags)
{
	struct snapshot_page page = {
		.vaddr = vaddr, .pfn = pfn, .node = node, .flags = flags,
		.mapcount = 1,
	};

	snapshot_add_page(snap, &page);
	return snap->nr_pages - 1;
}

#endif
