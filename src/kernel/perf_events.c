// SPDX-License-Identifier: GPL-2.0
/* Per-target event counts: perf events through libpfm4, /proc as fallback. */
#include "config.h"

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <perfmon/pfmlib_perf_event.h>

#include "kernel/perf_events.h"
#include "kernel/textfile.h"

static const char *const rate_names[PERF_RATE_NR] = {
	[PERF_RATE_FAULTS] = "faults",
	[PERF_RATE_HINT_FAULTS] = "hint faults",
	[PERF_RATE_MIGRATIONS] = "migrations",
	[PERF_RATE_NUMA_MOVES] = "numa moves",
};

static const char *const source_names[PERF_SRC_NR] = {
	[PERF_SRC_NONE] = "n/a",
	[PERF_SRC_PERF] = "perf",
	[PERF_SRC_TRACEPOINT] = "tracepoint",
	[PERF_SRC_PROC_STAT] = "stat",
	[PERF_SRC_PROC_SCHED] = "sched",
	[PERF_SRC_VMSTAT] = "vmstat:system",
};

/*
 * The perf event behind each count: a software event or a tracepoint
 * (subsystem:event, as libpfm4 and tracefs name it). Hinting faults have no
 * per-task event: they come from /proc/vmstat only.
 */
static const struct {
	const char *event;
	bool tracepoint;
} perf_table[PERF_RATE_NR] = {
	[PERF_RATE_FAULTS] = { "perf::PERF_COUNT_SW_PAGE_FAULTS", false },
	[PERF_RATE_HINT_FAULTS] = { NULL, false },
	[PERF_RATE_MIGRATIONS] = { "migrate:mm_migrate_pages", true },
	[PERF_RATE_NUMA_MOVES] = { "sched:sched_move_numa", true },
};

const char *perf_events_rate_name(unsigned int rate)
{
	return rate < PERF_RATE_NR ? rate_names[rate] : NULL;
}

const char *perf_events_source_name(unsigned int source)
{
	return source < PERF_SRC_NR ? source_names[source] : NULL;
}

bool perf_events_parse_value(const char *text, const char *name, uint64_t *value)
{
	size_t len = strlen(name);
	const char *p = text;

	while ((p = strstr(p, name))) {
		bool at_line = p == text || p[-1] == '\n';
		const char *v = p + len;

		p += len;
		if (!at_line || (*v != ' ' && *v != '\t' && *v != ':'))
			continue;
		while (*v == ' ' || *v == '\t' || *v == ':')
			v++;
		return sscanf(v, "%" SCNu64, value) == 1;
	}
	return false;
}

/* Tracepoint id from tracefs, for a libpfm4 that does not list tracepoints. */
static int tracefs_id(const char *event, uint64_t *id)
{
	static const char *const roots[] = {
		"/sys/kernel/tracing", "/sys/kernel/debug/tracing",
	};
	char path[256], sub[64];
	const char *colon = strchr(event, ':');
	FILE *f;

	if (!colon || (size_t)(colon - event) >= sizeof(sub))
		return -EINVAL;
	memcpy(sub, event, (size_t)(colon - event));
	sub[colon - event] = '\0';
	for (size_t i = 0; i < sizeof(roots) / sizeof(roots[0]); i++) {
		snprintf(path, sizeof(path), "%s/events/%s/%s/id", roots[i], sub,
			 colon + 1);
		f = fopen(path, "re");
		if (!f)
			continue;
		if (fscanf(f, "%" SCNu64, id) != 1)
			*id = UINT64_MAX;
		fclose(f);
		if (*id != UINT64_MAX)
			return 0;
	}
	return -ENOENT;
}

/*
 * libpfm4 is opened when the first counter is encoded, not linked: its
 * event tables carry about 41,000 relocations (libpfm4 4.13), which the
 * dynamic loader would apply at every start of pagewatch, a snapshot's
 * included, and that was most of a small snapshot's time. Without the
 * library the tracepoints are still found in tracefs.
 */
static struct {
	bool tried;
	__typeof__(pfm_initialize) *initialize;
	__typeof__(pfm_get_os_event_encoding) *get_os_event_encoding;
} pfm;

static bool pfm_load(void)
{
	void *lib;

	if (pfm.tried)
		return pfm.get_os_event_encoding;
	pfm.tried = true;
	lib = dlopen(PFM_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (!lib)
		return false;
	pfm.initialize = (__typeof__(pfm.initialize))dlsym(lib, "pfm_initialize");
	pfm.get_os_event_encoding = (__typeof__(pfm.get_os_event_encoding))
		dlsym(lib, "pfm_get_os_event_encoding");
	if (!pfm.initialize || !pfm.get_os_event_encoding ||
	    pfm.initialize() != PFM_SUCCESS) {
		pfm.get_os_event_encoding = NULL;
		return false;
	}
	return true;
}

static int encode(unsigned int rate, struct perf_event_attr *attr)
{
	pfm_perf_encode_arg_t arg;
	int plm = perf_table[rate].tracepoint ? PFM_PLM0 | PFM_PLM3 : PFM_PLM3;
	uint64_t id;

	memset(attr, 0, sizeof(*attr));
	memset(&arg, 0, sizeof(arg));
	arg.attr = attr;
	arg.size = sizeof(arg);
	if (pfm_load() &&
	    pfm.get_os_event_encoding(perf_table[rate].event, plm,
				      PFM_OS_PERF_EVENT, &arg) == PFM_SUCCESS)
		return 0;
	if (!perf_table[rate].tracepoint)
		return -ENOENT;
	/* libpfm4 lists tracepoints only from a debugfs it found mounted */
	if (tracefs_id(perf_table[rate].event, &id))
		return -ENOENT;
	memset(attr, 0, sizeof(*attr));
	attr->type = PERF_TYPE_TRACEPOINT;
	attr->config = id;
	return 0;
}

static long perf_open(struct perf_event_attr *attr, pid_t tid)
{
	return syscall(SYS_perf_event_open, attr, tid, -1, -1,
		       PERF_FLAG_FD_CLOEXEC);
}

/* One counter per existing thread; inherit covers threads made later. */
static int open_threads(struct perf_events *pe, unsigned int rate,
			struct perf_event_attr *attr)
{
	char path[64];
	struct dirent *d;
	DIR *dir;
	int err = 0;

	pe->fds[rate] = calloc(PERF_EVENTS_MAX_THREADS, sizeof(int));
	if (!pe->fds[rate])
		return -ENOMEM;
	snprintf(path, sizeof(path), "%s/%d/task", pe->proc_root, (int)pe->pid);
	dir = opendir(path);
	if (!dir)
		return -errno;
	while ((d = readdir(dir)) && pe->nr_fds[rate] < PERF_EVENTS_MAX_THREADS) {
		long fd, tid = strtol(d->d_name, NULL, 10);

		if (tid <= 0)
			continue;
		fd = perf_open(attr, (pid_t)tid);
		if (fd < 0) {
			err = -errno;
			continue;
		}
		pe->fds[rate][pe->nr_fds[rate]++] = (int)fd;
	}
	closedir(dir);
	return pe->nr_fds[rate] ? 0 : (err ? err : -ESRCH);
}

static unsigned int fallback_source(unsigned int rate)
{
	switch (rate) {
	case PERF_RATE_FAULTS:
		return PERF_SRC_PROC_STAT;
	case PERF_RATE_HINT_FAULTS:
		return PERF_SRC_VMSTAT;
	case PERF_RATE_MIGRATIONS:
		return PERF_SRC_PROC_SCHED;
	default:
		return PERF_SRC_NONE;
	}
}

int perf_events_open(struct perf_events *pe, pid_t pid, bool use_perf)
{
	struct perf_event_attr attr;

	memset(pe, 0, sizeof(*pe));
	pe->pid = pid;
	pe->proc_root = "/proc";
	for (unsigned int r = 0; r < PERF_RATE_NR; r++) {
		pe->source[r] = fallback_source(r);
		if (!perf_table[r].event) {
			pe->err[r] = -ENOENT;
			continue;
		}
		if (!use_perf) {
			pe->err[r] = -ECANCELED;
			continue;
		}
		pe->err[r] = encode(r, &attr);
		if (pe->err[r])
			continue;
		attr.size = sizeof(attr);
		attr.inherit = 1;
		pe->err[r] = open_threads(pe, r, &attr);
		if (pe->err[r] == -ENOMEM)
			return -ENOMEM;
		if (!pe->err[r])
			pe->source[r] = perf_table[r].tracepoint ?
					PERF_SRC_TRACEPOINT : PERF_SRC_PERF;
	}
	return 0;
}

void perf_events_close(struct perf_events *pe)
{
	for (unsigned int r = 0; r < PERF_RATE_NR; r++) {
		for (size_t i = 0; i < pe->nr_fds[r]; i++)
			close(pe->fds[r][i]);
		free(pe->fds[r]);
		pe->fds[r] = NULL;
		pe->nr_fds[r] = 0;
	}
}

static bool read_perf(const struct perf_events *pe, unsigned int rate,
		      uint64_t *value)
{
	uint64_t sum = 0, v;

	for (size_t i = 0; i < pe->nr_fds[rate]; i++) {
		if (read(pe->fds[rate][i], &v, sizeof(v)) != sizeof(v))
			return false;
		sum += v;
	}
	*value = sum;
	return true;
}

/* minflt (10th field) + majflt (12th), after the command's last ')' */
static bool read_stat_faults(const struct perf_events *pe, uint64_t *value)
{
	char path[64], buf[1024], *p;
	unsigned long long minflt, majflt;

	snprintf(path, sizeof(path), "%s/%d/stat", pe->proc_root, (int)pe->pid);
	if (textfile_read(path, buf, sizeof(buf)))
		return false;
	p = strrchr(buf, ')');
	if (!p || sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %*u %llu %*u %llu",
			 &minflt, &majflt) != 2)
		return false;
	*value = minflt + majflt;
	return true;
}

/* numa_pages_migrated of every thread (SCHED_DEBUG kernels) */
static bool read_sched_migrated(const struct perf_events *pe, uint64_t *value)
{
	char path[300], buf[4096];
	struct dirent *d;
	uint64_t sum = 0, v;
	bool found = false;
	DIR *dir;

	snprintf(path, sizeof(path), "%s/%d/task", pe->proc_root, (int)pe->pid);
	dir = opendir(path);
	if (!dir)
		return false;
	while ((d = readdir(dir))) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%d/task/%s/sched", pe->proc_root,
			 (int)pe->pid, d->d_name);
		if (textfile_read(path, buf, sizeof(buf)) ||
		    !perf_events_parse_value(buf, "numa_pages_migrated", &v))
			continue;
		sum += v;
		found = true;
	}
	closedir(dir);
	*value = sum;
	return found;
}

static bool read_vmstat(const struct perf_events *pe, const char *name,
			uint64_t *value)
{
	char path[64], buf[16384];

	snprintf(path, sizeof(path), "%s/vmstat", pe->proc_root);
	return !textfile_read(path, buf, sizeof(buf)) &&
	       perf_events_parse_value(buf, name, value);
}

void perf_events_read(struct perf_events *pe, struct perf_sample *s)
{
	clock_gettime(CLOCK_MONOTONIC, &s->time);
	for (unsigned int r = 0; r < PERF_RATE_NR; r++) {
		unsigned int src = pe->source[r];
		bool ok = false;

		switch (src) {
		case PERF_SRC_PERF:
		case PERF_SRC_TRACEPOINT:
			ok = read_perf(pe, r, &s->value[r]);
			break;
		case PERF_SRC_PROC_STAT:
			ok = read_stat_faults(pe, &s->value[r]);
			break;
		case PERF_SRC_PROC_SCHED:
			ok = read_sched_migrated(pe, &s->value[r]);
			if (!ok) {
				/* no SCHED_DEBUG: the system's count */
				pe->source[r] = src = PERF_SRC_VMSTAT;
				ok = read_vmstat(pe, "numa_pages_migrated",
						 &s->value[r]);
			}
			break;
		case PERF_SRC_VMSTAT:
			ok = read_vmstat(pe, r == PERF_RATE_HINT_FAULTS ?
					 "numa_hint_faults" : "numa_pages_migrated",
					 &s->value[r]);
			break;
		}
		s->source[r] = ok ? src : PERF_SRC_NONE;
	}
}

bool perf_events_rate(const struct perf_sample *old, const struct perf_sample *new,
		      unsigned int rate, double *per_sec)
{
	double dt = (double)(new->time.tv_sec - old->time.tv_sec) +
		    (double)(new->time.tv_nsec - old->time.tv_nsec) / 1e9;

	if (rate >= PERF_RATE_NR || new->source[rate] == PERF_SRC_NONE ||
	    new->source[rate] != old->source[rate] || dt <= 0 ||
	    new->value[rate] < old->value[rate])
		return false;
	*per_sec = (double)(new->value[rate] - old->value[rate]) / dt;
	return true;
}
