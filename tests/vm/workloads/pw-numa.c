// SPDX-License-Identifier: GPL-2.0
/*
 * pw-numa PAGES [pin|softdirty]: a two-threaded target for NUMA balancing.
 * Lays out,
 * all of 4 KiB pages (MADV_NOHUGEPAGE) and all written once:
 *   hot, cold  one private read-write VMA of 2 * PAGES pages; a second
 *              thread keeps writing the first half (hot) and never touches
 *              the second (cold)
 *   readonly   PAGES private pages, then mprotect(PROT_READ)
 *   shared     PAGES MAP_SHARED|MAP_ANONYMOUS read-write pages
 *   none       PAGES private pages, then mprotect(PROT_NONE)
 *   pinned     with "pin" only: PAGES private read-write pages registered
 *              as io_uring fixed buffers (FOLL_LONGTERM pins); the scanner
 *              skips maybe-pinned PTE-mapped pages, so they stay accessible
 *   sdshared, sdmemfd  with "softdirty" only: PAGES MAP_SHARED|MAP_ANONYMOUS
 *              and PAGES memfd pages (shmem, no page_mkwrite), each given
 *              the policy MPOL_BIND|MPOL_F_NUMA_BALANCING over nodes 0-1
 *              (so that 6.1's scanner does not skip them), written, then
 *              "4" goes to /proc/self/clear_refs (soft-dirty tracking arms
 *              write-notify) and they are written again; the whole task
 *              runs on CPU 0, so that no hint fault migrates a page
 * prints "region NAME START END" (hex, END exclusive) for each, then
 * "ready", and runs until SIGTERM. On SIGUSR1 the main thread reads one
 * byte of every page of cold, readonly and shared and prints "faults NAME
 * N": the page faults that took (its own minflt), i.e. the pages whose PTE
 * was not accessible: NUMA hinting faults, since all are populated. With
 * "softdirty" it reads sdshared and sdmemfd instead and, after each read
 * pass, writes one byte of every page and prints "writefaults NAME N": the
 * pages the hint fault left read-only.
 *
 * Two threads because the scanner leaves a single-threaded task's pages
 * alone when they are on the node it runs on; the toucher keeps the task on
 * a CPU, where task_numa_work() runs.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <liburing.h>
#include <numaif.h>
#include <sched.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#define PAGE_SZ		4096UL

static char *hot;
static unsigned long pages;

static void die(const char *what)
{
	fprintf(stderr, "pw-numa: %s: %s\n", what, strerror(errno));
	exit(1);
}

static char *map_written(unsigned long n, int flags)
{
	char *p = mmap(NULL, n * PAGE_SZ, PROT_READ | PROT_WRITE,
		       flags | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		die("mmap");
	/* EINVAL: a kernel without THP (Debian's PREEMPT_RT build) */
	if (madvise(p, n * PAGE_SZ, MADV_NOHUGEPAGE) && errno != EINVAL)
		die("madvise(MADV_NOHUGEPAGE)");
	for (unsigned long i = 0; i < n; i++)
		p[i * PAGE_SZ] = 1;
	return p;
}

#ifndef MPOL_F_NUMA_BALANCING
#define MPOL_F_NUMA_BALANCING	(1 << 13)
#endif

/* PAGES shared pages of a memfd (a shmem file without page_mkwrite) */
static char *map_memfd(unsigned long n)
{
	int fd = memfd_create("pw-numa", 0);
	char *p;

	if (fd < 0)
		die("memfd_create");
	if (ftruncate(fd, n * PAGE_SZ))
		die("ftruncate memfd");
	p = mmap(NULL, n * PAGE_SZ, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		die("mmap memfd");
	close(fd);
	return p;
}

/* MOF policy: task_numa_work() scans a shmem VMA only with one (6.1) */
static void numa_balanced(char *p, unsigned long n)
{
	unsigned long nodes = 3;

	if (madvise(p, n * PAGE_SZ, MADV_NOHUGEPAGE) && errno != EINVAL)
		die("madvise(MADV_NOHUGEPAGE)");
	if (mbind(p, n * PAGE_SZ, MPOL_BIND | MPOL_F_NUMA_BALANCING, &nodes,
		  sizeof(nodes) * 8, 0))
		die("mbind(MPOL_BIND|MPOL_F_NUMA_BALANCING)");
}

static void write_all(char *p, unsigned long n)
{
	for (unsigned long i = 0; i < n; i++)
		((volatile char *)p)[i * PAGE_SZ]++;
}

static void clear_soft_dirty(void)
{
	int fd = open("/proc/self/clear_refs", O_WRONLY);

	if (fd < 0 || write(fd, "4", 1) != 1)
		die("clear_refs 4");
	close(fd);
}

static void run_on_cpu0(void)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(0, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		die("sched_setaffinity(CPU 0)");
}

static void region(const char *name, char *p, unsigned long n)
{
	printf("region %s %lx %lx\n", name, (unsigned long)p,
	       (unsigned long)p + n * PAGE_SZ);
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void *toucher(void *arg)
{
	struct timespec pause_ts = { 0, 5 * 1000000L };

	/* busy 20 ms, idle 5 ms: on a CPU at most ticks, yet leaves room */
	for (;;) {
		long until = now_ms() + 20;

		while (now_ms() < until)
			for (unsigned long i = 0; i < pages; i++)
				((volatile char *)hot)[i * PAGE_SZ]++;
		nanosleep(&pause_ts, NULL);
	}
	return NULL;
}

/* minor faults of the calling thread so far (field 10 of its stat) */
static unsigned long thread_minflt(int fd)
{
	char buf[1024], *p;
	unsigned long minflt = 0;
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);

	if (n <= 0)
		die("pread /proc/thread-self/stat");
	buf[n] = 0;
	/* fields after the name, which ends at the last ')': 3 is the state */
	p = strrchr(buf, ')');
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %lu", &minflt) != 1)
		die("parse /proc/thread-self/stat");
	return minflt;
}

static void probe(int fd, const char *name, char *p)
{
	unsigned long before, after;
	volatile char sink = 0;

	thread_minflt(fd);	/* fault in what reading stat itself needs */
	before = thread_minflt(fd);
	for (unsigned long i = 0; i < pages; i++)
		sink += p[i * PAGE_SZ];
	after = thread_minflt(fd);
	printf("faults %s %lu\n", name, after - before);
	fflush(stdout);
}

static void write_probe(int fd, const char *name, char *p)
{
	unsigned long before, after;

	thread_minflt(fd);
	before = thread_minflt(fd);
	write_all(p, pages);
	after = thread_minflt(fd);
	printf("writefaults %s %lu\n", name, after - before);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	char *buf, *ro, *shared, *none, *pinned = NULL, dummy[PAGE_SZ];
	char *sdshared = NULL, *sdmemfd = NULL;
	bool softdirty = argc == 3 && !strcmp(argv[2], "softdirty");
	struct io_uring ring;
	pthread_t th;
	sigset_t set;
	int sig, stat_fd;

	if (argc < 2 || argc > 3 ||
	    (argc == 3 && strcmp(argv[2], "pin") && !softdirty)) {
		fprintf(stderr, "usage: pw-numa PAGES [pin|softdirty]\n");
		return 2;
	}
	pages = strtoul(argv[1], NULL, 0);
	if (softdirty)
		run_on_cpu0();
	buf = map_written(2 * pages, MAP_PRIVATE);
	hot = buf;
	ro = map_written(pages, MAP_PRIVATE);
	if (mprotect(ro, pages * PAGE_SZ, PROT_READ))
		die("mprotect(PROT_READ)");
	shared = map_written(pages, MAP_SHARED);
	none = map_written(pages, MAP_PRIVATE);
	if (mprotect(none, pages * PAGE_SZ, PROT_NONE))
		die("mprotect(PROT_NONE)");
	if (softdirty) {
		sdshared = mmap(NULL, pages * PAGE_SZ, PROT_READ | PROT_WRITE,
				MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		if (sdshared == MAP_FAILED)
			die("mmap shared");
		sdmemfd = map_memfd(pages);
		numa_balanced(sdshared, pages);
		numa_balanced(sdmemfd, pages);
		write_all(sdshared, pages);
		write_all(sdmemfd, pages);
		clear_soft_dirty();
		write_all(sdshared, pages);
		write_all(sdmemfd, pages);
	} else if (argc == 3) {
		struct iovec iov = { .iov_len = pages * PAGE_SZ };
		int ret;

		pinned = map_written(pages, MAP_PRIVATE);
		iov.iov_base = pinned;
		ret = io_uring_queue_init(4, &ring, 0);
		if (!ret)
			ret = io_uring_register_buffers(&ring, &iov, 1);
		if (ret) {
			errno = -ret;
			die("io_uring fixed buffers");
		}
	}
	/*
	 * mlock() drains every CPU's LRU-add batch (lru_add_drain_all): on
	 * 6.1 a page still held by a batch has refcount 2, and the scanner
	 * skips private pages whose refcount is not 1.
	 */
	memset(dummy, 0, sizeof(dummy));
	if (mlock(dummy, sizeof(dummy)) == 0)
		munlock(dummy, sizeof(dummy));

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	if (pthread_create(&th, NULL, toucher, NULL))
		die("pthread_create");

	region("hot", buf, pages);
	region("cold", buf + pages * PAGE_SZ, pages);
	region("readonly", ro, pages);
	region("shared", shared, pages);
	region("none", none, pages);
	if (pinned)
		region("pinned", pinned, pages);
	if (softdirty) {
		region("sdshared", sdshared, pages);
		region("sdmemfd", sdmemfd, pages);
	}
	printf("ready\n");
	fflush(stdout);
	stat_fd = open("/proc/thread-self/stat", O_RDONLY);
	if (stat_fd < 0)
		die("/proc/thread-self/stat");
	while (softdirty && !sigwait(&set, &sig) && sig == SIGUSR1) {
		probe(stat_fd, "sdshared", sdshared);
		write_probe(stat_fd, "sdshared", sdshared);
		probe(stat_fd, "sdmemfd", sdmemfd);
		write_probe(stat_fd, "sdmemfd", sdmemfd);
	}
	while (!softdirty && !sigwait(&set, &sig) && sig == SIGUSR1) {
		probe(stat_fd, "cold", buf + pages * PAGE_SZ);
		probe(stat_fd, "readonly", ro);
		probe(stat_fd, "shared", shared);
	}
	return 0;
}
