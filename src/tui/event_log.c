// SPDX-License-Identifier: GPL-2.0
/* The events pane: migrations, pin changes and divergences, newest first. */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>

#include "tui/ui.h"

static void events_header(struct panel *p, void *arg)
{
	char title[64];

	snprintf(title, sizeof(title), " Events (%zu)", p->nr);
	panel_title(p->win, p->focused, title);
}

static void node_pfn(char *buf, size_t len, uint16_t node, uint64_t pfn)
{
	if (node == PAGEWATCH_NODE_NONE)
		snprintf(buf, len, "n?:%" PRIx64, pfn);
	else
		snprintf(buf, len, "n%u:%" PRIx64, node, pfn);
}

/*
 * A journal record: what the kernel did to which range, and who; one that
 * hit pinned pages says so first, in words.
 */
static void journal_text(const struct session_event *ev, const char *when,
			 char *buf, size_t len)
{
	const char *kind = kmod_journal_kind_name(ev->journal_kind);

	if (ev->journal_kind == PAGEWATCH_JOURNAL_OVERFLOW)
		snprintf(buf, len, "%s journal overflow: %" PRIu64 " records lost",
			 when, ev->lost);
	else if (ev->journal_kind == PAGEWATCH_JOURNAL_EXITED)
		snprintf(buf, len, "%s journal: the address space is gone", when);
	else if (ev->pinned)
		snprintf(buf, len, "%s %" PRIu64 " pinned page%s of %s %" PRIx64
			 ": CPU mapping invalidated (%s by %s[%d])", when,
			 ev->pinned, ev->pinned == 1 ? "" : "s", ev->text,
			 ev->vaddr, kind ? kind : "other", ev->cause,
			 (int)ev->cause_pid);
	else
		snprintf(buf, len, "%s %s %" PRIu64 "p %s by %s[%d] %" PRIx64
			 "-%" PRIx64, when, kind ? kind : "other", ev->count,
			 ev->text, ev->cause, (int)ev->cause_pid, ev->vaddr,
			 ev->end);
}

void tui_event_text(const struct session_event *ev, char *buf, size_t len)
{
	char when[16], from[32], to[32];
	struct tm tm;

	localtime_r(&ev->time.tv_sec, &tm);
	strftime(when, sizeof(when), "%H:%M:%S", &tm);
	if (ev->kind == SESSION_EV_NOTE) {
		snprintf(buf, len, "%s %s", when, ev->text);
	} else if (ev->kind == SESSION_EV_JOURNAL) {
		journal_text(ev, when, buf, len);
	} else if (ev->count > 1) {
		snprintf(buf, len, "%s %s %" PRIu64 " pages of %s", when,
			 session_event_name(ev->kind), ev->count, ev->text);
	} else if (ev->kind == SESSION_EV_MIGRATED ||
		   ev->kind == SESSION_EV_REPLACED ||
		   ev->kind == SESSION_EV_DIVERGED) {
		node_pfn(from, sizeof(from), ev->old_node, ev->old_pfn);
		node_pfn(to, sizeof(to), ev->new_node, ev->new_pfn);
		snprintf(buf, len, "%s %s %" PRIx64 " %s>%s", when,
			 session_event_name(ev->kind), ev->vaddr, from, to);
	} else {
		snprintf(buf, len, "%s %s %" PRIx64 " %s", when,
			 session_event_name(ev->kind), ev->vaddr, ev->text);
	}
}

static void events_row(struct panel *p, void *arg, size_t index, int y, bool sel)
{
	struct tui *t = arg;
	struct session_event ev;
	char line[160];

	if (!session_event(t->session, index, &ev))
		return;
	tui_event_text(&ev, line, sizeof(line));
	if ((ev.kind == SESSION_EV_DIVERGED ||
	     (ev.kind == SESSION_EV_JOURNAL && ev.pinned)) && !sel)
		wattron(p->win, tui_attr(t, TUI_C_MARK_DIVERGED));
	tui_addstr_clip(p->win, line, getmaxx(p->win));
	wattroff(p->win, tui_attr(t, TUI_C_MARK_DIVERGED));
}

void event_log_init(struct tui *t)
{
	t->events.header_rows = 1;
	t->events.draw_header = events_header;
	t->events.draw_row = events_row;
	t->events.arg = t;
}
