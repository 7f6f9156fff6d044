// SPDX-License-Identifier: GPL-2.0
/*
 * pw-target: the benchmark's targets and its two small measuring tools.
 *
 *   pw-target LAYOUT MIB     map and touch memory, print "START END" (hex,
 *                            the touched range) and sleep until killed.
 *     dense    MIB of 4 KiB anonymous pages, every page touched
 *     sparse   MIB mapped, one page in 16 touched
 *     thp      MIB of 2 MiB-aligned MADV_HUGEPAGE memory, touched
 *     plain    MIB mapped and touched, nothing else (the reserve's baseline)
 *     reserve  a 1 TiB PROT_NONE reservation whose first MIB is made
 *              writable and touched
 *     churn    as dense, then every second 1/6000 of its pages (1 % a
 *              minute, round the buffer) freed and touched again: new
 *              PFNs (the recording size's target, bench/record-size.sh)
 *   pw-target pagemap PID START END
 *                            read /proc/PID/pagemap over [START, END) in
 *                            1 MiB preads: the cost of pagemap alone
 *   pw-target floor PID START END
 *                            the /proc floor of pagewatch's path without
 *                            the module: pagemap over [START, END) in
 *                            1 MiB preads and, for the PFNs of the present
 *                            pages of each, sorted (radix), kpageflags and
 *                            kpagecount in windows of up to 4096 PFNs
 *                            (gaps of up to 64 read through), one thread,
 *                            nothing decoded
 *   pw-target kmod PID START END
 *                            the same through the module's pages file
 *                            ($PAGEWATCH_KMOD_DIR, default
 *                            /sys/kernel/debug/pagewatch), 128 KiB preads
 *   pw-target noop           nothing: the start-up floor, what starting
 *                            any program linked against the C library
 *                            alone costs (the dynamic loader, libc)
 *   pw-target time RUNS CMD [ARG...]
 *                            run CMD RUNS times, stdout to /dev/null;
 *                            print "WALL_MS CPU_MS MAXRSS_KIB": the median
 *                            wall and CPU (user + system) times and the
 *                            largest peak RSS (VmHWM, from wait4)
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <pagewatch/abi.h>

#define MIB		(1ULL << 20)
#define TIB		(1ULL << 40)
#define THP_SIZE	(2 * MIB)
#define READ_CHUNK	MIB
#define KMOD_CHUNK	(4096 * PAGEWATCH_RECORD_SIZE)
#define KPAGE_WINDOW	4096	/* PFNs per pread of kpageflags/kpagecount */
#define KPAGE_GAP	64

static void *map_anon(size_t len, int prot)
{
	void *p = mmap(NULL, len, prot, MAP_PRIVATE | MAP_ANONYMOUS |
		       MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED) {
		fprintf(stderr, "pw-target: mmap %zu bytes: %s\n", len,
			strerror(errno));
		exit(1);
	}
	return p;
}

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE	23	/* 5.14+ */
#endif

static void touch(char *p, size_t len, size_t step)
{
	/*
	 * Every page: one call faults them all in (a 16 GiB target took
	 * minutes a page fault at a time on the loaded host); before 5.14,
	 * or where it fails, a write per page.
	 */
	if (step == 4096 && !madvise(p, len, MADV_POPULATE_WRITE))
		return;
	for (size_t off = 0; off < len; off += step)
		p[off] = 1;
}

static int target(const char *layout, size_t mib)
{
	size_t len = mib * MIB;
	char *p;

	if (!strcmp(layout, "dense") || !strcmp(layout, "plain") ||
	    !strcmp(layout, "sparse")) {
		p = map_anon(len, PROT_READ | PROT_WRITE);
		/* 4 KiB pages: the page count is what the figures divide by */
		madvise(p, len, MADV_NOHUGEPAGE);
		touch(p, len, strcmp(layout, "sparse") ? 4096 : 16 * 4096);
	} else if (!strcmp(layout, "thp")) {
		char *raw = map_anon(len + THP_SIZE, PROT_READ | PROT_WRITE);

		p = (char *)(((uintptr_t)raw + THP_SIZE - 1) & ~(THP_SIZE - 1));
		madvise(p, len, MADV_HUGEPAGE);
		touch(p, len, 4096);
	} else if (!strcmp(layout, "reserve")) {
		/* MAP_NORESERVE: a PROT_NONE reservation costs no commit */
		p = map_anon(TIB, PROT_NONE);
		if (mprotect(p, len, PROT_READ | PROT_WRITE)) {
			perror("pw-target: mprotect");
			return 1;
		}
		madvise(p, len, MADV_NOHUGEPAGE);
		touch(p, len, 4096);
	} else {
		fprintf(stderr, "pw-target: unknown layout '%s'\n", layout);
		return 2;
	}
	printf("%" PRIxPTR " %" PRIxPTR "\n", (uintptr_t)p, (uintptr_t)p + len);
	fflush(stdout);
	for (;;)
		pause();
}

/* dense, and 1 % of its pages replaced a minute, a slice a second */
static int churn(size_t mib)
{
	size_t len = mib * MIB, pages = len / 4096, step = pages / 6000, at = 0;
	char *p = map_anon(len, PROT_READ | PROT_WRITE);

	madvise(p, len, MADV_NOHUGEPAGE);
	touch(p, len, 4096);
	printf("%" PRIxPTR " %" PRIxPTR "\n", (uintptr_t)p, (uintptr_t)p + len);
	fflush(stdout);
	if (!step)
		step = 1;
	for (;;) {
		sleep(1);
		if (at + step > pages)
			at = 0;
		madvise(p + at * 4096, step * 4096, MADV_DONTNEED);
		touch(p + at * 4096, step * 4096, 4096);
		at += step;
	}
	return 0;
}

static int read_pagemap(const char *pid, uint64_t start, uint64_t end)
{
	static uint64_t buf[READ_CHUNK / sizeof(uint64_t)];
	char path[64];
	uint64_t off = start / 4096 * 8, stop = end / 4096 * 8, sum = 0;
	int fd;

	snprintf(path, sizeof(path), "/proc/%s/pagemap", pid);
	fd = open(path, O_RDONLY);
	if (fd < 0) {
		fprintf(stderr, "pw-target: %s: %s\n", path, strerror(errno));
		return 1;
	}
	while (off < stop) {
		size_t want = stop - off < READ_CHUNK ? stop - off : READ_CHUNK;
		ssize_t got = pread(fd, buf, want, (off_t)off);

		if (got <= 0) {
			fprintf(stderr, "pw-target: %s: short read\n", path);
			close(fd);
			return 1;
		}
		for (size_t i = 0; i < (size_t)got / 8; i++)
			sum += buf[i] >> 63;
		off += (uint64_t)got;
	}
	close(fd);
	printf("%" PRIu64 " present\n", sum);
	return 0;
}

/* V sorted: V or TMP, whichever holds the last pass */
static uint64_t *radix_sort(uint64_t *v, uint64_t *tmp, size_t nr)
{
	uint64_t hi = 0;

	for (size_t i = 0; i < nr; i++)
		hi = v[i] > hi ? v[i] : hi;
	for (unsigned int at = 0; at < 64 && hi >> at; at += 8) {
		size_t count[257] = { 0 };
		uint64_t *swap;

		for (size_t i = 0; i < nr; i++)
			count[((v[i] >> at) & 0xff) + 1]++;
		for (int d = 1; d < 257; d++)
			count[d] += count[d - 1];
		for (size_t i = 0; i < nr; i++)
			tmp[count[(v[i] >> at) & 0xff]++] = v[i];
		swap = v;
		v = tmp;
		tmp = swap;
	}
	return v;
}

/* kpageflags and kpagecount of the sorted PFNS, a window at a time */
static int read_kpage(int flags_fd, int count_fd, const uint64_t *pfns,
		      size_t nr, uint64_t *sum)
{
	static uint64_t flags[KPAGE_WINDOW], counts[KPAGE_WINDOW];

	for (size_t i = 0, j; i < nr; i = j) {
		uint64_t lo = pfns[i];
		size_t len;

		for (j = i + 1; j < nr && pfns[j] - lo < KPAGE_WINDOW &&
		     pfns[j] - pfns[j - 1] <= KPAGE_GAP; j++)
			;
		len = (size_t)(pfns[j - 1] - lo + 1) * 8;
		if (pread(flags_fd, flags, len, (off_t)(lo * 8)) != (ssize_t)len ||
		    pread(count_fd, counts, len, (off_t)(lo * 8)) != (ssize_t)len) {
			fprintf(stderr, "pw-target: kpageflags/kpagecount: short read\n");
			return 1;
		}
		*sum += flags[0] + counts[0];
	}
	return 0;
}

static int read_floor(const char *pid, uint64_t start, uint64_t end)
{
	static uint64_t buf[READ_CHUNK / sizeof(uint64_t)];
	static uint64_t pfns[READ_CHUNK / sizeof(uint64_t)];
	static uint64_t tmp[READ_CHUNK / sizeof(uint64_t)];
	char path[64];
	uint64_t off = start / 4096 * 8, stop = end / 4096 * 8, present = 0;
	uint64_t sum = 0;
	int fd, flags_fd, count_fd, err = 1;

	snprintf(path, sizeof(path), "/proc/%s/pagemap", pid);
	fd = open(path, O_RDONLY);
	flags_fd = open("/proc/kpageflags", O_RDONLY);
	count_fd = open("/proc/kpagecount", O_RDONLY);
	if (fd < 0 || flags_fd < 0 || count_fd < 0) {
		fprintf(stderr, "pw-target: %s, /proc/kpageflags, /proc/kpagecount: %s\n",
			path, strerror(errno));
		goto out;
	}
	while (off < stop) {
		size_t want = stop - off < READ_CHUNK ? stop - off : READ_CHUNK;
		ssize_t got = pread(fd, buf, want, (off_t)off);
		size_t nr = 0;

		if (got <= 0) {
			fprintf(stderr, "pw-target: %s: short read\n", path);
			goto out;
		}
		/* bit 63 present, bits 0-54 the PFN (CAP_SYS_ADMIN) */
		for (size_t i = 0; i < (size_t)got / 8; i++)
			if (buf[i] >> 63)
				pfns[nr++] = buf[i] & ((1ULL << 55) - 1);
		present += nr;
		if (read_kpage(flags_fd, count_fd, radix_sort(pfns, tmp, nr),
			       nr, &sum))
			goto out;
		off += (uint64_t)got;
	}
	printf("%" PRIu64 " present (%" PRIu64 ")\n", present, sum);
	err = 0;
out:
	if (fd >= 0)
		close(fd);
	if (flags_fd >= 0)
		close(flags_fd);
	if (count_fd >= 0)
		close(count_fd);
	return err;
}

static int read_kmod(const char *pid, uint64_t start, uint64_t end)
{
	static uint8_t buf[KMOD_CHUNK];
	const char *dir = getenv("PAGEWATCH_KMOD_DIR");
	uint64_t off = start / 4096 * PAGEWATCH_RECORD_SIZE;
	uint64_t stop = end / 4096 * PAGEWATCH_RECORD_SIZE, sum = 0;
	char path[300];
	int fd;

	snprintf(path, sizeof(path), "%s/pages",
		 dir ? dir : "/sys/kernel/debug/" PAGEWATCH_DEBUGFS_DIR);
	fd = open(path, O_RDWR);
	if (fd < 0 || write(fd, pid, strlen(pid)) != (ssize_t)strlen(pid)) {
		fprintf(stderr, "pw-target: %s: %s\n", path, strerror(errno));
		return 1;
	}
	while (off < stop) {
		size_t want = stop - off < KMOD_CHUNK ? stop - off : KMOD_CHUNK;
		ssize_t got = pread(fd, buf, want, (off_t)off);

		if (got <= 0) {
			fprintf(stderr, "pw-target: %s: short read\n", path);
			close(fd);
			return 1;
		}
		for (size_t i = 0; i < (size_t)got; i += PAGEWATCH_RECORD_SIZE)
			sum += buf[i + 8] & 1;	/* flags bit 0: present */
		off += (uint64_t)got;
	}
	close(fd);
	printf("%" PRIu64 " present\n", sum);
	return 0;
}

static double ms(const struct timeval *tv)
{
	return (double)tv->tv_sec * 1e3 + (double)tv->tv_usec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static int time_runs(int runs, char **argv)
{
	double *wall = calloc((size_t)runs, sizeof(double));
	double *cpu = calloc((size_t)runs, sizeof(double));
	long maxrss = 0;

	if (!wall || !cpu)
		return 1;
	for (int r = 0; r < runs; r++) {
		struct timespec t0, t1;
		struct rusage ru;
		int status;
		pid_t pid;

		clock_gettime(CLOCK_MONOTONIC, &t0);
		pid = fork();
		if (pid < 0)
			return 1;
		if (!pid) {
			int null = open("/dev/null", O_WRONLY);

			dup2(null, 1);
			dup2(null, 2);
			execvp(argv[0], argv);
			_exit(127);
		}
		if (wait4(pid, &status, 0, &ru) < 0)
			return 1;
		clock_gettime(CLOCK_MONOTONIC, &t1);
		if (!WIFEXITED(status) || WEXITSTATUS(status)) {
			fprintf(stderr, "pw-target: %s failed (status %d)\n",
				argv[0], status);
			return 1;
		}
		wall[r] = (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
			  (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
		cpu[r] = ms(&ru.ru_utime) + ms(&ru.ru_stime);
		if (ru.ru_maxrss > maxrss)
			maxrss = ru.ru_maxrss;
	}
	qsort(wall, (size_t)runs, sizeof(double), cmp_double);
	qsort(cpu, (size_t)runs, sizeof(double), cmp_double);
	printf("%.2f %.2f %ld\n", wall[runs / 2], cpu[runs / 2], maxrss);
	free(wall);
	free(cpu);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "noop"))
		return 0;
	if (argc == 3 && !strcmp(argv[1], "churn"))
		return churn(strtoull(argv[2], NULL, 0));
	if (argc == 3 && strcmp(argv[1], "time"))
		return target(argv[1], strtoull(argv[2], NULL, 0));
	if (argc == 5 && !strcmp(argv[1], "pagemap"))
		return read_pagemap(argv[2], strtoull(argv[3], NULL, 16),
				    strtoull(argv[4], NULL, 16));
	if (argc == 5 && !strcmp(argv[1], "floor"))
		return read_floor(argv[2], strtoull(argv[3], NULL, 16),
				  strtoull(argv[4], NULL, 16));
	if (argc == 5 && !strcmp(argv[1], "kmod"))
		return read_kmod(argv[2], strtoull(argv[3], NULL, 16),
				 strtoull(argv[4], NULL, 16));
	if (argc >= 4 && !strcmp(argv[1], "time") && atoi(argv[2]) > 0)
		return time_runs(atoi(argv[2]), argv + 3);
	fprintf(stderr, "usage: pw-target dense|sparse|thp|plain|reserve|churn MIB\n"
		"       pw-target noop\n"
		"       pw-target pagemap|floor|kmod PID START END\n"
		"       pw-target time RUNS CMD [ARG...]\n");
	return 2;
}
