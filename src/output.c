// SPDX-License-Identifier: GPL-2.0
/* Sink selection and the helpers sinks share. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "output.h"

static const struct output_ops *const sinks[] = {
	&out_text_ops,
	&out_csv_ops,
	&out_json_ops,
};

const struct output_ops *output_find(const char *name)
{
	for (size_t i = 0; i < sizeof(sinks) / sizeof(sinks[0]); i++)
		if (!strcmp(sinks[i]->name, name))
			return sinks[i];
	return NULL;
}

void output_init(struct output *out, const struct output_ops *ops, FILE *f,
		 bool summary)
{
	memset(out, 0, sizeof(*out));
	out->ops = ops;
	out->f = f;
	out->summary = summary;
	out->last_mapping = -1;
}

void output_fini(struct output *out)
{
	if (out->json_len)
		fwrite(out->json_buf, 1, out->json_len, out->f);
	free(out->json_buf);
	out->json_buf = NULL;
	out->json_len = 0;
	free(out->json_raw);
	free(out->json_str);
	out->json_raw = out->json_str = NULL;
	free(out->json_template);
	out->json_template = NULL;
}

/* Length of the valid UTF-8 sequence at S, or 0 if it is not one. */
static size_t utf8_len(const unsigned char *s)
{
	size_t len;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4;
	else
		return 0;
	for (size_t i = 1; i < len; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return len;
}

size_t output_json_escape(const char *s, char *buf)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	size_t n = 0;

	buf[n++] = '"';
	while (*p) {
		size_t len = utf8_len(p);

		if (*p == '"' || *p == '\\') {
			buf[n++] = '\\';
			buf[n++] = (char)*p;
		} else if (*p == '\n') {
			buf[n++] = '\\';
			buf[n++] = 'n';
		} else if (*p == '\t') {
			buf[n++] = '\\';
			buf[n++] = 't';
		} else if (*p < 0x20 || *p == 0x7f) {
			memcpy(buf + n, "\\u00", 4);
			buf[n + 4] = hex[*p >> 4];
			buf[n + 5] = hex[*p & 0xf];
			n += 6;
		} else if (!len) {
			/* paths are bytes, JSON is UTF-8 */
			memcpy(buf + n, "\\ufffd", 6);
			n += 6;
			len = 1;
		} else {
			memcpy(buf + n, p, len);
			n += len;
		}
		p += len ? len : 1;
	}
	buf[n++] = '"';
	buf[n] = '\0';
	return n;
}

void output_json_string(FILE *f, const char *s)
{
	char small[256], *buf = small;
	size_t len = strlen(s);

	if (6 * len + 3 > sizeof(small)) {
		buf = malloc(6 * len + 3);
		if (!buf) {
			fputs("\"\"", f);
			return;
		}
	}
	fwrite(buf, 1, output_json_escape(s, buf), f);
	if (buf != small)
		free(buf);
}

void output_csv_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

void output_time(const struct timespec *ts, char *buf, size_t len)
{
	struct tm tm;

	gmtime_r(&ts->tv_sec, &tm);
	snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ",
		 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		 tm.tm_min, tm.tm_sec, ts->tv_nsec / 1000000);
}
