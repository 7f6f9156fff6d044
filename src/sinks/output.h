/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PW_OUTPUT_H
#define PW_OUTPUT_H

#include <stdio.h>

#include "model/snapshot.h"
#include "model/snapshot_summary.h"

/*
 * The seam between the model and its consumers (after ncdu's dir_output):
 * a run writes begin(), then page() for every selected page or mapping()
 * for every summary line, then end(), once per snapshot.
 */
struct output;

struct output_ops {
	const char *name;
	void (*begin)(struct output *out, const struct snapshot *snap);
	void (*page)(struct output *out, const struct snapshot *snap, size_t index);
	void (*mapping)(struct output *out, const struct snapshot *snap,
			const struct snapshot_summary *summary);
	void (*end)(struct output *out, const struct snapshot *snap);
	/* page lines may be made in parallel: hand what is buffered to F */
	void (*flush)(struct output *out);
};

struct output {
	const struct output_ops *ops;
	FILE *f;
	bool summary;
	long last_mapping;	/* text: the mapping whose heading was printed */
	size_t nr_lines;
	/*
	 * json: a page's strings are formatted once and reused while they
	 * repeat (the mapping's path, the flag list): output_fini() frees them.
	 */
	char *json_buf;		/* page lines not yet handed to F */
	size_t json_len;
	size_t json_cap;	/* of json_buf; 0: the sink's default */
	char *json_raw;		/* the string json_str escapes */
	char *json_str;
	size_t json_str_len;
	bool json_have_flags;
	uint64_t json_flags;
	size_t json_flags_len;
	char json_flags_text[1024];
	struct json_template *json_template;	/* out_json.c */
};

extern const struct output_ops out_text_ops;
extern const struct output_ops out_csv_ops;
extern const struct output_ops out_json_ops;

/* The sink called NAME ("text", "csv", "json"), or NULL. */
const struct output_ops *output_find(const char *name);

void output_init(struct output *out, const struct output_ops *ops, FILE *f,
		 bool summary);
void output_fini(struct output *out);

/*
 * page() for every page of SNAP that KEEP (NULL: every page) accepts, in
 * order. With THREADS > 1 (0: one per CPU) and a sink that has flush(),
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

#endif
