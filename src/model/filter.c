// SPDX-License-Identifier: GPL-2.0
/* --filter, --range and --vma. */
#include "config.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/maps.h"
#include "kernel/textfile.h"
#include "model/filter.h"

/* The one table of filter names: parsing, matching and help use it. */
static const struct {
	const char *name;
	unsigned int bit;	/* snapshot_page.flags bit that matches */
} filter_table[FILTER_NR] = {
	[FILTER_PINNED] = { "pinned", PAGEWATCH_PAGE_MAYBE_PINNED },
	[FILTER_PROTNONE] = { "protnone", PAGEWATCH_PAGE_PROTNONE },
	[FILTER_MIGRATED] = { "migrated", SNAPSHOT_PAGE_MIGRATED },
	[FILTER_REPLACED] = { "replaced", SNAPSHOT_PAGE_REPLACED },
	[FILTER_DIVERGED] = { "diverged", SNAPSHOT_PAGE_DIVERGED },
	[FILTER_THP] = { "thp", PAGEWATCH_PAGE_THP },
	[FILTER_HUGETLB] = { "hugetlb", PAGEWATCH_PAGE_HUGETLB },
	[FILTER_SWAPPED] = { "swapped", PAGEWATCH_PAGE_SWAP },
	[FILTER_NODE] = { "node=N", 0 },
};

static int parse_node(const char *text, unsigned int *node)
{
	unsigned long n;
	char *end;

	if (*text < '0' || *text > '9')
		return -EINVAL;
	errno = 0;
	n = strtoul(text, &end, 10);
	if (errno || *end || n >= PAGEWATCH_NODE_NONE)
		return -EINVAL;
	*node = (unsigned int)n;
	return 0;
}

static int parse_item(const char *item, size_t len, struct filter *filter)
{
	char buf[32];

	if (!len || len >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, item, len);
	buf[len] = '\0';
	if (!strncmp(buf, "node=", 5)) {
		filter->kinds |= 1U << FILTER_NODE;
		return parse_node(buf + 5, &filter->node);
	}
	for (unsigned int k = 0; k < FILTER_NR; k++) {
		if (k != FILTER_NODE && !strcmp(buf, filter_table[k].name)) {
			filter->kinds |= 1U << k;
			return 0;
		}
	}
	return -EINVAL;
}

int filter_parse(const char *list, struct filter *filter)
{
	const char *item = list;
	int err;

	filter->kinds = 0;
	filter->node = 0;
	for (;;) {
		size_t len = strcspn(item, ",");

		err = parse_item(item, len, filter);
		if (err)
			return err;
		if (!item[len])
			return 0;
		item += len + 1;
	}
}

bool filter_match(const struct filter *filter, const struct snapshot_page *page)
{
	for (unsigned int k = 0; k < FILTER_NR; k++) {
		if (!(filter->kinds & (1U << k)))
			continue;
		if (k == FILTER_NODE) {
			if (!snapshot_page_known(page, SNAPSHOT_KNOWN_NODE) ||
			    page->node != filter->node)
				return false;
		} else if (!snapshot_page_test(page, filter_table[k].bit)) {
			return false;
		}
	}
	return true;
}

bool filter_keep(const struct snapshot_page *page, const void *arg)
{
	return filter_match(arg, page);
}

void filter_print_names(FILE *f)
{
	for (unsigned int k = 0; k < FILTER_NR; k++)
		fprintf(f, "%s%s", k ? "," : "", filter_table[k].name);
}

/* LEN characters of TEXT: hexadecimal, "0x" allowed before */
static int parse_hex(const char *text, size_t len, uint64_t *value)
{
	size_t i = 0, n;
	int err;

	if (len > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X'))
		i = 2;
	if (i == len)
		return -EINVAL;
	err = textfile_hex(text + i, &n, value);
	if (err)
		return err;
	return i + n == len ? 0 : -EINVAL;
}

int filter_parse_range(const char *text, uint64_t *start, uint64_t *end)
{
	const char *dash = strchr(text, '-');
	uint64_t s, e;
	int err;

	if (!dash || strchr(dash + 1, '-'))
		return -EINVAL;
	err = parse_hex(text, (size_t)(dash - text), &s);
	if (err)
		return err;
	err = parse_hex(dash + 1, strlen(dash + 1), &e);
	if (err)
		return err;
	if (s >= e)
		return -EINVAL;
	s &= ~4095ULL;
	if (e > UINT64_MAX - 4095)
		return -ERANGE;
	e = (e + 4095) & ~4095ULL;
	*start = s;
	*end = e;
	return 0;
}

bool filter_vma_match(const char *pattern, const char *path)
{
	const char *base;

	if (!strcmp(pattern, path))
		return true;
	if (!strcmp(pattern, MAPS_ANON_NAME))
		return maps_path_is_anon(path);
	/* "[heap]" would be a bracket expression to fnmatch: exact only */
	if (pattern[0] == '[')
		return false;
	base = strrchr(path, '/');
	base = base ? base + 1 : path;
	return !fnmatch(pattern, path, 0) || !fnmatch(pattern, base, 0);
}
