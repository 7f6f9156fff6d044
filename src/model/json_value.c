// SPDX-License-Identifier: GPL-2.0
/* A small strict JSON reader: one value of a line into a tree. */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model/json_value.h"

struct json_text {
	const char *p;
	const char *end;
};

static int parse_value(struct json_text *t, struct json_value *v, int depth);

static void skip_blanks(struct json_text *t)
{
	while (t->p < t->end && (*t->p == ' ' || *t->p == '\t' ||
				 *t->p == '\r' || *t->p == '\n'))
		t->p++;
}

static bool take(struct json_text *t, char c)
{
	skip_blanks(t);
	if (t->p < t->end && *t->p == c) {
		t->p++;
		return true;
	}
	return false;
}

static bool take_word(struct json_text *t, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(t->end - t->p) < n || memcmp(t->p, word, n))
		return false;
	t->p += n;
	return true;
}

static int hex4(const char *p, unsigned int *u)
{
	*u = 0;
	for (int i = 0; i < 4; i++) {
		char c = p[i];

		*u <<= 4;
		if (c >= '0' && c <= '9')
			*u |= (unsigned int)(c - '0');
		else if (c >= 'a' && c <= 'f')
			*u |= (unsigned int)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			*u |= (unsigned int)(c - 'A' + 10);
		else
			return -EINVAL;
	}
	return 0;
}

/* UTF-8 of code point CP into OUT; its length */
static size_t utf8_put(unsigned int cp, char *out)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	out[0] = (char)(0xe0 | cp >> 12);
	out[1] = (char)(0x80 | (cp >> 6 & 0x3f));
	out[2] = (char)(0x80 | (cp & 0x3f));
	return 3;
}

/* A string after its opening quote; *S is malloc'd */
static int parse_string(struct json_text *t, char **s)
{
	const char *start = t->p;
	char *out, *o;
	unsigned int cp;

	while (t->p < t->end && *t->p != '"') {
		if ((unsigned char)*t->p < 0x20)
			return -EINVAL;
		t->p += *t->p == '\\' ? 2 : 1;
	}
	if (t->p >= t->end)
		return -EINVAL;
	/* an escape makes no more bytes than its own text */
	out = malloc((size_t)(t->p - start) + 1);
	if (!out)
		return -ENOMEM;
	for (o = out; start < t->p; start++) {
		if (*start != '\\') {
			*o++ = *start;
			continue;
		}
		switch (*++start) {
		case '"': case '\\': case '/':
			*o++ = *start;
			break;
		case 'b': *o++ = '\b'; break;
		case 'f': *o++ = '\f'; break;
		case 'n': *o++ = '\n'; break;
		case 'r': *o++ = '\r'; break;
		case 't': *o++ = '\t'; break;
		case 'u':
			if (t->p - start < 5 || hex4(start + 1, &cp))
				goto err_free;
			/* a surrogate alone stays as it is: no pair joined */
			o += utf8_put(cp, o);
			start += 4;
			break;
		default:
			goto err_free;
		}
	}
	*o = '\0';
	t->p++;
	*s = out;
	return 0;
err_free:
	free(out);
	return -EINVAL;
}

static int parse_number(struct json_text *t, struct json_value *v)
{
	const char *start = t->p;
	bool real = false, digits = false;
	char buf[64], *end;

	v->neg = t->p < t->end && *t->p == '-';
	if (v->neg)
		t->p++;
	v->u = 0;
	while (t->p < t->end && *t->p >= '0' && *t->p <= '9') {
		unsigned int d = (unsigned int)(*t->p++ - '0');

		if (v->u > (UINT64_MAX - d) / 10)
			return -EINVAL;	/* past 64 bits */
		v->u = v->u * 10 + d;
		digits = true;
	}
	if (!digits)
		return -EINVAL;
	while (t->p < t->end && (*t->p == '.' || *t->p == 'e' || *t->p == 'E' ||
				 *t->p == '+' || *t->p == '-' ||
				 (*t->p >= '0' && *t->p <= '9'))) {
		real = true;
		t->p++;
	}
	if ((size_t)(t->p - start) >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, start, (size_t)(t->p - start));
	buf[t->p - start] = '\0';
	v->d = strtod(buf, &end);
	if (*end || !isfinite(v->d))
		return -EINVAL;
	v->type = real ? JSON_REAL : JSON_INT;
	return 0;
}

/* Members or items until CLOSE; for an object, KEYS too */
static int parse_list(struct json_text *t, struct json_value *v, char close,
		      int depth)
{
	size_t cap = 0;
	int err;

	if (take(t, close))
		return 0;
	do {
		if (v->n == cap) {
			size_t ncap = cap ? 2 * cap : 4;
			struct json_value *items;
			char **keys;

			items = realloc(v->items, ncap * sizeof(*items));
			if (!items)
				return -ENOMEM;
			v->items = items;
			if (close == '}') {
				keys = realloc(v->keys, ncap * sizeof(*keys));
				if (!keys)
					return -ENOMEM;
				v->keys = keys;
			}
			cap = ncap;
		}
		memset(&v->items[v->n], 0, sizeof(v->items[v->n]));
		if (close == '}') {
			if (!take(t, '"'))
				return -EINVAL;
			err = parse_string(t, &v->keys[v->n]);
			if (err)
				return err;
			if (!take(t, ':')) {
				free(v->keys[v->n]);
				return -EINVAL;
			}
		}
		err = parse_value(t, &v->items[v->n], depth + 1);
		if (err) {
			json_free(&v->items[v->n]);
			if (close == '}')
				free(v->keys[v->n]);
			return err;
		}
		v->n++;
	} while (take(t, ','));
	return take(t, close) ? 0 : -EINVAL;
}

static int parse_value(struct json_text *t, struct json_value *v, int depth)
{
	memset(v, 0, sizeof(*v));
	if (depth > JSON_MAX_DEPTH)
		return -EINVAL;
	skip_blanks(t);
	if (t->p >= t->end)
		return -EINVAL;
	switch (*t->p) {
	case '{':
		t->p++;
		v->type = JSON_OBJECT;
		return parse_list(t, v, '}', depth);
	case '[':
		t->p++;
		v->type = JSON_ARRAY;
		return parse_list(t, v, ']', depth);
	case '"':
		t->p++;
		v->type = JSON_STRING;
		return parse_string(t, &v->s);
	case 't':
		v->type = JSON_BOOL;
		v->b = true;
		return take_word(t, "true") ? 0 : -EINVAL;
	case 'f':
		v->type = JSON_BOOL;
		return take_word(t, "false") ? 0 : -EINVAL;
	case 'n':
		return take_word(t, "null") ? 0 : -EINVAL;
	default:
		return parse_number(t, v);
	}
}

int json_parse(const char *text, size_t len, struct json_value *v)
{
	struct json_text t = { text, text + len };
	int err;

	err = parse_value(&t, v, 0);
	skip_blanks(&t);
	if (!err && t.p != t.end)
		err = -EINVAL;
	if (err)
		json_free(v);
	return err;
}

void json_free(struct json_value *v)
{
	for (size_t i = 0; i < v->n; i++) {
		json_free(&v->items[i]);
		if (v->keys)
			free(v->keys[i]);
	}
	free(v->items);
	free(v->keys);
	free(v->s);
	memset(v, 0, sizeof(*v));
}

const struct json_value *json_get(const struct json_value *v, const char *key)
{
	if (v->type != JSON_OBJECT)
		return NULL;
	for (size_t i = 0; i < v->n; i++)
		if (!strcmp(v->keys[i], key))
			return &v->items[i];
	return NULL;
}

bool json_uint(const struct json_value *v, uint64_t max, uint64_t *u)
{
	if (!v || v->type != JSON_INT || (v->neg && v->u) || v->u > max)
		return false;
	*u = v->u;
	return true;
}

bool json_number(const struct json_value *v, double *d)
{
	if (!v || (v->type != JSON_INT && v->type != JSON_REAL))
		return false;
	*d = v->d;
	return true;
}
