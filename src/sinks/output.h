/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PW_OUTPUT_H
#define PW_OUTPUT_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

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
/* a spooled snapshot's pages are given back this many at a time */
#define OUTPUT_RELEASE		(64 * 1024)

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
	/*
	 * A block of page lines follows the line of page LAST (NULL: of no
	 * page of the mapping its first line is in); NULL when that does not
	 * matter.
	 */
	void (*resume)(struct output *out, const struct snapshot *snap,
		       const struct snapshot_page *last);
};

/*
 * What the caller selected, for the snapshot header: the pages that follow
 * (after --filter) and the options that chose them (NULL: not given).
 */
struct output_selection {
	bool counted;		/* else every page of the snapshot follows */
	size_t pages;
	const char *filter;
	const char *vma;
};

/* The version of the JSON Lines format ("format_version" of a snapshot) */
#define OUTPUT_FORMAT_VERSION	2

struct output {
	const struct output_ops *ops;
	FILE *f;
	bool summary;
	struct output_selection sel;	/* set before begin() */
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

/*
 * Page lines a sink makes itself, handed to stdio in large blocks (glibc
 * writes those without a copy): printf per field, then a copy per line,
 * were most of the time of a snapshot of a million pages.
 */
struct output_buffer {
	char *buf;
	size_t len;
	size_t cap;
};

/* CAP bytes; 0 or -ENOMEM */
int output_buffer_init(struct output_buffer *b, size_t cap);
void output_buffer_free(struct output_buffer *b);
/*
 * Where a line of up to MAX bytes goes (the caller adds its length to
 * b->len): what is buffered is written to F first when it would not fit.
 */
char *output_buffer_room(struct output_buffer *b, FILE *f, size_t max);
/* Write what is buffered to F (NULL: drop it); 0 or -EIO */
int output_buffer_drain(struct output_buffer *b, FILE *f);

/* "00" to "99", and "00" to "ff": two digits per step */
extern const char output_dec2[200];
extern const char output_hex2[512];

/*
 * U in decimal or lowercase hexadecimal, written backwards so that it ends
 * just before END; returns where it starts (at most 20 bytes before END).
 */
static inline char *output_number(uint64_t u, bool hex, char *end)
{
	char *p = end;

	if (hex) {
		for (; u >= 0x10; u >>= 8) {
			p -= 2;
			memcpy(p, output_hex2 + 2 * (u & 0xff), 2);
		}
		/* a pair never starts with 0: u >= 0x10 before the shift */
		if (u || p == end)
			*--p = "0123456789abcdef"[u];
		return p;
	}
	for (; u >= 100; u /= 100) {
		p -= 2;
		memcpy(p, output_dec2 + 2 * (u % 100), 2);
	}
	if (u >= 10) {
		p -= 2;
		memcpy(p, output_dec2 + 2 * u, 2);
	} else {
		*--p = (char)('0' + u);
	}
	return p;
}

/*
 * Count the pages of SNAP that KEEP accepts into OUT->sel, with the
 * options that selected them (FILTER, VMA: their text, or NULL).
 */
void output_select(struct output *out, const struct snapshot *snap,
		   bool (*keep)(const struct snapshot_page *, const void *),
		   const void *arg, const char *filter, const char *vma);

/* The pages that follow the header: OUT->sel's count, or all of SNAP's */
static inline size_t output_nr_selected(const struct output *out,
					const struct snapshot *snap)
{
	return out->sel.counted ? out->sel.pages : snap->nr_pages;
}

/* Helpers the sinks share */
void output_json_string(FILE *f, const char *s);
/* S as a JSON string, quotes included, into BUF (6 * strlen(S) + 3 bytes) */
size_t output_json_escape(const char *s, char *buf);
void output_csv_string(FILE *f, const char *s);
void output_time(const struct timespec *ts, char *buf, size_t len);
/* RFC 3339 with nanoseconds: 2026-12-02T01:02:03.123456789Z */
void output_time_ns(const struct timespec *ts, char *buf, size_t len);

#endif
