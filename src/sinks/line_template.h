/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PW_LINE_TEMPLATE_H
#define PW_LINE_TEMPLATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/snapshot.h"

/*
 * A page line is mostly text that only its shape decides: which fields are
 * known, the flags, the mapping. A sink builds that text once per shape
 * with the field table's getters, leaving a slot for each number; a page
 * of the same shape then costs its numbers (pages come in long runs of one
 * shape). The text, CSV and JSON sinks use it.
 */
#define LINE_TEMPLATE_TEXT	4096
#define LINE_TEMPLATE_SLOTS	64
/* what one slot may add to a line: 20 digits padded to 32 columns */
#define LINE_TEMPLATE_SLOT_MAX	32
/* the longest line line_template_fill() writes */
#define LINE_TEMPLATE_LINE_MAX	(LINE_TEMPLATE_TEXT + \
				 LINE_TEMPLATE_SLOTS * LINE_TEMPLATE_SLOT_MAX)

struct line_slot {
	size_t text_end;	/* the template's text up to here comes first */
	unsigned int field;	/* then this field's number */
	bool hex;
	int width;		/* padded to WIDTH columns, left-aligned if < 0 */
};

struct line_template {
	bool valid;
	bool overflow;		/* the shape did not fit: build it each time */
	unsigned int seq;
	uint64_t flags;
	uint32_t mapping;
	size_t len;
	char text[LINE_TEMPLATE_TEXT];
	size_t nr_slots;
	struct line_slot slots[LINE_TEMPLATE_SLOTS];
};

/* Is PAGE of SNAP of the shape T was built for? */
static inline bool line_template_matches(const struct line_template *t,
					 const struct snapshot *snap,
					 const struct snapshot_page *page)
{
	return t->valid && t->seq == snap->seq && t->flags == page->flags &&
	       t->mapping == page->mapping;
}

/* Start T over for the shape of PAGE of SNAP. */
void line_template_start(struct line_template *t, const struct snapshot *snap,
			 const struct snapshot_page *page);
/* Text every page of the shape has; the sink checks t->overflow at the end */
void line_template_put(struct line_template *t, const char *s, size_t n);
/* The number of FIELD goes here, padded to WIDTH (0: not padded). */
void line_template_slot(struct line_template *t, unsigned int field, bool hex,
			int width);
/* The template is complete: valid unless something did not fit. */
bool line_template_finish(struct line_template *t);

/*
 * PAGE's line into BUF (room for LINE_TEMPLATE_LINE_MAX bytes): the
 * length written.
 */
size_t line_template_fill(const struct line_template *t,
			  const struct snapshot *snap,
			  const struct snapshot_page *page, char *buf);

#endif
