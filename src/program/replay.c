// SPDX-License-Identifier: GPL-2.0
/* --replay --changes: the pages that changed between two ticks. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "model/fields.h"
#include "program/replay.h"

/*
 * Fields that say how a page changed in the step to its tick (tracking),
 * not what it is: between two distant ticks their change says nothing.
 */
static bool state_field(const struct field *field)
{
	static const char *const step[] = {
		"addr", "migrated", "replaced", "diverged", "old_node",
		"old_pfn", "via_node",
	};

	if (!field->name)
		return false;
	for (size_t i = 0; i < sizeof(step) / sizeof(step[0]); i++)
		if (!strcmp(field->name, step[i]))
			return false;
	return true;
}

struct change_line {
	FILE *f;
	const char *format;	/* "text", "csv" or "json" */
	unsigned int nr;	/* fields written */
};

static void line_begin(struct change_line *l, uint64_t vaddr, const char *what)
{
	l->nr = 0;
	if (!strcmp(l->format, "json"))
		fprintf(l->f, "{\"type\":\"change\",\"addr\":\"0x%" PRIx64 "\",\"change\":\"%s\",\"fields\":{",
			vaddr, what);
	else if (!strcmp(l->format, "csv"))
		fprintf(l->f, "0x%" PRIx64 ",%s,\"", vaddr, what);
	else
		fprintf(l->f, "%12" PRIx64 " %-8s", vaddr, what);
}

static void line_field(struct change_line *l, const char *name,
		       const char *old, const char *new)
{
	if (!strcmp(l->format, "json")) {
		fprintf(l->f, "%s\"%s\":[", l->nr ? "," : "", name);
		output_json_string(l->f, old);
		fputc(',', l->f);
		output_json_string(l->f, new);
		fputc(']', l->f);
	} else if (!strcmp(l->format, "csv")) {
		/* one quoted column: old and new never hold a quote */
		fprintf(l->f, "%s%s=%s>%s", l->nr ? " " : "", name, old, new);
	} else {
		fprintf(l->f, " %s %s->%s", name, old, new);
	}
	l->nr++;
}

static void line_end(struct change_line *l)
{
	if (!strcmp(l->format, "json"))
		fputs("}}\n", l->f);
	else if (!strcmp(l->format, "csv"))
		fputs("\"\n", l->f);
	else
		fputc('\n', l->f);
}

/* The facts of tracking's last step, which a state does not compare by */
#define REPLAY_STEP_FLAGS (SNAPSHOT_BIT(SNAPSHOT_PAGE_MIGRATED) |	\
			   SNAPSHOT_BIT(SNAPSHOT_PAGE_DIVERGED) |	\
			   SNAPSHOT_BIT(SNAPSHOT_PAGE_REPLACED) |	\
			   SNAPSHOT_BIT(SNAPSHOT_KNOWN_MIGRATED) |	\
			   SNAPSHOT_BIT(SNAPSHOT_KNOWN_DIVERGED))

/* One line for a page of A (or NULL) and of B (or NULL) at one address */
static void page_line(struct change_line *l, const struct snapshot *a,
		      const struct snapshot_page *page_a,
		      const struct snapshot *b,
		      const struct snapshot_page *page_b)
{
	struct snapshot_page copy_a, copy_b;
	const struct snapshot_page *pa = NULL, *pb = NULL;
	struct field_value va, vb;
	char ta[128], tb[128];
	bool begun = false;

	if (page_a) {
		copy_a = *page_a;
		copy_a.flags &= ~REPLAY_STEP_FLAGS;
		pa = &copy_a;
	}
	if (page_b) {
		copy_b = *page_b;
		copy_b.flags &= ~REPLAY_STEP_FLAGS;
		pb = &copy_b;
	}
	for (size_t i = 0; i < fields_nr; i++) {
		const struct field *field = &fields[i];

		if (!state_field(field))
			continue;
		if (pa) {
			field->get(a, pa, &va);
			fields_format(field, &va, pa, ta, sizeof(ta));
		} else {
			strcpy(ta, "-");
		}
		if (pb) {
			field->get(b, pb, &vb);
			fields_format(field, &vb, pb, tb, sizeof(tb));
		} else {
			strcpy(tb, "-");
		}
		if (!strcmp(ta, tb))
			continue;
		if (!begun)
			line_begin(l, pa ? pa->vaddr : pb->vaddr,
				   !pa ? "added" : !pb ? "removed" : "changed");
		begun = true;
		line_field(l, field->name, ta, tb);
	}
	if (begun)
		line_end(l);
}

int replay_changes(struct recording *rec, size_t from, size_t to,
		   const struct output_ops *format, FILE *f)
{
	struct change_line l = { .f = f, .format = format->name };
	struct snapshot a, b;
	size_t i = 0, j = 0;
	int err;

	err = recording_state(rec, from, &a);
	if (err)
		return err;
	err = recording_state(rec, to, &b);
	if (err) {
		snapshot_free(&a);
		return err;
	}
	/* stdio keeps no errno with its error flag: the failed write's */
	errno = 0;
	if (!strcmp(l.format, "csv"))
		fputs("addr,change,fields\n", f);
	while (i < a.nr_pages || j < b.nr_pages) {
		const struct snapshot_page *pa = i < a.nr_pages ? &a.pages[i] : NULL;
		const struct snapshot_page *pb = j < b.nr_pages ? &b.pages[j] : NULL;

		if (pa && pb && pa->vaddr == pb->vaddr) {
			page_line(&l, &a, pa, &b, pb);
			i++;
			j++;
		} else if (pa && (!pb || pa->vaddr < pb->vaddr)) {
			page_line(&l, &a, pa, &b, NULL);
			i++;
		} else {
			page_line(&l, &a, NULL, &b, pb);
			j++;
		}
	}
	snapshot_free(&a);
	snapshot_free(&b);
	if (!ferror(f))
		return 0;
	return errno == EPIPE || errno == ENOSPC ? -errno : -EIO;
}
