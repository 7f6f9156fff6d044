// SPDX-License-Identifier: GPL-2.0
/* Journal records seen through the model: mapping and pins of the range. */
#include "config.h"

#include <string.h>

#include "model/event.h"

bool event_has_range(const struct page_event *ev)
{
	return ev->kind != PAGEWATCH_JOURNAL_OVERFLOW &&
	       ev->kind != PAGEWATCH_JOURNAL_EXITED;
}

uint64_t event_pages(const struct page_event *ev)
{
	return event_has_range(ev) && ev->end > ev->start ?
	       (ev->end - ev->start + 4095) / 4096 : 0;
}

const char *event_kind_name(const struct page_event *ev)
{
	const char *name = kmod_journal_kind_name(ev->kind);

	return name ? name : "other";
}

/* The mapping of VIEW holding VADDR, or NULL */
static const struct maps_entry *mapping_at(const struct event_view *view,
					   uint64_t vaddr)
{
	size_t lo = 0, hi = view->nr_mappings;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct maps_entry *map = &view->mappings[mid];

		if (vaddr < map->start)
			hi = mid;
		else if (vaddr >= map->end)
			lo = mid + 1;
		else
			return map;
	}
	return NULL;
}

/* Pages of [START, END) that snapshot MODEL last saw maybe pinned */
static uint64_t snapshot_pinned_in(const void *model, uint64_t start,
				   uint64_t end)
{
	const struct snapshot *snap = model;
	uint64_t n = 0;

	for (size_t i = snapshot_page_index(snap, start);
	     i < snap->nr_pages && snap->pages[i].vaddr < end; i++)
		n += snapshot_page_test(&snap->pages[i],
					PAGEWATCH_PAGE_MAYBE_PINNED);
	return n;
}

void event_view_of_snapshot(struct event_view *view,
			    const struct snapshot *snap)
{
	*view = (struct event_view){
		.mappings = snap->mappings,
		.nr_mappings = snap->nr_mappings,
		.pinned_known = snapshot_has(snap, SNAPSHOT_SRC_KMOD),
		.pinned_in = snapshot_pinned_in,
		.model = snap,
	};
}

void event_from_record(struct page_event *ev,
		       const struct kmod_journal_record *rec,
		       int64_t mono_to_real_ns, const struct event_view *view)
{
	const struct maps_entry *map;
	int64_t ns = (int64_t)rec->time_ns + mono_to_real_ns;

	memset(ev, 0, sizeof(*ev));
	ev->seq = rec->seq;
	ev->time.tv_sec = (time_t)(ns / 1000000000);
	ev->time.tv_nsec = (long)(ns % 1000000000);
	ev->kind = rec->kind;
	ev->start = rec->start;
	ev->end = rec->end;
	ev->lost = rec->lost;
	ev->blockable = rec->flags & PAGEWATCH_JOURNAL_F_BLOCKABLE;
	ev->cause_pid = (pid_t)rec->cause_pid;
	memcpy(ev->cause_comm, rec->cause_comm, sizeof(ev->cause_comm));
	if (!view || !event_has_range(ev))
		return;
	map = mapping_at(view, ev->start);
	if (map)
		ev->vma = maps_name(map);
	ev->pinned_known = view->pinned_known;
	if (ev->pinned_known)
		ev->pinned_pages = view->pinned_in(view->model, ev->start,
						   ev->end);
}
