/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PW_OUTPUT_H
#define PW_OUTPUT_H

#include <stdio.h>

#include "model/snapshot.h"
#include "model/event.h"
#include "model/snapshot_summary.h"

/*
 * The seam between the model and its consumers (after ncdu's dir_output):
 * a run writes begin(), then page() for every selected page or mapping()
 * for every summary line, then end(), once per snapshot. A sink's state
 * is its own (priv): nothing outside the sink reads it.
 */
struct output;

/* output_pages() formats pages in blocks of this many, one thread each */
#define OUTPUT_BLOCK		1024
/* and a sink that buffers a block holds about this much text of it */
#define OUTPUT_BLOCK_TEXT	(OUTPUT_BLOCK * 512)

struct output_ops {
	const char *name;
	/*
	 * Make the sink's state in out->priv (NULL: it has none); BLOCK: it
	 * formats blocks of pages for output_pages()' threads. 0 or -errno.
	 */
	int (*open)(struct output *out, bool block);
	/* Write what is still buffered to out->f and free the state. */
	void (*close)(struct output *out);
	void (*begin)(struct output *out, const struct snapshot *snap);
	void (*page)(struct output *out, const struct snapshot *snap, size_t index);
	void (*mapping)(struct output *out, const struct snapshot *snap,
			const struct snapshot_summary *summary);
	void (*end)(struct output *out, const struct snapshot *snap);
	/* One journal event (--events), a header before the first */
	void (*event)(struct output *out, const struct page_event *ev);
	/*
	 * Page lines may be made in parallel (NULL: on one thread only):
	 * write what is buffered to F (NULL: drop it) and empty the buffer.
	 */
	int (*drain)(struct output *out, FILE *f);
	/*
	 * Every target of one round has been written (NULL: nothing to do):
	 * a sink that gathers a round (OpenMetrics) writes it now to out->f.
	 * 0 or -errno.
	 */
	int (*flush)(struct output *out);
};

struct output {
	const struct output_ops *ops;
	FILE *f;
	bool summary;
	size_t nr_lines;
	void *priv;		/* the sink's own */
};

extern const struct output_ops out_text_ops;
extern const struct output_ops out_csv_ops;
extern const struct output_ops out_json_ops;
extern const struct output_ops out_openmetrics_ops;

/* The sink called NAME ("text", "csv", "json", "openmetrics"), or NULL. */
const struct output_ops *output_find(const char *name);
/* The sinks' names, comma-separated (help text and completion) */
void output_print_names(FILE *f);

/* ops->flush() if the sink has one: 0 or -errno */
int output_flush(struct output *out);

/* 0, or -ENOMEM when the sink's state cannot be made */
int output_init(struct output *out, const struct output_ops *ops, FILE *f,
		bool summary);
void output_fini(struct output *out);

/*
 * page() for every page of SNAP that KEEP (NULL: every page) accepts, in
 * order. With THREADS > 1 (0: one per CPU) and a sink that has drain(),
 * threads format blocks of pages in memory and write them in turn.
 * Returns 0 or -errno.
 */
int output_pages(struct output *out, const struct snapshot *snap,
		 bool (*keep)(const struct snapshot_page *, const void *),
		 const void *arg, unsigned int threads);

/* Helpers the sinks share */
void output_json_string(FILE *f, const char *s);
/* S as a JSON string, quotes included, into BUF (6 * strlen(S) + 3 bytes) */
size_t output_json_escape(const char *s, char *buf);
void output_csv_string(FILE *f, const char *s);
void output_time(const struct timespec *ts, char *buf, size_t len);
/* RFC 3339 with nanoseconds: 2026-12-02T01:02:03.123456789Z */
void output_time_ns(const struct timespec *ts, char *buf, size_t len);

#endif
