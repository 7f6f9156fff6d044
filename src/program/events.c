// SPDX-License-Identifier: GPL-2.0
/* --events: the change journal, one line per record, as it happens. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "collect/follow.h"
#include "program/cli.h"
#include "program/events.h"

/* How long one wait for a record lasts: stop is looked at in between */
#define EVENTS_WAIT_MS		200

static int follow_error(const struct collect *c, int err)
{
	char why[512];

	if (err == -ENOTSUP && !sources_kmod_ok(&c->src)) {
		sources_kmod_why(&c->src, false, why, sizeof(why), NULL);
		fprintf(stderr, "pagewatch: --events needs the module's journal: %s\n",
			why);
		return CLI_EXIT_NO_MODULE;
	}
	if (err == -ENOTSUP || err == -ENOENT) {
		fprintf(stderr, "pagewatch: %s/journal: the loaded module has no journal (an older build): load this pagewatch's module\n",
			c->src.kmod.dir);
		return CLI_EXIT_NO_MODULE;
	}
	if (err == -ESRCH) {
		fprintf(stderr, "pagewatch: no such process: %d\n",
			(int)c->opts.pid);
		return CLI_EXIT_NO_PROCESS;
	}
	fprintf(stderr, "pagewatch: %s/journal: %s\n", c->src.kmod.dir,
		strerror(-err));
	return err == -EPERM || err == -EACCES ? CLI_EXIT_PERMISSION :
						 CLI_EXIT_FAILURE;
}

int events_stream(struct collect *c, struct output *out, long count,
		  volatile sig_atomic_t *stop)
{
	struct page_event evs[KMOD_JOURNAL_BATCH];
	struct event_view view;
	struct snapshot model;
	struct follow f;
	long written = 0, got;
	int err, status = CLI_EXIT_OK;

	err = follow_open(&f, c, 0);
	if (err)
		return follow_error(c, err);
	/* after the bind: a change to what is read now is announced */
	err = collect_snapshot(c, &model);
	if (err) {
		follow_close(&f);
		return follow_error(c, err);
	}
	while (!*stop && !f.ended && (!count || written < count)) {
		event_view_of_snapshot(&view, &model);
		got = follow_events(&f, evs, KMOD_JOURNAL_BATCH, &view);
		if (got == -EAGAIN) {
			/* what the next records' pins are counted against */
			err = follow_reread(&f, &model, NULL);
			if (err == -ESRCH)
				err = 0;	/* gone: its exited record follows */
			if (err)
				break;
			fflush(out->f);
			err = follow_wait(&f, EVENTS_WAIT_MS);
			if (err < 0)
				break;
			continue;
		}
		if (got < 0) {
			err = (int)got;
			break;
		}
		for (long i = 0; i < got && (!count || written < count); i++) {
			out->ops->event(out, &evs[i]);
			written++;
		}
	}
	fflush(out->f);
	if (err < 0) {
		fprintf(stderr, "pagewatch: pid %d: journal: %s\n",
			(int)c->opts.pid, strerror(-err));
		status = CLI_EXIT_FAILURE;
	}
	if (ferror(out->f)) {
		fprintf(stderr, "pagewatch: writing output: %s\n",
			strerror(EIO));
		status = CLI_EXIT_FAILURE;
	}
	follow_close(&f);
	snapshot_free(&model);
	return status;
}
