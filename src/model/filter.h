/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PW_FILTER_H
#define PW_FILTER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "model/snapshot.h"

/* Filter names: one table in filter.c, used by parsing and help. */
enum filter_kind {
	FILTER_PINNED,
	FILTER_PROTNONE,
	FILTER_MIGRATED,
	FILTER_REPLACED,
	FILTER_DIVERGED,
	FILTER_THP,
	FILTER_HUGETLB,
	FILTER_SWAPPED,
	FILTER_NODE,
	FILTER_NR
};

/* A page passes when it matches every filter of the list. */
struct filter {
	unsigned int kinds;	/* 1 << FILTER_* */
	unsigned int node;
};

/* Parse "pinned,thp,node=1"; -EINVAL on an empty, unknown or bad item. */
int filter_parse(const char *list, struct filter *filter);

bool filter_match(const struct filter *filter, const struct snapshot_page *page);

/* Matches for snapshot_summarize(): ARG is a struct filter *. */
bool filter_keep(const struct snapshot_page *page, const void *arg);

/* Names, for help text: "pinned, protnone, ..., node=N". */
void filter_print_names(FILE *f);

/*
 * Parse "START-END", hexadecimal with or without 0x, END exclusive;
 * START is rounded down and END up to pages. -EINVAL if malformed,
 * empty or reversed, -ERANGE past 64 bits.
 */
int filter_parse_range(const char *text, uint64_t *start, uint64_t *end);

/* Does a mapping's PATH match --vma PATTERN ([heap], [stack], [anon], glob)? */
bool filter_vma_match(const char *pattern, const char *path);

#endif
