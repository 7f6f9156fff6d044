// SPDX-License-Identifier: GPL-2.0
/* The header: target, system, event rates with their sources, status. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "tui/ui.h"

static void target_line(struct tui *t)
{
	const struct snapshot *snap = t->frame ? &t->frame->snap : NULL;
	char line[256], rss[16];

	if (!snap) {
		snprintf(line, sizeof(line), "pagewatch  PID %d  waiting for the first snapshot",
			 (int)t->ctx->opts.pid);
	} else {
		tui_fmt_size((uint64_t)snap->proc.rss_kib * 1024, rss, sizeof(rss));
		snprintf(line, sizeof(line),
			 "pagewatch  PID %d (%s)  user %s  threads %d  RSS %s  %zu mappings  %zu pages",
			 (int)snap->pid, snap->proc.command, snap->proc.user,
			 snap->proc.threads, rss, snap->nr_mappings, snap->nr_pages);
	}
	wattron(t->header, A_BOLD);
	wmove(t->header, 0, 0);
	tui_addstr_clip(t->header, line, t->cols);
	wattroff(t->header, A_BOLD);
}

/*
 * Put ITEM on the current line, or on the next one when it does not fit;
 * on LAST_ROW it is cut (with its mark). Text that ends in a row's last
 * column leaves curses' cursor on the next row: nothing is drawn past
 * LAST_ROW, which is the status line's.
 */
static void flow(struct tui *t, int last_row, const char *item)
{
	int y = getcury(t->header), x = getcurx(t->header);
	int len = (int)strlen(item);

	if (y > last_row)
		return;
	if (x && x + len + 2 > t->cols && y < last_row) {
		wmove(t->header, y + 1, 0);
	} else if (x) {
		if (x + 3 > t->cols)
			return;
		waddstr(t->header, "  ");
	}
	tui_addstr_clip(t->header, item, t->cols);
}

static void rates_lines(struct tui *t)
{
	const struct snapshot *snap = t->frame ? &t->frame->snap : NULL;
	const struct session_status *st = &t->status;
	char item[96];

	wmove(t->header, 1, 0);
	snprintf(item, sizeof(item), "kernel %s", snap ? snap->kernel : "?");
	flow(t, 2, item);
	snprintf(item, sizeof(item), "nodes %d",
		 snap && snap->nr_online ? snap->nr_online : 1);
	flow(t, 2, item);
	if (st->replay && snap && snap->kmod_abi)
		snprintf(item, sizeof(item), "module ABI %u (recorded)",
			 snap->kmod_abi);
	else if (st->replay)
		snprintf(item, sizeof(item), "recorded without the module");
	else
		sources_kmod_why(&t->ctx->src, true, item, sizeof(item), NULL);
	flow(t, 2, item);
	if (!t->ctx->src.cap_sys_admin)
		flow(t, 2, "PFNs hidden (no CAP_SYS_ADMIN)");
	/* a replay counts no event of this machine */
	for (unsigned int r = 0; !st->replay && r < PERF_RATE_NR; r++) {
		if (st->rate_known[r])
			snprintf(item, sizeof(item), "%s %.0f/s [%s]",
				 perf_events_rate_name(r), st->rate[r],
				 perf_events_source_name(st->rate_source[r]));
		else
			snprintf(item, sizeof(item), "%s - [%s]",
				 perf_events_rate_name(r),
				 perf_events_source_name(st->rate_source[r]));
		flow(t, 2, item);
	}
	snprintf(item, sizeof(item), "replaced %lu [snapshots]",
		 (unsigned long)st->moved);
	flow(t, 2, item);
}

/*
 * How fresh the screen is. A rolling refresh says it: the selected
 * mapping (or the part of it around the cursor) at every refresh, all
 * mappings once a cycle.
 */
static int refresh_text(const struct session_status *st, char *line, size_t len)
{
	char focus[40];

	if (st->live)
		return snprintf(line, len,
				"snapshot #%u, live (journal): changes every %.2gs (on screen within %.2fs, at worst %.2fs), all mappings every %s%.0fs (%.0f ms CPU a refresh)",
				st->seq, st->snap_every, st->journal_lag,
				st->journal_lag_worst,
				st->cycle_measured ? "" : "~", st->cycle,
				st->collect_cpu * 1e3);
	if (!st->rolling)
		return snprintf(line, len, "snapshot #%u, polling every %.2gs",
				st->seq, st->interval);
	tui_fmt_size(st->focus_bytes, focus, sizeof(focus));
	return snprintf(line, len,
			"snapshot #%u, polling: %s every %.2gs, all mappings every %s%.0fs (%.0f ms CPU a refresh)",
			st->seq, st->focus_whole ? "selected mapping" : strcat(focus, " around the cursor"),
			st->interval, st->cycle_measured ? "" : "~", st->cycle,
			st->collect_cpu * 1e3);
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/* Where the replay is: recorded time, position and length, play state */
static int replay_text(const struct tui *t, char *line, size_t len)
{
	const struct session_status *st = &t->status;
	char when[32];
	struct tm tm;

	gmtime_r(&st->tick_time.tv_sec, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
	return snprintf(line, len,
			"replay %s: tick %zu/%zu (snapshot #%u), +%.1fs of %.1fs, recorded %s.%03ld UTC, %s x%g",
			t->replay_name ? base_name(t->replay_name) : "", st->tick,
			st->nr_ticks ? st->nr_ticks - 1 : 0, st->seq, st->offset,
			st->length, when, st->tick_time.tv_nsec / 1000000,
			st->playing ? "PLAYING" : "paused", st->speed);
}

static void status_line(struct tui *t)
{
	const struct session_status *st = &t->status;
	char line[320], when[16] = "";
	struct tm tm;
	int n;

	wmove(t->header, 3, 0);
	if (st->exited) {
		localtime_r(&st->exit_time.tv_sec, &tm);
		strftime(when, sizeof(when), "%H:%M:%S", &tm);
		snprintf(line, sizeof(line),
			 " Target %d exited at %s: showing its last state. Press q to quit. ",
			 (int)t->ctx->opts.pid, when);
		wattron(t->header, tui_attr(t, TUI_C_ALERT) | A_BOLD);
		tui_addstr_clip(t->header, line, t->cols);
		wattroff(t->header, tui_attr(t, TUI_C_ALERT) | A_BOLD);
		wprintw(t->header, " ");
	}
	n = st->replay ? replay_text(t, line, sizeof(line)) :
			 refresh_text(st, line, sizeof(line));
	if (st->paused)
		n += snprintf(line + n, sizeof(line) - (size_t)n, "  PAUSED");
	if (st->error)
		n += snprintf(line + n, sizeof(line) - (size_t)n,
			      "  snapshot failed: %s", strerror(-st->error));
	if (t->message[0])
		snprintf(line + n, sizeof(line) - (size_t)n, "  %s", t->message);
	tui_addstr_clip(t->header, line, t->cols);
}

void header_draw(struct tui *t)
{
	werase(t->header);
	target_line(t);
	rates_lines(t);
	status_line(t);
	wnoutrefresh(t->header);
}

/* The footer: the prompt while one is open, otherwise the key labels. */
void footer_draw(struct tui *t)
{
	WINDOW *w = t->footer;

	werase(w);
	wmove(w, 0, 0);
	if (t->mode == MODE_PROMPT) {
		wattron(w, A_BOLD);
		waddnstr(w, t->prompt == PROMPT_FIND ?
			 "Find address or mapping: " :
			 t->prompt == PROMPT_SEEK ?
			 "Seek to (+SECONDS, time, end, #TICK): " :
			 "Filter (empty clears): ", t->cols);
		wattroff(w, A_BOLD);
		tui_addstr_clip(w, t->input, t->cols - 1);
		curs_set(1);
		wnoutrefresh(w);
		return;
	}
	curs_set(0);
	for (size_t i = 0; i < tui_keys_nr; i++) {
		const char *label = tui_keys[i].footer;
		const char *name = tui_keys[i].name;
		unsigned int mode = t->status.replay ? TUI_KEY_REPLAY : TUI_KEY_LIVE;

		if (!label || (tui_keys[i].modes && !(tui_keys[i].modes & mode)))
			continue;
		if (getcurx(w) + (int)(strlen(name) + strlen(label)) + 1 >= t->cols)
			break;
		wattron(w, A_BOLD);
		waddstr(w, name);
		wattroff(w, A_BOLD);
		wattron(w, tui_attr(t, TUI_C_TITLE) | (t->color ? 0 : A_REVERSE));
		waddstr(w, label);
		wattroff(w, tui_attr(t, TUI_C_TITLE) | A_REVERSE);
		waddch(w, ' ');
	}
	wnoutrefresh(w);
}
