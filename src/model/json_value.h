/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PW_JSON_VALUE_H
#define PW_JSON_VALUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * One JSON value read from text (a line of a recording): a small tree,
 * strict about what it accepts. Integers keep all 64 bits (a page's flags
 * do not fit a double).
 */
enum json_type {
	JSON_NULL,
	JSON_BOOL,
	JSON_INT,	/* an integer: u (and neg when below 0) */
	JSON_REAL,	/* a number with a fraction or an exponent: d */
	JSON_STRING,
	JSON_ARRAY,
	JSON_OBJECT,
};

struct json_value {
	enum json_type type;
	bool b;
	bool neg;
	uint64_t u;		/* magnitude of an integer */
	double d;		/* every number */
	char *s;		/* a string (NUL-terminated, may hold none) */
	size_t n;		/* items of an array or members of an object */
	struct json_value *items;
	char **keys;		/* of an object's members */
};

/* Nested arrays and objects deeper than this are refused */
#define JSON_MAX_DEPTH	8

/*
 * Parse TEXT[0..LEN) as one value with nothing but blanks after it.
 * 0, -EINVAL (malformed, too deep) or -ENOMEM; *V is freed on failure.
 */
int json_parse(const char *text, size_t len, struct json_value *v);
void json_free(struct json_value *v);

/* The member KEY of object V, or NULL (also when V is not an object) */
const struct json_value *json_get(const struct json_value *v, const char *key);

/* V as an unsigned integer of at most MAX; false if it is not one */
bool json_uint(const struct json_value *v, uint64_t max, uint64_t *u);
/* V as a number (integer or real) */
bool json_number(const struct json_value *v, double *d);

#endif
