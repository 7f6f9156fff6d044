/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PW_DEMO_H
#define PW_DEMO_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

/*
 * pagewatch --demo: a child process with a known memory layout (memory on
 * every node, THP, a file mapping, memory shared with a grandchild,
 * io_uring-pinned buffers, a PROT_NONE reservation, a remote-touching
 * thread) to watch.
 */
#define DEMO_MAX_REGIONS	16

/* A region the demo made, from its own line "region NAME ADDR PAGES" */
struct demo_region {
	char name[24];
	uint64_t start;
	uint64_t end;
};

struct demo {
	pid_t pid;
	struct demo_region regions[DEMO_MAX_REGIONS];
	int nr_regions;
	int to_child;
	int from_child;
	char file_path[64];
};

/* Start the child; LOG gets one line per region and per thing it cannot show. */
int demo_start(struct demo *demo, FILE *log);

/* Free the pinned "diverge" buffer with MADV_DONTNEED and touch it again. */
int demo_diverge(struct demo *demo, FILE *log);

/* Kill the child (and with it the grandchild) and remove the file. */
void demo_stop(struct demo *demo);

#endif
