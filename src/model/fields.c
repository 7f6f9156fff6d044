// SPDX-License-Identifier: GPL-2.0
/* The per-page output fields and flag names every sink uses. */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "kernel/abi_names.h"
#include "model/fields.h"
#include "model/track.h"

/* pagewatch's own flags; the module's names come from abi_names.c */
static const char *const own_flag_names[SNAPSHOT_PAGE_NR_FLAGS] = {
	[SNAPSHOT_PAGE_SOFT_DIRTY] = "soft_dirty",
	[SNAPSHOT_PAGE_EXCLUSIVE] = "exclusive",
	[SNAPSHOT_PAGE_UFFD_WP] = "uffd_wp",
	[SNAPSHOT_PAGE_GUARD] = "guard",
	[SNAPSHOT_PAGE_MIGRATED] = "migrated",
	[SNAPSHOT_PAGE_DIVERGED] = "diverged",
	[SNAPSHOT_PAGE_REPLACED] = "replaced",
};

static const char flag_letters[SNAPSHOT_PAGE_NR_FLAGS] = {
	[PAGEWATCH_PAGE_PRESENT] = 'p',
	[PAGEWATCH_PAGE_SWAP] = 's',
	[PAGEWATCH_PAGE_MIGRATION] = 'm',
	[PAGEWATCH_PAGE_PMD] = 'h',
	[PAGEWATCH_PAGE_THP] = 't',
	[PAGEWATCH_PAGE_HUGETLB] = 'H',
	[PAGEWATCH_PAGE_ANON] = 'a',
	[PAGEWATCH_PAGE_FILE] = 'f',
	[PAGEWATCH_PAGE_WRITE] = 'w',
	[PAGEWATCH_PAGE_DIRTY] = 'd',
	[PAGEWATCH_PAGE_MAYBE_PINNED] = 'P',
	[PAGEWATCH_PAGE_PROTNONE] = 'N',
	[PAGEWATCH_PAGE_SAVEDWRITE] = 'W',
	[PAGEWATCH_PAGE_VMA_PROTNONE] = 'X',
	[SNAPSHOT_PAGE_MIGRATED] = 'M',
	[SNAPSHOT_PAGE_DIVERGED] = 'D',
	[SNAPSHOT_PAGE_REPLACED] = 'R',
};

const unsigned int fields_text_flags[] = {
	PAGEWATCH_PAGE_PRESENT, PAGEWATCH_PAGE_SWAP, PAGEWATCH_PAGE_MIGRATION,
	PAGEWATCH_PAGE_PMD, PAGEWATCH_PAGE_THP, PAGEWATCH_PAGE_ANON,
	PAGEWATCH_PAGE_FILE, PAGEWATCH_PAGE_WRITE, PAGEWATCH_PAGE_DIRTY,
	PAGEWATCH_PAGE_MAYBE_PINNED, PAGEWATCH_PAGE_PROTNONE,
	PAGEWATCH_PAGE_SAVEDWRITE, PAGEWATCH_PAGE_VMA_PROTNONE,
	SNAPSHOT_PAGE_REPLACED, SNAPSHOT_PAGE_MIGRATED, SNAPSHOT_PAGE_DIVERGED,
	/* added last: the letters before keep their columns */
	PAGEWATCH_PAGE_HUGETLB,
};
const size_t fields_text_flags_nr = sizeof(fields_text_flags) /
				    sizeof(fields_text_flags[0]);

const char *fields_flag_name(unsigned int bit)
{
	if (bit < PAGEWATCH_PAGE_NR_FLAGS)
		return abi_names_flag(bit);
	if (bit < SNAPSHOT_PAGE_NR_FLAGS)
		return own_flag_names[bit];
	return NULL;
}

char fields_flag_letter(unsigned int bit)
{
	return bit < SNAPSHOT_PAGE_NR_FLAGS ? flag_letters[bit] : 0;
}

bool fields_flag_known(const struct snapshot_page *page, unsigned int bit)
{
	switch (bit) {
	case PAGEWATCH_PAGE_PRESENT:
	case PAGEWATCH_PAGE_SWAP:
	case PAGEWATCH_PAGE_ANON:
	case PAGEWATCH_PAGE_FILE:
	case PAGEWATCH_PAGE_VMA_PROTNONE:
	case SNAPSHOT_PAGE_SOFT_DIRTY:
	case SNAPSHOT_PAGE_EXCLUSIVE:
	case SNAPSHOT_PAGE_UFFD_WP:
	case SNAPSHOT_PAGE_GUARD:
		return true;
	case PAGEWATCH_PAGE_THP:
	case PAGEWATCH_PAGE_HUGETLB:	/* kpageflags: KPF_THP, KPF_HUGE */
		return snapshot_page_known(page, SNAPSHOT_KNOWN_THP) ||
		       !snapshot_page_test(page, PAGEWATCH_PAGE_PRESENT);
	case SNAPSHOT_PAGE_MIGRATED:
	case SNAPSHOT_PAGE_REPLACED:
		return snapshot_page_known(page, SNAPSHOT_KNOWN_MIGRATED);
	case SNAPSHOT_PAGE_DIVERGED:
		return snapshot_page_known(page, SNAPSHOT_KNOWN_DIVERGED);
	default:
		return snapshot_page_known(page, SNAPSHOT_KNOWN_KMOD);
	}
}

void fields_flag_letters(const struct snapshot_page *page, char *buf)
{
	for (size_t i = 0; i < fields_text_flags_nr; i++) {
		unsigned int bit = fields_text_flags[i];

		if (!fields_flag_known(page, bit))
			buf[i] = '-';
		else if (snapshot_page_test(page, bit))
			buf[i] = flag_letters[bit];
		else
			buf[i] = '.';
	}
	buf[fields_text_flags_nr] = '\0';
}

void fields_format(const struct field *field, const struct field_value *v,
		   const struct snapshot_page *page, char *buf, size_t len)
{
	char letters[SNAPSHOT_PAGE_NR_FLAGS + 1];

	switch (v->kind) {
	case FIELD_NULL:
		snprintf(buf, len, "-");
		break;
	case FIELD_BOOL:
		snprintf(buf, len, "%s", v->u ? "yes" : "no");
		break;
	case FIELD_UINT:
		snprintf(buf, len, field->text_hex ? "%" PRIx64 : "%" PRIu64, v->u);
		break;
	case FIELD_HEX:
		snprintf(buf, len, "%" PRIx64, v->u);
		break;
	case FIELD_STR:
		snprintf(buf, len, "%s", v->s);
		break;
	case FIELD_FLAGS:
		fields_flag_letters(page, letters);
		snprintf(buf, len, "%s", letters);
		break;
	}
}

static void set_null(struct field_value *v)
{
	v->kind = FIELD_NULL;
}

static void set_uint(struct field_value *v, uint64_t u)
{
	v->kind = FIELD_UINT;
	v->u = u;
}

static void set_bool(struct field_value *v, bool b)
{
	v->kind = FIELD_BOOL;
	v->u = b;
}

/* A flag as a field: null when unknown. */
static void set_flag(struct field_value *v, const struct snapshot_page *page,
		     unsigned int bit)
{
	if (fields_flag_known(page, bit))
		set_bool(v, snapshot_page_test(page, bit));
	else
		set_null(v);
}

static const struct snapshot_change *change_of(const struct snapshot *snap,
					       const struct snapshot_page *page)
{
	/* PAGE may be in a window's copy of some pages (pages_from) */
	return track_find(snap,
			  (size_t)(page - snap->pages) + snap->pages_from);
}

static bool has_pfn(const struct snapshot_page *page)
{
	return snapshot_page_known(page, SNAPSHOT_KNOWN_PFN) &&
	       (snapshot_page_test(page, PAGEWATCH_PAGE_PRESENT) ||
		snapshot_page_test(page, PAGEWATCH_PAGE_MIGRATION));
}

#define GETTER(name) \
	static void get_##name(const struct snapshot *snap, \
			       const struct snapshot_page *page, \
			       struct field_value *v)

GETTER(addr)
{
	v->kind = FIELD_HEX;
	v->u = page->vaddr;
}

GETTER(vma)
{
	v->kind = FIELD_STR;
	v->s = maps_name(&snap->mappings[page->mapping]);
}

GETTER(pfn)
{
	if (has_pfn(page))
		set_uint(v, page->pfn);
	else
		set_null(v);
}

GETTER(node)
{
	if (snapshot_page_known(page, SNAPSHOT_KNOWN_NODE))
		set_uint(v, page->node);
	else
		set_null(v);
}

GETTER(present)
{
	set_flag(v, page, PAGEWATCH_PAGE_PRESENT);
}

GETTER(swapped)
{
	set_flag(v, page, PAGEWATCH_PAGE_SWAP);
}

GETTER(migration)
{
	/* without the module a migration entry reads as swapped */
	if (snapshot_page_known(page, SNAPSHOT_KNOWN_KMOD) ||
	    !snapshot_page_test(page, PAGEWATCH_PAGE_SWAP))
		set_bool(v, snapshot_page_test(page, PAGEWATCH_PAGE_MIGRATION));
	else
		set_null(v);
}

GETTER(thp)
{
	set_flag(v, page, PAGEWATCH_PAGE_THP);
}

GETTER(hugetlb)
{
	set_flag(v, page, PAGEWATCH_PAGE_HUGETLB);
}

#define KMOD_COUNTER(name, expr) \
	GETTER(name) \
	{ \
		if (snapshot_page_known(page, SNAPSHOT_KNOWN_KMOD)) \
			set_uint(v, expr); \
		else \
			set_null(v); \
	}

KMOD_COUNTER(order, page->order)
KMOD_COUNTER(refcount, page->refcount)
KMOD_COUNTER(pincount, page->pincount)

GETTER(mapcount)
{
	if (snapshot_page_known(page, SNAPSHOT_KNOWN_MAPCOUNT))
		set_uint(v, page->mapcount);
	else
		set_null(v);
}

GETTER(pinned)
{
	set_flag(v, page, PAGEWATCH_PAGE_MAYBE_PINNED);
}

GETTER(protnone)
{
	set_flag(v, page, PAGEWATCH_PAGE_PROTNONE);
}

GETTER(savedwrite)
{
	set_flag(v, page, PAGEWATCH_PAGE_SAVEDWRITE);
}

GETTER(writable)
{
	set_flag(v, page, PAGEWATCH_PAGE_WRITE);
}

GETTER(migrated)
{
	set_flag(v, page, SNAPSHOT_PAGE_MIGRATED);
}

GETTER(replaced)
{
	set_flag(v, page, SNAPSHOT_PAGE_REPLACED);
}

GETTER(diverged)
{
	set_flag(v, page, SNAPSHOT_PAGE_DIVERGED);
}

GETTER(old_node)
{
	const struct snapshot_change *change = change_of(snap, page);

	if (change && change->old_node != PAGEWATCH_NODE_NONE)
		set_uint(v, change->old_node);
	else
		set_null(v);
}

GETTER(old_pfn)
{
	const struct snapshot_change *change = change_of(snap, page);

	if (change)
		set_uint(v, change->old_pfn);
	else
		set_null(v);
}

GETTER(via_node)
{
	const struct snapshot_change *change = change_of(snap, page);

	if (change && change->via_node != PAGEWATCH_NODE_NONE)
		set_uint(v, change->via_node);
	else
		set_null(v);
}

GETTER(swap_type)
{
	if (snapshot_page_test(page, PAGEWATCH_PAGE_SWAP))
		set_uint(v, page->swap_type);
	else
		set_null(v);
}

GETTER(swap_offset)
{
	if (snapshot_page_test(page, PAGEWATCH_PAGE_SWAP))
		set_uint(v, page->pfn);
	else
		set_null(v);
}

GETTER(flags)
{
	v->kind = FIELD_FLAGS;
	v->u = page->flags;
}

/* text: "n1:1a2b3c", the node and PFN a replaced page had before */
GETTER(was)
{
	const struct snapshot_change *change = change_of(snap, page);

	if (!change) {
		set_null(v);
		return;
	}
	if (change->old_node != PAGEWATCH_NODE_NONE)
		snprintf(v->buf, sizeof(v->buf), "n%u:%" PRIx64,
			 change->old_node, change->old_pfn);
	else
		snprintf(v->buf, sizeof(v->buf), "n?:%" PRIx64, change->old_pfn);
	if (change->via_node != PAGEWATCH_NODE_NONE)
		snprintf(v->buf + strlen(v->buf), sizeof(v->buf) - strlen(v->buf),
			 " via n%u", change->via_node);
	v->kind = FIELD_STR;
	v->s = v->buf;
}

const struct field fields[] = {
	{ "addr", "ADDR", 12, false, get_addr },
	{ "vma", NULL, 0, false, get_vma },
	{ "pfn", "PFN", 10, true, get_pfn },
	{ "node", "NODE", 4, false, get_node },
	{ "present", NULL, 0, false, get_present },
	{ "swapped", NULL, 0, false, get_swapped },
	{ "migration", NULL, 0, false, get_migration },
	{ "thp", NULL, 0, false, get_thp },
	{ "hugetlb", NULL, 0, false, get_hugetlb },
	{ "order", "ORD", 3, false, get_order },
	{ "refcount", "REF", 6, false, get_refcount },
	{ "mapcount", "MAP", 5, false, get_mapcount },
	{ "pincount", "PIN", 5, false, get_pincount },
	{ "pinned", NULL, 0, false, get_pinned },
	{ "protnone", NULL, 0, false, get_protnone },
	{ "savedwrite", NULL, 0, false, get_savedwrite },
	{ "writable", NULL, 0, false, get_writable },
	{ "migrated", NULL, 0, false, get_migrated },
	{ "diverged", NULL, 0, false, get_diverged },
	{ "replaced", NULL, 0, false, get_replaced },
	{ "old_node", NULL, 0, false, get_old_node },
	{ "old_pfn", NULL, 0, false, get_old_pfn },
	{ "via_node", NULL, 0, false, get_via_node },
	{ "swap_type", NULL, 0, false, get_swap_type },
	{ "swap_offset", NULL, 0, false, get_swap_offset },
	{ "flags", "FLAGS", -16, false, get_flags },
	{ NULL, "WAS", -22, false, get_was },	/* text only */
};
const size_t fields_nr = sizeof(fields) / sizeof(fields[0]);
