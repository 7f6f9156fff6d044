/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PW_FIELDS_H
#define PW_FIELDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/snapshot.h"

/*
 * The one table of per-page output fields: JSON keys, CSV columns and text
 * columns all come from it, so they cannot drift.
 */
enum field_kind {
	FIELD_NULL,		/* unknown: null, empty, "-" */
	FIELD_BOOL,
	FIELD_UINT,
	FIELD_HEX,		/* JSON string "0x...", text without 0x */
	FIELD_STR,
	FIELD_FLAGS,		/* u = snapshot_page.flags */
};

struct field_value {
	enum field_kind kind;
	uint64_t u;
	const char *s;
	char buf[48];		/* s may point here */
};

struct field {
	const char *name;	/* JSON key, CSV column */
	const char *title;	/* text column title */
	int text_width;		/* 0: not a text column; < 0: left-aligned */
	bool text_hex;		/* FIELD_UINT printed in hexadecimal in text */
	void (*get)(const struct snapshot *snap, const struct snapshot_page *page,
		    struct field_value *value);
};

extern const struct field fields[];
extern const size_t fields_nr;

/* Name of flag BIT of snapshot_page.flags (module's or ours), or NULL. */
const char *fields_flag_name(unsigned int bit);
/* One-letter code of flag BIT for the text view, or 0. */
char fields_flag_letter(unsigned int bit);

/* Is flag BIT of PAGE a known fact (set or clear), or unknown here? */
bool fields_flag_known(const struct snapshot_page *page, unsigned int bit);

/* The text view's FLAGS column: one fixed position per flag. */
extern const unsigned int fields_text_flags[];
extern const size_t fields_text_flags_nr;

/* Write PAGE's text flag letters (fields_text_flags_nr + 1 bytes). */
void fields_flag_letters(const struct snapshot_page *page, char *buf);

/* VALUE of field FIELD of PAGE as the text view prints it ("-": unknown). */
void fields_format(const struct field *field, const struct field_value *value,
		   const struct snapshot_page *page, char *buf, size_t len);

#endif
