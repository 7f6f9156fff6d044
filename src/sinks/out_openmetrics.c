// SPDX-License-Identifier: GPL-2.0
/*
 * OpenMetrics text (for Prometheus and node_exporter's textfile
 * collector): per target process, gauges of resident pages per node,
 * pinned, protnone, THP and swapped pages, and, once snapshots are
 * compared (-n/-i), counters of migrated and diverged pages added up over
 * the run. Samples of one family must stand together, so a round of
 * snapshots (one per target) is gathered and written at flush(), ending
 * with "# EOF". With --summary every sample also has a mapping label.
 * A count whose source is missing (pinned without the module) is left
 * out, not written as 0.
 *
 * A counter's TYPE, UNIT and HELP lines name its sample (..._total): the
 * Prometheus text parser that node_exporter's textfile collector and
 * promtool use (node_exporter 1.5, Prometheus 2.42) files samples under
 * the name on those lines, so the bare family name of OpenMetrics 1.0
 * would make the counter untyped there.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "sinks/output.h"

/* One series' labels and counts: a target, or one mapping of it */
struct om_series {
	pid_t pid;
	char comm[64];
	char mapping[256];	/* "" without --summary */
	bool seen;		/* in the round being gathered */
	uint64_t count[SNAPSHOT_COUNT_NR];	/* gauges: this round */
	bool known[SNAPSHOT_COUNT_NR];
	uint64_t total[SNAPSHOT_COUNT_NR];	/* counters: the whole run */
	uint64_t *node_pages;	/* nr_nodes + 1: the last has no node */
	int nr_nodes;
};

struct om_state {
	struct om_series *series;
	size_t nr, cap;
	struct om_series *cur;	/* of the page() calls going on */
	int err;		/* -ENOMEM while gathering: flush() says it */
};

/* The families, in the order written: one table for names and words */
static const struct {
	const char *name;	/* a counter's ends in _total */
	const char *type;
	const char *help;
	unsigned int count;
} families[] = {
	{ "pagewatch_resident_pages", "gauge",
	  "Resident pages of the process per NUMA node (node=\"none\": node unknown)",
	  SNAPSHOT_COUNT_RESIDENT },
	{ "pagewatch_pinned_pages", "gauge",
	  "Pages that may be pinned by GUP (FOLL_PIN), from the module",
	  SNAPSHOT_COUNT_PINNED },
	{ "pagewatch_protnone_pages", "gauge",
	  "Pages whose entry NUMA balancing made PROT_NONE, from the module",
	  SNAPSHOT_COUNT_PROTNONE },
	{ "pagewatch_thp_pages", "gauge",
	  "Pages of transparent huge pages", SNAPSHOT_COUNT_THP },
	{ "pagewatch_hugetlb_pages", "gauge",
	  "Pages of hugetlb pages (hugetlbfs, MAP_HUGETLB)", SNAPSHOT_COUNT_HUGETLB },
	{ "pagewatch_swapped_pages", "gauge",
	  "Pages swapped out", SNAPSHOT_COUNT_SWAPPED },
	{ "pagewatch_migrated_pages_total", "counter",
	  "Pages found on another node or PFN than in the snapshot before",
	  SNAPSHOT_COUNT_MIGRATED },
	{ "pagewatch_diverged_pages_total", "counter",
	  "Pages whose address maps a new page while the old one is still pinned",
	  SNAPSHOT_COUNT_DIVERGED },
};

static int om_open(struct output *out, bool block)
{
	out->priv = calloc(1, sizeof(struct om_state));
	return out->priv ? 0 : -ENOMEM;
}

static void om_close(struct output *out)
{
	struct om_state *st = out->priv;

	if (!st)
		return;
	for (size_t i = 0; i < st->nr; i++)
		free(st->series[i].node_pages);
	free(st->series);
	free(st);
}

/* The series of SNAP's target (and MAPPING with --summary), made once */
static struct om_series *om_series_get(struct om_state *st,
				       const struct snapshot *snap,
				       const char *mapping)
{
	int nodes = snap->nr_nodes > 0 ? snap->nr_nodes : 1;
	struct om_series *s;

	for (size_t i = 0; i < st->nr; i++) {
		s = &st->series[i];
		if (s->pid == snap->pid && !strcmp(s->mapping, mapping) &&
		    !strcmp(s->comm, snap->proc.command) && s->nr_nodes == nodes)
			goto found;
	}
	if (st->nr == st->cap) {
		size_t cap = st->cap ? st->cap * 2 : 16;
		struct om_series *more = realloc(st->series, cap * sizeof(*more));

		if (!more)
			goto err_nomem;
		st->series = more;
		st->cap = cap;
	}
	s = &st->series[st->nr];
	memset(s, 0, sizeof(*s));
	s->node_pages = calloc((size_t)nodes + 1, sizeof(uint64_t));
	if (!s->node_pages)
		goto err_nomem;
	st->nr++;
	s->pid = snap->pid;
	s->nr_nodes = nodes;
	snprintf(s->comm, sizeof(s->comm), "%s", snap->proc.command);
	snprintf(s->mapping, sizeof(s->mapping), "%s", mapping);
found:
	if (!s->seen) {
		/* a new round: gauges start over, counters go on */
		s->seen = true;
		memset(s->count, 0, sizeof(s->count));
		memset(s->node_pages, 0, ((size_t)nodes + 1) * sizeof(uint64_t));
		snapshot_summary_known(snap, s->known);
	}
	return s;

err_nomem:
	st->err = -ENOMEM;
	return NULL;
}

static void om_begin(struct output *out, const struct snapshot *snap)
{
	struct om_state *st = out->priv;

	st->cur = out->summary ? NULL : om_series_get(st, snap, "");
}

static void om_add(struct om_series *s, unsigned int c, uint64_t n)
{
	s->count[c] += n;
	if (c == SNAPSHOT_COUNT_MIGRATED || c == SNAPSHOT_COUNT_DIVERGED)
		s->total[c] += n;
}

static void om_page(struct output *out, const struct snapshot *snap,
		    size_t index)
{
	const struct snapshot_page *page = snapshot_page_at(snap, index);
	struct om_series *s = ((struct om_state *)out->priv)->cur;

	if (!s)
		return;
	for (unsigned int c = 0; c < SNAPSHOT_COUNT_NR; c++)
		om_add(s, c, snapshot_page_counts(page, c));
	if (!snapshot_page_test(page, PAGEWATCH_PAGE_PRESENT))
		return;
	if (snapshot_page_known(page, SNAPSHOT_KNOWN_NODE) &&
	    page->node < s->nr_nodes)
		s->node_pages[page->node]++;
	else
		s->node_pages[s->nr_nodes]++;
}

static void om_mapping(struct output *out, const struct snapshot *snap,
		       const struct snapshot_summary *sum)
{
	struct om_series *s;
	uint64_t on_nodes = 0;

	s = om_series_get(out->priv, snap,
			  maps_name(&snap->mappings[sum->mapping]));
	if (!s)
		return;
	for (unsigned int c = 0; c < SNAPSHOT_COUNT_NR; c++)
		om_add(s, c, sum->count[c]);
	for (int n = 0; n < s->nr_nodes; n++) {
		s->node_pages[n] += sum->node_pages[n];
		on_nodes += sum->node_pages[n];
	}
	s->node_pages[s->nr_nodes] += sum->count[SNAPSHOT_COUNT_RESIDENT] -
				      on_nodes;
}

static void om_end(struct output *out, const struct snapshot *snap)
{
}

/* A label value: backslash, double quote and line feed escaped */
static void om_label(FILE *f, const char *name, const char *value)
{
	fprintf(f, ",%s=\"", name);
	for (const char *p = value; *p; p++) {
		if (*p == '\\' || *p == '"')
			fputc('\\', f);
		if (*p == '\n')
			fputs("\\n", f);
		else
			fputc(*p, f);
	}
	fputc('"', f);
}

static void om_sample(FILE *f, const char *name, const struct om_series *s,
		      const char *node, uint64_t value)
{
	fprintf(f, "%s{pid=\"%d\"", name, (int)s->pid);
	om_label(f, "comm", s->comm);
	if (node)
		om_label(f, "node", node);
	if (s->mapping[0])
		om_label(f, "mapping", s->mapping);
	fprintf(f, "} %" PRIu64 "\n", value);
}

static void om_samples(FILE *f, unsigned int fam, const struct om_series *s)
{
	unsigned int c = families[fam].count;
	bool counter = !strcmp(families[fam].type, "counter");
	char node[16];

	if (!s->known[c])
		return;
	if (c != SNAPSHOT_COUNT_RESIDENT) {
		om_sample(f, families[fam].name, s, NULL,
			  counter ? s->total[c] : s->count[c]);
		return;
	}
	for (int n = 0; n < s->nr_nodes; n++) {
		snprintf(node, sizeof(node), "%d", n);
		om_sample(f, families[fam].name, s, node, s->node_pages[n]);
	}
	if (s->node_pages[s->nr_nodes])
		om_sample(f, families[fam].name, s, "none",
			  s->node_pages[s->nr_nodes]);
}

static int om_flush(struct output *out)
{
	struct om_state *st = out->priv;
	FILE *f = out->f;

	if (st->err)
		return st->err;
	for (unsigned int fam = 0; fam < sizeof(families) / sizeof(families[0]); fam++) {
		fprintf(f, "# TYPE %s %s\n", families[fam].name, families[fam].type);
		fprintf(f, "# UNIT %s pages\n", families[fam].name);
		fprintf(f, "# HELP %s %s.\n", families[fam].name, families[fam].help);
		for (size_t i = 0; i < st->nr; i++)
			if (st->series[i].seen)
				om_samples(f, fam, &st->series[i]);
	}
	fputs("# EOF\n", f);
	for (size_t i = 0; i < st->nr; i++)
		st->series[i].seen = false;
	return ferror(f) ? -EIO : 0;
}

const struct output_ops out_openmetrics_ops = {
	.name = "openmetrics",
	.open = om_open,
	.close = om_close,
	.begin = om_begin,
	.page = om_page,
	.mapping = om_mapping,
	.end = om_end,
	.flush = om_flush,
};
