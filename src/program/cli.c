// SPDX-License-Identifier: GPL-2.0
/* Command line: options, the snapshot loop, messages and exit statuses. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "program/cli.h"
#include "program/demo.h"
#include "program/events.h"
#include "program/outfile.h"
#include "program/replay.h"
#include "model/recording.h"
#include "sinks/record.h"
#include "kernel/procs.h"
#include "model/filter.h"
#include "sinks/output.h"
#include "collect/collect.h"
#include "collect/follow.h"
#include "model/snapshot_summary.h"
#include "model/track.h"
#include "kernel/procs.h"
#include "tui/tui.h"


struct cli_opts {
	struct collect_opts snap;
	const struct output_ops *format;
	struct filter filter;
	bool have_filter;
	const char *filter_text;
	bool snapshot;
	bool events;
	bool summary;
	bool demo;
	double interval;
	bool have_interval;
	long count;
	bool have_count;
	bool have_format;
	const char *output;	/* -o FILE, or NULL: stdout */
	const char **comms;	/* --comm NAME..., nr_comms of them */
	size_t nr_comms;
	const char *record;	/* --record FILE */
	const char *replay;	/* --replay FILE */
	const char *at;		/* --at TIME */
	long tick;		/* --tick N, or -1 */
	bool changes;
	const char *from;
	const char *to;
};

/* One process of a run: -p PID, or one that --comm named */
struct target {
	pid_t pid;
	bool by_comm;
	struct collect ctx;
	struct snapshot snap;
	/* what the next snapshot is compared with: the last one's pages */
	struct track_base base;
	bool have_base;
	struct track_pin_query query;
	bool have_query;
	bool open;
	/* the module's journal, read between snapshots (one target only) */
	struct follow follow;
	struct track_via via;
	bool following;
	struct recorder *rec;	/* --record (one target only) */
};

/* What a run printed, to say why when it was nothing */
struct run_tally {
	size_t shown;		/* page or mapping lines written */
	long taken;		/* snapshots taken, all targets */
	bool any_mapping;	/* a snapshot had a selected mapping */
};

/* The shortest step between snapshots, in both modes: 0 s would spin */
#define CLI_INTERVAL_MIN	0.25

enum {
	OPT_FORMAT = 256,
	OPT_RANGE,
	OPT_VMA,
	OPT_FILTER,
	OPT_SUMMARY,
	OPT_ALL,
	OPT_NO_KMOD,
	OPT_NO_PERF,
	OPT_THREADS,
	OPT_DEMO,
	OPT_EVENTS,
	OPT_NO_JOURNAL,
	OPT_COMM,
	OPT_RECORD,
	OPT_REPLAY,
	OPT_AT,
	OPT_TICK,
	OPT_CHANGES,
	OPT_FROM,
	OPT_TO,
};

static const struct option long_options[] = {
	{ "pid", required_argument, NULL, 'p' },
	{ "snapshot", no_argument, NULL, 's' },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "range", required_argument, NULL, OPT_RANGE },
	{ "vma", required_argument, NULL, OPT_VMA },
	{ "filter", required_argument, NULL, OPT_FILTER },
	{ "summary", no_argument, NULL, OPT_SUMMARY },
	{ "interval", required_argument, NULL, 'i' },
	{ "count", required_argument, NULL, 'n' },
	{ "all", no_argument, NULL, OPT_ALL },
	{ "no-kmod", no_argument, NULL, OPT_NO_KMOD },
	{ "no-perf", no_argument, NULL, OPT_NO_PERF },
	{ "threads", required_argument, NULL, OPT_THREADS },
	{ "demo", no_argument, NULL, OPT_DEMO },
	{ "events", no_argument, NULL, OPT_EVENTS },
	{ "no-journal", no_argument, NULL, OPT_NO_JOURNAL },
	{ "comm", required_argument, NULL, OPT_COMM },
	{ "output", required_argument, NULL, 'o' },
	{ "record", required_argument, NULL, OPT_RECORD },
	{ "replay", required_argument, NULL, OPT_REPLAY },
	{ "at", required_argument, NULL, OPT_AT },
	{ "tick", required_argument, NULL, OPT_TICK },
	{ "changes", no_argument, NULL, OPT_CHANGES },
	{ "from", required_argument, NULL, OPT_FROM },
	{ "to", required_argument, NULL, OPT_TO },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = 1;
}

static void usage(FILE *f)
{
	fputs("Usage: pagewatch [-p PID] [OPTION]...\n"
	      "       pagewatch -p PID --snapshot [OPTION]...\n"
	      "       pagewatch --comm NAME --snapshot [OPTION]...\n"
	      "       pagewatch --demo [--snapshot] [OPTION]...\n"
	      "       pagewatch -p PID --events [--format FORMAT] [-n N]\n"
	      "       pagewatch --replay FILE [--snapshot [--at TIME | --tick N]] [OPTION]...\n"
	      "       pagewatch --replay FILE --changes [--from TIME] [--to TIME]\n"
	      "Show the per-page NUMA node, PFN, THP, swap, pin and NUMA-hinting\n"
	      "state of a process: interactively, or as snapshots with --snapshot.\n"
	      "Without -p or --demo, the interactive view starts with a process picker.\n"
	      "\n"
	      "  -p, --pid PID          the process to inspect\n"
	      "  -s, --snapshot         print snapshots and exit (no interactive view)\n"
	      "      --comm NAME        (with --snapshot) every process whose command name\n"
	      "                         is NAME; repeatable, and with -p\n"
	      "      --format FORMAT    text (default), csv, json (JSON Lines), openmetrics:\n"
	      "                         ", f);
	output_print_names(f);
	fputs("\n"
	      "  -o, --output FILE      write to FILE: a temporary file renamed over it when\n"
	      "                         complete (openmetrics: after every round)\n"
	      "      --range START-END  only pages in [START, END), hexadecimal addresses\n"
	      "      --vma PATTERN      only mappings whose path matches PATTERN\n"
	      "                         (a path, a glob, [heap], [stack] or [anon])\n"
	      "      --filter LIST      only pages matching every item of LIST:\n"
	      "                         ", f);
	filter_print_names(f);
	fputs("\n"
	      "      --summary          one line per mapping instead of one per page\n"
	      "  -i, --interval SEC     seconds between snapshots (default 1, at least 0.25)\n"
	      "  -n, --count N          number of snapshots (default 1; 0: until the\n"
	      "                         target exits; with -i alone: 0)\n"
	      "      --all              also list pages that were never touched\n"
	      "      --no-kmod          do not use the pagewatch kernel module\n"
	      "      --no-perf          interactive rates from /proc only, no perf events\n"
	      "      --no-journal       the interactive view polls, even where the module\n"
	      "                         has a change journal\n"
	      "      --threads N        page reader threads (default 0: one per CPU for\n"
	      "                         large targets; 1: read in one thread)\n"
	      "      --demo             start a demonstration process and watch it\n"
	      "      --events           stream the module's change journal of the\n"
	      "                         target (MMU notifier records) as it happens;\n"
	      "                         -n N stops after N records\n"
	      "      --record FILE      also write what is seen to FILE, a recording\n"
	      "                         (FILE.gz: gzip), with --snapshot or interactively\n"
	      "      --replay FILE      open a recording instead of a process: the\n"
	      "                         interactive view, or with --snapshot one state\n"
	      "      --at TIME          the state at TIME: +SECONDS from the start, a\n"
	      "                         time as the recording prints it, or end\n"
	      "      --tick N           the state after tick N (0: the first full state)\n"
	      "      --changes          list the pages that changed between two points\n"
	      "      --from TIME        the first point of --changes (default: the start)\n"
	      "      --to TIME          the last point of --changes (default: the end)\n"
	      "  -h, --help             show this help and exit\n"
	      "  -V, --version          show the version and exit\n"
	      "\n"
	      "Exit status: 0 ok, 1 error, 2 bad option, 3 no such process,\n"
	      "4 target exited during a snapshot, 5 permission denied,\n"
	      "6 module ABI version mismatch, 7 --events without the module's\n"
	      "journal, 8 --replay of a damaged recording (what was read before\n"
	      "the damage was shown). See pagewatch(1).\n", f);
}

static int bad_option(const char *what, const char *arg)
{
	fprintf(stderr, "pagewatch: malformed %s: '%s' (see pagewatch --help)\n",
		what, arg);
	return CLI_EXIT_USAGE;
}

/* --record and --replay with what they go with; -1 or an exit status */
static int check_replay_options(const struct cli_opts *o)
{
	const char *wrong = NULL;

	if (o->record && (o->events || o->replay))
		wrong = "--record writes a live run: not with --events or --replay";
	else if (o->record && o->nr_comms)
		wrong = "--record writes one process's run: give -p PID, not --comm";
	else if (o->replay && (o->snap.pid || o->demo || o->events || o->nr_comms))
		wrong = "--replay reads a recording: drop -p, --comm, --demo and --events";
	else if (o->replay && (o->have_interval || o->have_count))
		wrong = "--replay prints one point (--at, --tick): drop -i and -n";
	else if (!o->replay && (o->at || o->tick >= 0 || o->changes ||
				o->from || o->to))
		wrong = "--at, --tick, --changes, --from and --to read a recording: add --replay FILE";
	else if (o->at && o->tick >= 0)
		wrong = "--at and --tick both choose the point: give one";
	else if ((o->at || o->tick >= 0) && !o->snapshot)
		wrong = "--at and --tick choose the state --snapshot prints: add -s (--snapshot)";
	else if (o->changes && (o->snapshot || o->summary || o->have_filter))
		wrong = "--changes lists pages, not a snapshot: drop --snapshot, --summary and --filter";
	else if ((o->from || o->to) && !o->changes)
		wrong = "--from and --to bound --changes: add --changes";
	if (!wrong)
		return -1;
	fprintf(stderr, "pagewatch: %s\n", wrong);
	return CLI_EXIT_USAGE;
}

/* Returns -1 to go on, or an exit status. */
static int parse_options(int argc, char **argv, struct cli_opts *o)
{
	char *end;
	long pid;
	int c, status;

	memset(o, 0, sizeof(*o));
	o->format = &out_text_ops;
	/* tests point pagewatch at a fake module directory */
	o->snap.kmod_dir = getenv("PAGEWATCH_KMOD_DIR");
	o->interval = 1.0;
	o->count = 1;
	o->tick = -1;
	/* every --comm is one of argv's strings: never more than argc */
	o->comms = calloc((size_t)argc + 1, sizeof(*o->comms));
	if (!o->comms) {
		fprintf(stderr, "pagewatch: %s\n", strerror(ENOMEM));
		return CLI_EXIT_FAILURE;
	}
	while ((c = getopt_long(argc, argv, "p:si:n:o:hV", long_options, NULL)) != -1) {
		switch (c) {
		case 'p':
			errno = 0;
			pid = strtol(optarg, &end, 10);
			if (errno || *end || end == optarg || pid <= 0 || pid > INT_MAX)
				return bad_option("--pid", optarg);
			o->snap.pid = (pid_t)pid;
			break;
		case 's':
			o->snapshot = true;
			break;
		case OPT_FORMAT:
			o->format = output_find(optarg);
			o->have_format = true;
			if (!o->format)
				return bad_option("--format (text, csv, json or openmetrics)", optarg);
			break;
		case OPT_RANGE:
			if (filter_parse_range(optarg, &o->snap.range_start,
					       &o->snap.range_end))
				return bad_option("--range (START-END, hexadecimal)",
						  optarg);
			break;
		case OPT_VMA:
			if (!*optarg) {
				fprintf(stderr, "pagewatch: --vma needs a pattern: a path, a glob, [heap], [stack] or [anon]\n");
				return CLI_EXIT_USAGE;
			}
			o->snap.vma = optarg;
			break;
		case OPT_FILTER:
			if (filter_parse(optarg, &o->filter))
				return bad_option("--filter", optarg);
			o->filter_text = optarg;
			o->have_filter = true;
			break;
		case OPT_SUMMARY:
			o->summary = true;
			break;
		case 'i':
			errno = 0;
			o->interval = strtod(optarg, &end);
			if (errno || *end || end == optarg || !isfinite(o->interval) ||
			    o->interval < 0 || o->interval > 86400)
				return bad_option("--interval", optarg);
			if (o->interval < CLI_INTERVAL_MIN) {
				fprintf(stderr, "pagewatch: --interval %s: the shortest interval is %.2f s\n",
					optarg, CLI_INTERVAL_MIN);
				return CLI_EXIT_USAGE;
			}
			o->have_interval = true;
			break;
		case 'n':
			errno = 0;
			o->count = strtol(optarg, &end, 10);
			if (errno || *end || end == optarg || o->count < 0)
				return bad_option("--count", optarg);
			o->have_count = true;
			break;
		case OPT_ALL:
			o->snap.all = true;
			break;
		case OPT_NO_KMOD:
			o->snap.no_kmod = true;
			break;
		case OPT_NO_PERF:
			o->snap.no_perf = true;
			break;
		case OPT_THREADS:
			errno = 0;
			o->snap.threads = (unsigned int)strtoul(optarg, &end, 10);
			if (errno || *end || end == optarg || optarg[0] == '-' ||
			    o->snap.threads > 16)
				return bad_option("--threads (0 to 16)", optarg);
			break;
		case OPT_DEMO:
			o->demo = true;
			break;
		case OPT_EVENTS:
			o->events = true;
			break;
		case OPT_NO_JOURNAL:
			o->snap.no_journal = true;
			break;
		case OPT_RECORD:
			if (!*optarg)
				return bad_option("--record (a file name)", optarg);
			o->record = optarg;
			break;
		case OPT_REPLAY:
			if (!*optarg)
				return bad_option("--replay (a file name)", optarg);
			o->replay = optarg;
			break;
		case OPT_AT:
			o->at = optarg;
			break;
		case OPT_TICK:
			errno = 0;
			o->tick = strtol(optarg, &end, 10);
			if (errno || *end || end == optarg || o->tick < 0)
				return bad_option("--tick (0 or more)", optarg);
			break;
		case OPT_CHANGES:
			o->changes = true;
			break;
		case OPT_FROM:
			o->from = optarg;
			break;
		case OPT_TO:
			o->to = optarg;
			break;
		case OPT_COMM:
			/* /proc/PID/comm holds 15 characters at most */
			if (!optarg[0] || strlen(optarg) > 15 || strchr(optarg, '/'))
				return bad_option("--comm (a command name of 1 to 15 characters)",
						  optarg);
			o->comms[o->nr_comms++] = optarg;
			break;
		case 'o':
			if (!optarg[0])
				return bad_option("--output", optarg);
			o->output = optarg;
			break;
		case 'h':
			usage(stdout);
			return CLI_EXIT_OK;
		case 'V':
			printf("pagewatch %s\n", PACKAGE_VERSION);
			return CLI_EXIT_OK;
		default:
			usage(stderr);
			return CLI_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "pagewatch: unexpected argument '%s'\n", argv[optind]);
		return CLI_EXIT_USAGE;
	}
	status = check_replay_options(o);
	if (status >= 0)
		return status;
	if (o->events && (o->snapshot || o->summary || o->demo || !o->snap.pid)) {
		fprintf(stderr, "pagewatch: --events streams one process's journal: give -p PID, without --snapshot, --summary or --demo\n");
		return CLI_EXIT_USAGE;
	}
	if (o->events && !o->have_count)
		o->count = 0;
	if (o->snapshot && !o->demo && !o->snap.pid && !o->nr_comms && !o->replay) {
		fprintf(stderr, "pagewatch: no target: give -p PID, --comm NAME or --demo\n");
		return CLI_EXIT_USAGE;
	}
	if ((o->nr_comms || o->output) && !o->snapshot) {
		fprintf(stderr, "pagewatch: %s: only with --snapshot (the interactive view shows one process on the terminal)\n",
			o->nr_comms ? "--comm" : "--output");
		return CLI_EXIT_USAGE;
	}
	if (o->demo && o->nr_comms) {
		fprintf(stderr, "pagewatch: --demo starts its own target: drop --comm\n");
		return CLI_EXIT_USAGE;
	}
	if (o->demo && o->snap.pid) {
		fprintf(stderr, "pagewatch: --demo starts its own target: drop -p\n");
		return CLI_EXIT_USAGE;
	}
	/* --events takes --format and -n too */
	if (!o->snapshot && !o->events && !o->changes) {
		const char *only = o->have_format ? "--format" :
				   o->summary ? "--summary" :
				   o->have_count ? "--count (-n)" : NULL;

		if (only) {
			fprintf(stderr, "pagewatch: %s applies to snapshots and --events: add -s (--snapshot), or drop it for the interactive view\n",
				only);
			return CLI_EXIT_USAGE;
		}
	}
	if (o->have_interval && !o->have_count)
		o->count = 0;
	/* the demo shows its pinned buffer before and after it is replaced */
	if (o->demo && !o->have_count)
		o->count = 2;
	/*
	 * One summary needs no page kept: it is counted while the pages are
	 * read. Repeated ones compare pages with the previous snapshot.
	 */
	if (o->summary && o->count == 1 && !o->record && !o->replay) {
		o->snap.summary_only = true;
		o->snap.keep = o->have_filter ? filter_keep : NULL;
		o->snap.keep_arg = &o->filter;
	}
	/*
	 * Snapshots of pages are written once: they are read into a spool
	 * file, not memory, whatever the target's size. Repeated ones keep
	 * only a base of the last one to compare the next with.
	 */
	if (o->snapshot && !o->summary)
		o->snap.spool = true;
	return -1;
}

/*
 * One short line per missing source: what is unknown and a step that can
 * work here. Nothing for what the user chose (--no-kmod).
 */
static void report_degraded(const struct collect *ctx, const struct cli_opts *o)
{
	const char *hint;
	char why[512];

	if (!sources_kmod_ok(&ctx->src) && ctx->src.kmod_why != SOURCE_NOT_WANTED) {
		sources_kmod_why(&ctx->src, false, why, sizeof(why), &hint);
		fprintf(stderr, "pagewatch: %s: pins, refcounts and NUMA hints unknown%s%s\n",
			why, hint ? "; " : "", hint ? hint : "");
	}
	if (!ctx->src.cap_sys_admin)
		fprintf(stderr, "pagewatch: no CAP_SYS_ADMIN: the kernel hides PFNs, so pfn, mapcount, thp and hugetlb are unknown\n");
	else if (!sources_kmod_ok(&ctx->src) && !sources_kpage_ok(&ctx->src))
		fprintf(stderr, "pagewatch: /proc/kpageflags: %s: mapcount, thp and hugetlb are unknown\n",
			strerror(-ctx->src.kpage_err));
	if (o->have_filter && !sources_kmod_ok(&ctx->src) &&
	    o->filter.kinds & (1U << FILTER_PINNED | 1U << FILTER_PROTNONE |
			       1U << FILTER_DIVERGED))
		fprintf(stderr, "pagewatch: --filter pinned, protnone and diverged need the module: no page matches them\n");
}

/* Nothing was printed for a whole run: say why on stderr. */
static void report_nothing_matched(const struct cli_opts *o, const struct collect *ctx,
				   pid_t pid, bool any_mapping, long snapshots)
{
	if (o->snap.vma && !any_mapping) {
		fprintf(stderr, "pagewatch: --vma '%s': no mapping of pid %d matches\n",
			o->snap.vma, (int)pid);
		return;
	}
	if (o->snap.range_end && !any_mapping) {
		fprintf(stderr, "pagewatch: --range: no mapping of pid %d lies in it\n",
			(int)pid);
		return;
	}
	if (!o->have_filter)
		return;
	if (snapshots < 2 && o->filter.kinds & (1U << FILTER_MIGRATED |
					       1U << FILTER_REPLACED |
					       1U << FILTER_DIVERGED)) {
		fprintf(stderr, "pagewatch: --filter %s: migrated, replaced and diverged compare two snapshots (give -n 2 or more)\n",
			o->filter_text);
		return;
	}
	if (o->filter.kinds & 1U << FILTER_NODE && !sources_node_ok(&ctx->src)) {
		fprintf(stderr, "pagewatch: --filter %s: the node of a page is unknown here\n",
			o->filter_text);
		return;
	}
	if (o->filter.kinds & (1U << FILTER_PINNED | 1U << FILTER_PROTNONE |
			       1U << FILTER_DIVERGED) && !sources_kmod_ok(&ctx->src))
		return;	/* said by report_degraded() */
	fprintf(stderr, "pagewatch: --filter %s: no page matched\n", o->filter_text);
}

/* Why PID cannot be watched, in BUF; returns the exit status it means. */
static int open_error_text(const struct cli_opts *o, int err, char *buf,
			   size_t len)
{
	pid_t pid = o->snap.pid;
	char found[64];

	switch (err) {
	case -ESRCH:
		/* a kernel thread exists but has no mm: its pagemap reads 0 */
		if (procs_alive(pid))
			snprintf(buf, len, "pid %d has no user address space (a kernel thread): nothing to inspect",
				 (int)pid);
		else
			snprintf(buf, len, "no such process: %d", (int)pid);
		return CLI_EXIT_NO_PROCESS;
	case -EACCES:
	case -EPERM:
		snprintf(buf, len, "/proc/%d/pagemap: %s: reading another user's process needs CAP_SYS_PTRACE",
			 (int)pid, strerror(-err));
		return CLI_EXIT_PERMISSION;
	case -EPROTO:
		kmod_describe_version(o->snap.kmod_dir, found, sizeof(found));
		snprintf(buf, len, "%s/version: module ABI mismatch: found %s, this pagewatch reads ABI %d with %d-byte records; rebuild and reload the module (make kmod)",
			 o->snap.kmod_dir ? o->snap.kmod_dir : KMOD_DEFAULT_DIR,
			 found, PAGEWATCH_ABI_VERSION, PAGEWATCH_RECORD_SIZE);
		return CLI_EXIT_ABI;
	default:
		snprintf(buf, len, "pid %d: %s", (int)pid, strerror(-err));
		return CLI_EXIT_FAILURE;
	}
}

static int open_error(const struct cli_opts *o, int err)
{
	char text[512];
	int status = open_error_text(o, err, text, sizeof(text));

	fprintf(stderr, "pagewatch: %s\n", text);
	return status;
}

/* One snapshot to OUT; *SHOWN grows by the page or mapping lines written. */
static int emit(const struct cli_opts *o, struct output *out,
		const struct snapshot *snap, size_t *shown)
{
	const struct filter *filter = o->have_filter ? &o->filter : NULL;

	if (o->summary) {
		out->sel.filter = o->filter_text;
		out->sel.vma = o->snap.vma;
	} else {
		output_select(out, snap, filter ? filter_keep : NULL, filter,
			      o->filter_text, o->snap.vma);
		*shown += out->sel.pages;
	}
	/* stdio keeps no errno with its error flag: the failed write's */
	errno = 0;
	out->ops->begin(out, snap);
	if (o->summary && snap->summaries) {
		/* counted while the snapshot was read (summary_only) */
		for (size_t i = 0; i < snap->nr_summaries; i++)
			out->ops->mapping(out, snap, &snap->summaries[i]);
		*shown += snap->nr_summaries;
	} else if (o->summary) {
		struct snapshot_summary *sums;
		size_t nr;
		int err;

		err = snapshot_summarize(snap, filter ? filter_keep : NULL,
					 filter, &sums, &nr);
		if (err)
			return err;
		for (size_t i = 0; i < nr; i++)
			out->ops->mapping(out, snap, &sums[i]);
		*shown += nr;
		snapshot_summary_free(sums, nr);
	} else {
		int err = output_pages(out, snap, filter ? filter_keep : NULL,
				       filter, o->snap.threads);

		if (err)
			return err;
	}
	out->ops->end(out, snap);
	if (!ferror(out->f))
		return 0;
	return errno == ENOSPC || errno == EPIPE || errno == EDQUOT ||
	       errno == EFBIG ? -errno : -EIO;
}

static void pause_for(double seconds)
{
	struct timespec ts;

	ts.tv_sec = (time_t)seconds;
	ts.tv_nsec = (long)((seconds - (double)ts.tv_sec) * 1e9);
	nanosleep(&ts, NULL);	/* a signal cuts it short: stop is set */
}

/* A journal event the run read between snapshots, for the recording */
static int record_on_event(void *arg, const struct page_event *ev)
{
	return record_event(arg, ev);
}

/* Start --record FILE (with DEMO's regions); 0, or -errno said on stderr */
static int record_start(const struct cli_opts *o, const struct demo *demo,
			struct follow *follow, bool following,
			struct recorder **rec)
{
	struct record_region regions[DEMO_MAX_REGIONS];
	struct record_opts ro = {
		.interval = o->interval,
		.journal = following,
		.vma = o->snap.vma,
		.regions = regions,
	};
	int err;

	for (int i = 0; demo && i < demo->nr_regions; i++) {
		regions[i].start = demo->regions[i].start;
		regions[i].end = demo->regions[i].end;
		regions[i].name = demo->regions[i].name;
		ro.nr_regions++;
	}
	*rec = NULL;
	if (!o->record)
		return 0;
	err = record_open(rec, o->record, &ro);
	if (err) {
		fprintf(stderr, "pagewatch: %s: %s\n", o->record, strerror(-err));
		return err;
	}
	if (following && follow) {
		follow->on_event = record_on_event;
		follow->on_event_arg = *rec;
	}
	return 0;
}

/* Close the recording; the exit status STATUS becomes */
static int record_finish(const struct cli_opts *o, struct recorder *rec,
			 int status)
{
	int err;

	if (!rec)
		return status;
	err = record_close(rec);
	if (!err)
		return status;
	fprintf(stderr, "pagewatch: %s: %s\n", o->record, strerror(-err));
	return CLI_EXIT_FAILURE;
}

/* -p PID, then every other process named by --comm; *NR 0: none found */
static int targets_find(const struct cli_opts *o, struct target **targets,
			size_t *nr)
{
	struct procs_entry *procs = NULL;
	size_t nr_procs = 0, n = 0;
	struct target *all;
	int err;

	if (o->nr_comms) {
		err = procs_list(&procs, &nr_procs);
		if (err)
			return err;
	}
	all = calloc(nr_procs + 1, sizeof(*all));
	if (!all) {
		free(procs);
		return -ENOMEM;
	}
	if (o->snap.pid)
		all[n++].pid = o->snap.pid;
	for (size_t i = 0; i < nr_procs; i++) {
		if (procs[i].pid == o->snap.pid || procs[i].pid == getpid())
			continue;
		for (size_t c = 0; c < o->nr_comms; c++) {
			if (strcmp(procs[i].command, o->comms[c]))
				continue;
			all[n].pid = procs[i].pid;
			all[n++].by_comm = true;
			break;
		}
	}
	free(procs);
	*targets = all;
	*nr = n;
	return 0;
}

static void target_close(struct target *t)
{
	if (!t->open)
		return;
	snapshot_free(&t->snap);
	track_base_free(&t->base);
	t->have_base = false;
	if (t->follow.c)
		follow_close(&t->follow);
	track_via_free(&t->via);
	collect_close(&t->ctx);
	t->open = false;
}

/*
 * Open every target's sources. A process --comm found that exits before
 * it is opened is left out; any other failure ends the run (its status).
 */
static int targets_open(const struct cli_opts *o, struct target *targets,
			size_t nr)
{
	struct cli_opts one = *o;
	bool reported = false;
	int err;

	for (size_t i = 0; i < nr; i++) {
		struct target *t = &targets[i];

		one.snap.pid = t->pid;
		err = collect_open(&t->ctx, &one.snap);
		if (err == -ESRCH && t->by_comm)
			continue;
		if (err)
			return open_error(&one, err);
		t->open = true;
		t->have_query = sources_pin_query(&t->ctx.src, &t->query);
		/*
		 * Bound before the first snapshot: nothing after it goes
		 * unseen. Reading a journal blocks for the interval, so only
		 * a run of one target follows one.
		 */
		t->following = nr == 1 && o->count != 1 && !o->snap.no_journal &&
			       follow_available(&t->ctx) &&
			       !follow_open(&t->follow, &t->ctx, 0);
		/* the sources are the same for every target: say it once */
		if (!reported)
			report_degraded(&t->ctx, o);
		reported = true;
	}
	return -1;
}

/* Snapshot target T (round I) and write it; -1 to go on, or a status */
static int target_round(const struct cli_opts *o, struct target *t, long i,
			struct output *out, struct run_tally *tally)
{
	struct snapshot *cur = &t->snap;
	/* the last round makes no base: no snapshot follows it */
	bool last = o->count && i + 1 == o->count;
	struct track_base next;
	bool gone;
	int err;

	/* gone before this snapshot began: none was cut short */
	gone = i && !procs_alive(t->pid);
	err = gone ? -ESRCH : collect_snapshot(&t->ctx, cur);
	if (err == -ESRCH && gone && (o->count == 0 || t->by_comm)) {
		/* -n 0 runs until the target exits: the normal end */
		fprintf(stderr, "pagewatch: target %d exited after %ld snapshot%s\n",
			(int)t->pid, i, i == 1 ? "" : "s");
		target_close(t);
		return t->by_comm ? -1 : CLI_EXIT_OK;
	}
	if (err == -ESRCH) {
		fprintf(stderr, "pagewatch: target %d exited during snapshot %u: it is incomplete and not shown\n",
			(int)t->pid, t->ctx.seq);
		target_close(t);
		/* a service's process may come and go; -p names the one */
		return t->by_comm ? -1 : CLI_EXIT_TARGET_EXITED;
	}
	if (err) {
		fprintf(stderr, "pagewatch: pid %d: snapshot %u: %s\n",
			(int)t->pid, t->ctx.seq, strerror(-err));
		return err == -EACCES || err == -EPERM ?
		       CLI_EXIT_PERMISSION : CLI_EXIT_FAILURE;
	}
	/*
	 * Compared with the last snapshot's base, which is given back as the
	 * next one is made: repeated snapshots hold one base (16 bytes a
	 * page), the pages themselves are in the spool
	 */
	if (t->have_base) {
		err = track_compare_base(&t->base, cur,
					 t->have_query ? &t->query : NULL,
					 last ? NULL : &next);
		if (!err)
			track_via_apply(cur, &t->via);
		track_via_clear(&t->via);
		track_base_free(&t->base);
		t->have_base = !err && !last;
		if (t->have_base)
			t->base = next;
	} else if (!last) {
		err = track_base_make(&t->base, cur);
		t->have_base = !err;
	}
	if (!err && t->rec && (err = record_tick(t->rec, cur))) {
		fprintf(stderr, "pagewatch: %s: %s\n", o->record, strerror(-err));
		return CLI_EXIT_FAILURE;
	}
	if (!err)
		err = emit(o, out, cur, &tally->shown);
	tally->any_mapping |= cur->nr_mappings > 0;
	/* events between snapshots are seen through the base's mappings */
	if (t->have_base)
		track_base_take_mappings(&t->base, cur);
	snapshot_free(cur);
	tally->taken++;
	/* the reader is gone (| head): end as on SIGTERM */
	if (err == -EPIPE)
		return CLI_EXIT_OK;
	if (err) {
		fprintf(stderr, "pagewatch: writing output: %s\n", strerror(-err));
		return CLI_EXIT_FAILURE;
	}
	return -1;
}

/* The end of round I: flush a gathering sink, replace -o's file */
static int round_end(const struct cli_opts *o, struct output *out,
		     struct outfile *of, bool last)
{
	const char *path = o->output ? o->output : "output";
	int err = output_flush(out);

	if (!err && of->f && out->ops->flush) {
		err = outfile_commit(of);
		if (!err && !last) {
			err = outfile_open(of, o->output);
			out->f = of->f;
		}
	}
	if (err)
		fprintf(stderr, "pagewatch: %s: %s\n", path, strerror(-err));
	return err ? CLI_EXIT_FAILURE : -1;
}

static int open_output(const struct cli_opts *o, struct output *out,
		       struct outfile *of)
{
	FILE *f = stdout;
	int err;

	of->f = NULL;
	if (o->output) {
		err = outfile_open(of, o->output);
		if (err) {
			fprintf(stderr, "pagewatch: %s: %s\n", o->output,
				strerror(-err));
			return CLI_EXIT_FAILURE;
		}
		f = of->f;
	} else if (!isatty(STDOUT_FILENO)) {
		/* a page line is ~450 bytes of JSON: write megabytes, not 4 KiB */
		setvbuf(stdout, NULL, _IOFBF, 1 << 20);
	}
	err = output_init(out, o->format, f, o->summary);
	if (err) {
		fprintf(stderr, "pagewatch: %s output: %s\n", o->format->name,
			strerror(-err));
		outfile_abort(of);
		return CLI_EXIT_FAILURE;
	}
	return -1;
}

static int close_output(const struct cli_opts *o, struct output *out,
			struct outfile *of, int status)
{
	int err;

	output_fini(out);
	if (!of->f)
		return status;
	/*
	 * A failed run leaves the previous file in place; so does a round
	 * cut short by a signal where every complete round was renamed into
	 * place already (a gathering sink: openmetrics)
	 */
	if (status != CLI_EXIT_OK || out->ops->flush) {
		outfile_abort(of);
		return status;
	}
	err = outfile_commit(of);
	if (err) {
		fprintf(stderr, "pagewatch: %s: %s\n", o->output, strerror(-err));
		return CLI_EXIT_FAILURE;
	}
	return status;
}

static size_t targets_open_count(const struct target *targets, size_t nr)
{
	size_t n = 0;

	for (size_t i = 0; i < nr; i++)
		n += targets[i].open;
	return n;
}

static int run_rounds(struct cli_opts *o, struct demo *demo,
		      struct target *targets, size_t nr, struct output *out,
		      struct outfile *of, struct run_tally *tally)
{
	int status = -1;

	for (long i = 0; !stop && (o->count == 0 || i < o->count); i++) {
		if (i) {
			struct target *t = &targets[0];

			if (demo && i == 1)
				demo_diverge(demo, stderr);
			/*
			 * With the journal, what it announces is read in
			 * between: a page that moves and comes back is seen
			 */
			if (!t->open || !t->following || !t->have_base)
				pause_for(o->interval);
			else if (follow_watch(&t->follow, &t->base, o->interval,
					      &stop, &t->via))
				/* gone, or failing: the next snapshot says */
				t->following = false;
			if (stop)
				break;
		}
		for (size_t t = 0; status < 0 && t < nr; t++)
			if (targets[t].open)
				status = target_round(o, &targets[t], i, out,
						      tally);
		if (status >= 0)
			return status;
		if (!targets_open_count(targets, nr)) {
			fprintf(stderr, "pagewatch: every process named by --comm has exited\n");
			return CLI_EXIT_TARGET_EXITED;
		}
		status = round_end(o, out, of,
				   o->count && i + 1 == o->count);
		if (status >= 0)
			return status;
	}
	return CLI_EXIT_OK;
}

static int run(struct cli_opts *o, struct demo *demo)
{
	struct run_tally tally = { 0 };
	struct target *targets;
	struct outfile of;
	struct output out;
	size_t nr;
	int err, status;

	err = targets_find(o, &targets, &nr);
	if (err) {
		fprintf(stderr, "pagewatch: /proc: %s\n", strerror(-err));
		return CLI_EXIT_FAILURE;
	}
	if (!nr) {
		fprintf(stderr, "pagewatch: no process named");
		for (size_t c = 0; c < o->nr_comms; c++)
			fprintf(stderr, "%s '%s'", c ? "," : "", o->comms[c]);
		fputc('\n', stderr);
		free(targets);
		return CLI_EXIT_NO_PROCESS;
	}
	status = targets_open(o, targets, nr);
	if (status < 0 && !targets_open_count(targets, nr)) {
		fprintf(stderr, "pagewatch: every process named by --comm has exited\n");
		status = CLI_EXIT_NO_PROCESS;
	}
	if (status < 0 && demo && !sources_kmod_ok(&targets[0].ctx.src))
		fprintf(stderr, "pagewatch: demo: without the module the io_uring pins of pw-pinned and pw-diverge, and the divergence of pw-diverge, cannot be shown: its new pages only show as replaced\n");
	/* --record: one target (-p or the demo), --comm is refused */
	if (status < 0 && record_start(o, demo, &targets[0].follow,
				       targets[0].following, &targets[0].rec))
		status = CLI_EXIT_FAILURE;
	if (status < 0)
		status = open_output(o, &out, &of);
	if (status < 0) {
		status = run_rounds(o, demo, targets, nr, &out, &of, &tally);
		status = close_output(o, &out, &of, status);
		if (tally.taken && !tally.shown && status != CLI_EXIT_FAILURE)
			report_nothing_matched(o, &targets[0].ctx, targets[0].pid,
					       tally.any_mapping, tally.taken);
	}
	if (targets[0].rec)
		status = record_finish(o, targets[0].rec, status < 0 ?
				       CLI_EXIT_FAILURE : status);
	for (size_t i = 0; i < nr; i++)
		target_close(&targets[i]);
	free(targets);
	if (status == CLI_EXIT_OK && fflush(stdout) && errno != EPIPE) {
		fprintf(stderr, "pagewatch: writing output: %s\n", strerror(errno));
		status = CLI_EXIT_FAILURE;
	}
	return status;
}

/* The demo's divergence, from the session's collector thread. */
static int demo_after_first(void *arg)
{
	char *text = NULL;
	size_t len;
	FILE *log;
	int err;

	/* the screen belongs to curses: its lines are not printed */
	log = open_memstream(&text, &len);
	if (!log)
		return -ENOMEM;
	err = demo_diverge(arg, log);
	fclose(log);
	free(text);
	return err;
}

static int run_events(struct cli_opts *o)
{
	struct collect ctx;
	struct output out;
	int err, status;

	err = collect_open(&ctx, &o->snap);
	if (err)
		return open_error(o, err);
	err = output_init(&out, o->format, stdout, false);
	if (err) {
		collect_close(&ctx);
		return CLI_EXIT_FAILURE;
	}
	status = events_stream(&ctx, &out, o->count, &stop);
	output_fini(&out);
	collect_close(&ctx);
	return status;
}

/* -ENOTTY: the terminal; -ELIBACC: ncursesw could not be opened */
static int session_error(const char *what, int err)
{
	if (err == -ELIBACC) {
		fprintf(stderr, "pagewatch: %s needs ncursesw: %s; install it (Debian: libncursesw6) or use --snapshot\n",
			what, tui_lib_error());
		return CLI_EXIT_FAILURE;
	}
	fprintf(stderr, "pagewatch: %s: %s\n", what, strerror(-err));
	return CLI_EXIT_FAILURE;
}

static int bad_terminal(void)
{
	fprintf(stderr, "pagewatch: cannot use terminal type '%s' (unknown, or it cannot move the cursor); set TERM (linux, screen, xterm...) or use --snapshot\n",
		getenv("TERM") ? getenv("TERM") : "");
	return CLI_EXIT_FAILURE;
}

/* The session's record hooks: the recorder of --record */
static int record_frame_hook(void *arg, const struct snapshot *frame,
			     const struct page_store *pages)
{
	return record_tick_frame(arg, frame, pages);
}

static int record_event_hook(void *arg, const struct page_event *ev)
{
	return record_event(arg, ev);
}

static int record_note_hook(void *arg, const struct timespec *time,
			    const char *text)
{
	return record_note(arg, time, text);
}

static int run_tui(struct cli_opts *o, struct demo *demo)
{
	struct tui_opts t = {
		.interval = o->interval,	/* >= CLI_INTERVAL_MIN */
		.filter = o->filter,
		.have_filter = o->have_filter,
		.filter_text = o->filter_text,
		.after_first = demo ? demo_after_first : NULL,
		.after_arg = demo,
		.stop = &stop,
	};
	struct tui_region regions[DEMO_MAX_REGIONS];
	bool picking = !o->snap.pid;
	struct recorder *rec = NULL;
	char note[512] = "";
	struct collect ctx;
	int err, status;

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "pagewatch: the interactive view needs a terminal; use --snapshot to print snapshots\n");
		return CLI_EXIT_USAGE;
	}
	/*
	 * From the picker, a process that cannot be watched is said there,
	 * and quitting its session returns to the picker (htop's habit).
	 */
	/* the demo's regions by name, even where the kernel names none */
	for (int i = 0; demo && i < demo->nr_regions; i++) {
		regions[i].start = demo->regions[i].start;
		regions[i].end = demo->regions[i].end;
		regions[i].name = demo->regions[i].name;
		t.nr_regions++;
	}
	t.regions = regions;
	if (o->record && picking) {
		fprintf(stderr, "pagewatch: --record in the interactive view records one process: give -p PID or --demo\n");
		return CLI_EXIT_USAGE;
	}
	for (;;) {
		if (picking) {
			err = tui_pick(&o->snap.pid, note[0] ? note : NULL, &stop);
			note[0] = '\0';
			if (err) {
				tui_end();
				if (err == 1)
					return CLI_EXIT_OK;
				if (err == -ENOTTY)
					return bad_terminal();
				return session_error("process picker", err);
			}
		}
		err = collect_open(&ctx, &o->snap);
		if (err && picking && err != -EPROTO) {
			open_error_text(o, err, note, sizeof(note));
			continue;
		}
		if (err) {
			tui_end();
			return open_error(o, err);
		}
		if (record_start(o, demo, NULL, !o->snap.no_journal &&
				 follow_available(&ctx), &rec)) {
			collect_close(&ctx);
			return CLI_EXIT_FAILURE;
		}
		t.record_frame = rec ? record_frame_hook : NULL;
		t.record_event = rec ? record_event_hook : NULL;
		t.record_note = rec ? record_note_hook : NULL;
		t.record_arg = rec;
		err = tui_run(&ctx, &t);
		collect_close(&ctx);
		if (!picking || err || stop)
			break;
	}
	tui_end();
	status = record_finish(o, rec, CLI_EXIT_OK);
	if (err == -ENOTTY)
		return bad_terminal();
	if (err)
		return session_error("interactive view", err);
	return status;
}

/*
 * What the session's panes ask of the sources, as the recording says
 * they were: nothing of this machine is opened or read
 */
static void replay_context(const struct recording *rec, struct collect *ctx)
{
	bool kmod = rec->sources & 1U << SNAPSHOT_SRC_KMOD;

	memset(ctx, 0, sizeof(*ctx));
	ctx->opts.pid = rec->pid;
	ctx->opts.no_perf = true;
	ctx->opts.no_journal = true;
	ctx->src.pagemap_fd = -1;
	ctx->src.pid = rec->pid;
	ctx->src.cap_sys_admin = rec->sources & 1U << SNAPSHOT_SRC_PFN;
	ctx->src.node_query_ok = rec->sources & 1U << SNAPSHOT_SRC_MOVE_PAGES;
	ctx->src.kpage_why = rec->sources & 1U << SNAPSHOT_SRC_KPAGEFLAGS ?
			     SOURCE_USED : SOURCE_NO_PERMISSION;
	ctx->src.kmod_why = kmod ? SOURCE_USED : SOURCE_NOT_LOADED;
	ctx->src.kmod.version.abi = rec->kmod_abi;
}

static int run_tui_replay(struct cli_opts *o, struct recording *rec)
{
	struct tui_opts t = {
		.interval = rec->interval >= CLI_INTERVAL_MIN ? rec->interval : 1,
		.filter = o->filter,
		.have_filter = o->have_filter,
		.filter_text = o->filter_text,
		.stop = &stop,
		.replay = rec,
		.replay_name = o->replay,
	};
	struct tui_region *regions;
	struct collect ctx;
	int err;

	regions = calloc(rec->nr_regions + 1, sizeof(*regions));
	if (!regions)
		return CLI_EXIT_FAILURE;
	for (size_t i = 0; i < rec->nr_regions; i++) {
		regions[i].start = rec->regions[i].start;
		regions[i].end = rec->regions[i].end;
		regions[i].name = rec->regions[i].name;
	}
	t.regions = regions;
	t.nr_regions = rec->nr_regions;
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		free(regions);
		fprintf(stderr, "pagewatch: the interactive replay needs a terminal; use --snapshot or --changes to print a recording\n");
		return CLI_EXIT_USAGE;
	}
	replay_context(rec, &ctx);
	err = tui_run(&ctx, &t);
	tui_end();
	free(regions);
	if (err == -ENOTTY)
		return bad_terminal();
	if (err)
		return session_error("interactive replay", err);
	return CLI_EXIT_OK;
}

static int run_demo(struct cli_opts *o)
{
	struct demo demo;
	int status, err;

	err = demo_start(&demo, stderr);
	if (err) {
		fprintf(stderr, "pagewatch: demo: cannot start the demo process: %s\n",
			strerror(-err));
		return CLI_EXIT_FAILURE;
	}
	o->snap.pid = demo.pid;
	status = o->snapshot ? run(o, &demo) : run_tui(o, &demo);
	demo_stop(&demo);
	return status;
}

/* A point of REC: --at TEXT or --tick TICK, else DEFAULT; -1 or a status */
static int replay_point(const struct recording *rec, const char *opt,
			const char *text, long tick, size_t dflt, size_t *point)
{
	*point = dflt;
	if (text && recording_parse_time(rec, text, point))
		return bad_option(opt, text);
	if (tick >= 0 && (size_t)tick >= rec->nr_ticks) {
		fprintf(stderr, "pagewatch: --tick %ld: the recording holds ticks 0 to %zu\n",
			tick, rec->nr_ticks - 1);
		return CLI_EXIT_USAGE;
	}
	if (tick >= 0)
		*point = (size_t)tick;
	return -1;
}

/* --replay FILE --snapshot: the state at one point, as --snapshot prints it */
static int replay_snapshot(struct cli_opts *o, struct recording *rec)
{
	struct snapshot snap;
	struct outfile of;
	struct output out;
	size_t tick, shown = 0;
	int err, status;

	status = replay_point(rec, "--at (+SECONDS, a time or end)", o->at,
			      o->tick, rec->nr_ticks - 1, &tick);
	if (status >= 0)
		return status;
	err = recording_state(rec, tick, &snap);
	if (!err)
		err = recording_select(&snap, o->snap.range_start,
				       o->snap.range_end, o->snap.vma);
	if (err) {
		fprintf(stderr, "pagewatch: %s: tick %zu: %s\n", o->replay, tick,
			strerror(-err));
		snapshot_free(&snap);
		return CLI_EXIT_FAILURE;
	}
	/* as a live run writes it: -o FILE, a gathering sink flushed */
	status = open_output(o, &out, &of);
	if (status >= 0) {
		snapshot_free(&snap);
		return status;
	}
	err = emit(o, &out, &snap, &shown);
	snapshot_free(&snap);
	if (err && err != -EPIPE) {
		fprintf(stderr, "pagewatch: writing output: %s\n", strerror(-err));
		status = CLI_EXIT_FAILURE;
	} else {
		status = round_end(o, &out, &of, true);
	}
	return close_output(o, &out, &of, status < 0 ? CLI_EXIT_OK : status);
}

/* --replay FILE --changes [--from T1] [--to T2] */
static int replay_changes_between(struct cli_opts *o, struct recording *rec)
{
	size_t from, to;
	int status, err;

	status = replay_point(rec, "--from (+SECONDS, a time or end)", o->from,
			      -1, 0, &from);
	if (status < 0)
		status = replay_point(rec, "--to (+SECONDS, a time or end)",
				      o->to, -1, rec->nr_ticks - 1, &to);
	if (status >= 0)
		return status;
	if (from > to) {
		fprintf(stderr, "pagewatch: --from %s is after --to %s\n",
			o->from, o->to ? o->to : "end");
		return CLI_EXIT_USAGE;
	}
	err = replay_changes(rec, from, to, o->format, stdout);
	if (err && err != -EPIPE) {
		fprintf(stderr, "pagewatch: --changes: %s\n", strerror(-err));
		return CLI_EXIT_FAILURE;
	}
	return CLI_EXIT_OK;
}

static int run_replay(struct cli_opts *o)
{
	struct recording rec;
	int err, status;

	err = recording_load(&rec, o->replay);
	if (!rec.nr_ticks || err == -EPROTONOSUPPORT) {
		if (rec.error_line)
			fprintf(stderr, "pagewatch: %s: line %zu: %s\n", o->replay,
				rec.error_line, rec.error);
		else
			fprintf(stderr, "pagewatch: %s: %s\n", o->replay,
				strerror(-err));
		recording_free(&rec);
		return CLI_EXIT_FAILURE;
	}
	if (rec.error_line)
		fprintf(stderr, "pagewatch: %s: line %zu: %s; the %zu tick%s before it %s replayed\n",
			o->replay, rec.error_line, rec.error, rec.nr_ticks,
			rec.nr_ticks == 1 ? "" : "s",
			rec.nr_ticks == 1 ? "is" : "are");
	if (o->changes)
		status = replay_changes_between(o, &rec);
	else if (o->snapshot)
		status = replay_snapshot(o, &rec);
	else
		status = run_tui_replay(o, &rec);
	if (status == CLI_EXIT_OK && fflush(stdout) && errno != EPIPE) {
		fprintf(stderr, "pagewatch: writing output: %s\n", strerror(errno));
		status = CLI_EXIT_FAILURE;
	}
	if (status == CLI_EXIT_OK && rec.error_line)
		status = CLI_EXIT_DAMAGED;
	recording_free(&rec);
	return status;
}

int cli_main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct cli_opts o;
	int status;

	status = parse_options(argc, argv, &o);
	if (status < 0) {
		sigemptyset(&sa.sa_mask);
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
		sigaction(SIGHUP, &sa, NULL);
		/* a closed pipe is EPIPE from write(): the demo is cleaned up */
		signal(SIGPIPE, SIG_IGN);
		if (o.events)
			status = run_events(&o);
		else if (o.replay)
			status = run_replay(&o);
		else if (o.demo)
			status = run_demo(&o);
		else
			status = o.snapshot ? run(&o, NULL) : run_tui(&o, NULL);
	}
	free(o.comms);
	return status;
}
