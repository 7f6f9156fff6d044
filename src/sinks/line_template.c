// SPDX-License-Identifier: GPL-2.0
/* Page lines made from a template per shape: the text once, numbers per page. */
#include "config.h"

#include <string.h>

#include "model/fields.h"
#include "sinks/line_template.h"
#include "sinks/output.h"

void line_template_start(struct line_template *t, const struct snapshot *snap,
			 const struct snapshot_page *page)
{
	t->valid = false;
	t->overflow = false;
	t->seq = snap->seq;
	t->flags = page->flags;
	t->mapping = page->mapping;
	t->len = 0;
	t->nr_slots = 0;
}

void line_template_put(struct line_template *t, const char *s, size_t n)
{
	if (t->overflow || t->len + n > sizeof(t->text)) {
		t->overflow = true;
		return;
	}
	memcpy(t->text + t->len, s, n);
	t->len += n;
}

void line_template_slot(struct line_template *t, unsigned int field, bool hex,
			int width)
{
	struct line_slot *slot = &t->slots[t->nr_slots];

	if (t->overflow || t->nr_slots == LINE_TEMPLATE_SLOTS ||
	    width > LINE_TEMPLATE_SLOT_MAX || -width > LINE_TEMPLATE_SLOT_MAX) {
		t->overflow = true;
		return;
	}
	slot->text_end = t->len;
	slot->field = field;
	slot->hex = hex;
	slot->width = width;
	t->nr_slots++;
}

bool line_template_finish(struct line_template *t)
{
	t->valid = !t->overflow;
	return t->valid;
}

size_t line_template_fill(const struct line_template *t,
			  const struct snapshot *snap,
			  const struct snapshot_page *page, char *buf)
{
	size_t pos = 0, len = 0;

	for (size_t i = 0; i < t->nr_slots; i++) {
		const struct line_slot *slot = &t->slots[i];
		char tmp[24], *end = tmp + sizeof(tmp), *p;
		struct field_value v;
		size_t n, pad;

		memcpy(buf + len, t->text + pos, slot->text_end - pos);
		len += slot->text_end - pos;
		pos = slot->text_end;
		fields[slot->field].get(snap, page, &v);
		p = output_number(v.u, slot->hex, end);
		n = (size_t)(end - p);
		pad = (size_t)(slot->width < 0 ? -slot->width : slot->width);
		pad = pad > n ? pad - n : 0;
		if (slot->width > 0) {
			memset(buf + len, ' ', pad);
			len += pad;
		}
		memcpy(buf + len, p, n);
		len += n;
		if (slot->width < 0) {
			memset(buf + len, ' ', pad);
			len += pad;
		}
	}
	memcpy(buf + len, t->text + pos, t->len - pos);
	return len + t->len - pos;
}
