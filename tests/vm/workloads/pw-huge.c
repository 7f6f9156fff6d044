// SPDX-License-Identifier: GPL-2.0
/*
 * pw-huge STEP...: hugetlb memory in the forms its users make, one step
 * per SIGUSR1. 2 MiB huge pages must be reserved on nodes 0 and 1.
 *
 * Maps, writes and prints "region NAME START END" (hex, END exclusive) for:
 *   anon    4 pages, MAP_PRIVATE|MAP_ANONYMOUS|MAP_HUGETLB, mbind() to
 *           node 1 (MPOL_BIND) before the first touch
 *   shared  2 pages of memfd_create(MFD_HUGETLB), MAP_SHARED; a child,
 *           forked before any of these mappings, maps the same memfd and
 *           reads every page, so each page is mapped twice ("child PID
 *           mapped..." is printed)
 *   pinned  1 page, MAP_HUGETLB, private, node 0
 *   moved   2 pages, MAP_HUGETLB, private, node 0
 * then "ready". Each SIGUSR1 runs the next STEP, printing "done STEP" or
 * "failed STEP: why":
 *   reg     IORING_REGISTER_BUFFERS of pinned (FOLL_LONGTERM pins)
 *   unreg   IORING_UNREGISTER_BUFFERS
 *   move    move_pages() of every 4 KiB page of moved to node 1
 * SIGTERM ends it and the child.
 *
 * pw-huge share: PMD-table sharing. A 1 GiB hugetlb memfd (MAP_NORESERVE,
 * nothing reserved), mapped MAP_SHARED at a 1 GiB-aligned address, its
 * first 4 huge pages written: prints "region share START END" and
 * "ready". A forked child maps the same memfd at an aligned address too,
 * reads those 4 pages (its faults share the parent's PMD table through
 * huge_pmd_share()) and unmaps it, in a loop until SIGTERM; it prints
 * "child PID" first and "loops N" every 100 rounds.
 *
 * pw-huge giga: one 1 GiB hugetlb page (MAP_HUGETLB | MAP_HUGE_1GB,
 * private), written at both ends: prints "region giga START END" and
 * "ready", then waits for SIGTERM.
 *
 * pw-huge nothp: for kernels without transparent huge pages. A 2 MiB-
 * aligned 4 MiB private anonymous region: prints "madvise ok" or
 * "madvise ERRNO-NAME" for MADV_HUGEPAGE on it, writes it, prints "region
 * nothp START END" and "ready", then waits for SIGTERM.
 */
#include "config.h"

#include <errno.h>
#include <liburing.h>
#include <numaif.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAGE_SZ		4096UL
#define HUGE_SZ		(2UL << 20)

static struct io_uring ring;
static int ring_ready;

static void die(const char *what, int err)
{
	fprintf(stderr, "pw-huge: %s: %s\n", what, strerror(err));
	exit(1);
}

/* N huge pages of private hugetlb memory bound to NODE, written */
static char *map_private(unsigned long n, int node)
{
	unsigned long mask = 1UL << node;
	char *p;

	p = mmap(NULL, n * HUGE_SZ, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);
	if (p == MAP_FAILED)
		die("mmap(MAP_HUGETLB)", errno);
	if (mbind(p, n * HUGE_SZ, MPOL_BIND, &mask, sizeof(mask) * 8, 0))
		die("mbind", errno);
	memset(p, 0x5a, n * HUGE_SZ);
	return p;
}

static void region(const char *name, const char *p, unsigned long n)
{
	printf("region %s %lx %lx\n", name, (unsigned long)p,
	       (unsigned long)p + n * HUGE_SZ);
}

/* the child: map the memfd again, read every page, wait for SIGTERM */
static void child(int fd, unsigned long n)
{
	volatile char *p;
	unsigned long sum = 0;

	prctl(PR_SET_PDEATHSIG, SIGTERM);
	p = mmap(NULL, n * HUGE_SZ, PROT_READ, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		die("child mmap(memfd)", errno);
	for (unsigned long off = 0; off < n * HUGE_SZ; off += HUGE_SZ)
		sum += p[off];
	printf("child %d mapped %lu pages (sum %lu)\n", (int)getpid(), n, sum);
	fflush(stdout);
	pause();
	_exit(0);
}

/*
 * move_pages() of each huge page (its first address: a tail address of a
 * folio already isolated would report it busy) to NODE, then ask where
 * every 4 KiB page is
 */
static int move_all(char *p, unsigned long n, int node)
{
	unsigned long nr = n * HUGE_SZ / PAGE_SZ;
	void **pages = calloc(nr, sizeof(*pages));
	int *nodes = calloc(nr, sizeof(*nodes));
	int *status = calloc(nr, sizeof(*status));
	int ret = -ENOMEM;

	if (!pages || !nodes || !status)
		goto out_free;
	for (unsigned long i = 0; i < nr; i++) {
		pages[i] = p + i * PAGE_SZ;
		nodes[i] = node;
	}
	ret = 0;
	for (unsigned long i = 0; i < n && !ret; i++)
		if (move_pages(0, 1, &pages[i * (HUGE_SZ / PAGE_SZ)], &node,
			       status, MPOL_MF_MOVE))
			ret = -errno;
	if (!ret && move_pages(0, nr, pages, NULL, status, 0))
		ret = -errno;
	for (unsigned long i = 0; !ret && i < nr; i++)
		if (status[i] != node)
			ret = status[i] < 0 ? status[i] : -EAGAIN;
out_free:
	free(pages);
	free(nodes);
	free(status);
	return ret;
}

static int run_step(const char *step, char *pinned, char *moved)
{
	struct iovec iov = { .iov_base = pinned, .iov_len = HUGE_SZ };
	int ret;

	if (!strcmp(step, "reg")) {
		if (!ring_ready) {
			ret = io_uring_queue_init(4, &ring, 0);
			if (ret)
				return ret;
			ring_ready = 1;
		}
		return io_uring_register_buffers(&ring, &iov, 1);
	}
	if (!strcmp(step, "unreg"))
		return io_uring_unregister_buffers(&ring);
	if (!strcmp(step, "move"))
		return move_all(moved, 2, 1);
	return -EINVAL;
}

#define SHARE_SZ	(1UL << 30)
#define SHARE_TOUCHED	4

/* a SHARE_SZ-aligned MAP_SHARED mapping of FD, so that PMDs may share */
static char *map_aligned(int fd, int prot)
{
	char *raw, *p;

	raw = mmap(NULL, 2 * SHARE_SZ, PROT_NONE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (raw == MAP_FAILED)
		die("mmap(reserve 2 GiB)", errno);
	p = (char *)(((unsigned long)raw + SHARE_SZ - 1) & ~(SHARE_SZ - 1));
	if (mmap(p, SHARE_SZ, prot, MAP_SHARED | MAP_FIXED | MAP_NORESERVE,
		 fd, 0) == MAP_FAILED)
		die("mmap(memfd, MAP_FIXED)", errno);
	return p;
}

static void share_child(int fd)
{
	unsigned long loops = 0, sum = 0;
	volatile char *p;

	prctl(PR_SET_PDEATHSIG, SIGTERM);
	printf("child %d\n", (int)getpid());
	fflush(stdout);
	p = map_aligned(fd, PROT_READ);
	for (;;) {
		for (unsigned long i = 0; i < SHARE_TOUCHED; i++)
			sum += p[i * HUGE_SZ];
		if (munmap((char *)(uintptr_t)p, SHARE_SZ))
			die("munmap", errno);
		if (mmap((char *)(uintptr_t)p, SHARE_SZ, PROT_READ,
			 MAP_SHARED | MAP_FIXED | MAP_NORESERVE, fd, 0) ==
		    MAP_FAILED)
			die("mmap(memfd) again", errno);
		if (++loops % 100 == 0) {
			printf("loops %lu (sum %lu)\n", loops, sum);
			fflush(stdout);
		}
	}
}

static int share_main(void)
{
	sigset_t set;
	char *p;
	pid_t pid;
	int fd, sig;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, NULL);
	fd = memfd_create("pw-huge-share", MFD_HUGETLB);
	if (fd < 0)
		die("memfd_create(MFD_HUGETLB)", errno);
	if (ftruncate(fd, SHARE_SZ))
		die("ftruncate(memfd, 1 GiB)", errno);
	p = map_aligned(fd, PROT_READ | PROT_WRITE);
	for (unsigned long i = 0; i < SHARE_TOUCHED; i++)
		p[i * HUGE_SZ] = 1;
	printf("region share %lx %lx\n", (unsigned long)p,
	       (unsigned long)p + SHARE_SZ);
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		die("fork", errno);
	if (!pid) {
		sigprocmask(SIG_UNBLOCK, &set, NULL);
		share_child(fd);
	}
	printf("ready\n");
	fflush(stdout);
	sigwait(&set, &sig);
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
	return 0;
}

#ifndef MAP_HUGE_1GB
#define MAP_HUGE_1GB	(30 << 26)	/* log2(1 GiB) << MAP_HUGE_SHIFT */
#endif

static int giga_main(void)
{
	sigset_t set;
	char *p;
	int sig;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, NULL);
	p = mmap(NULL, SHARE_SZ, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB | MAP_HUGE_1GB, -1, 0);
	if (p == MAP_FAILED)
		die("mmap(MAP_HUGETLB | MAP_HUGE_1GB)", errno);
	p[0] = 1;
	p[SHARE_SZ - 1] = 1;
	printf("region giga %lx %lx\n", (unsigned long)p,
	       (unsigned long)p + SHARE_SZ);
	printf("ready\n");
	fflush(stdout);
	sigwait(&set, &sig);
	return 0;
}

static int nothp_main(void)
{
	char *raw, *p;
	sigset_t set;
	int sig;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, NULL);
	raw = mmap(NULL, 3 * HUGE_SZ, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (raw == MAP_FAILED)
		die("mmap", errno);
	p = (char *)(((unsigned long)raw + HUGE_SZ - 1) & ~(HUGE_SZ - 1));
	if (!madvise(p, 2 * HUGE_SZ, MADV_HUGEPAGE))
		printf("madvise ok\n");
	else
		printf("madvise %s\n", errno == EINVAL ? "EINVAL" : strerror(errno));
	memset(p, 0x77, 2 * HUGE_SZ);
	region("nothp", p, 2);
	printf("ready\n");
	fflush(stdout);
	sigwait(&set, &sig);
	return 0;
}

int main(int argc, char **argv)
{
	char *anon, *shared, *pinned, *moved;
	pid_t pid;
	sigset_t set;
	int fd, sig;

	if (argc == 2 && !strcmp(argv[1], "share"))
		return share_main();
	if (argc == 2 && !strcmp(argv[1], "nothp"))
		return nothp_main();
	if (argc == 2 && !strcmp(argv[1], "giga"))
		return giga_main();
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, NULL);

	fd = memfd_create("pw-huge", MFD_HUGETLB);
	if (fd < 0)
		die("memfd_create(MFD_HUGETLB)", errno);
	if (ftruncate(fd, 2 * HUGE_SZ))
		die("ftruncate(memfd)", errno);
	/*
	 * the child first: a fork after the private regions would share them
	 * (COW, mapcount 2, read-only) and move_pages() would leave them
	 */
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		die("fork", errno);
	if (!pid) {
		sigprocmask(SIG_UNBLOCK, &set, NULL);
		child(fd, 2);
	}
	anon = map_private(4, 1);
	shared = mmap(NULL, 2 * HUGE_SZ, PROT_READ | PROT_WRITE, MAP_SHARED,
		      fd, 0);
	if (shared == MAP_FAILED)
		die("mmap(memfd)", errno);
	memset(shared, 0x33, 2 * HUGE_SZ);
	pinned = map_private(1, 0);
	moved = map_private(2, 0);
	region("anon", anon, 4);
	region("shared", shared, 2);
	region("pinned", pinned, 1);
	region("moved", moved, 2);
	printf("ready\n");
	fflush(stdout);
	for (int i = 1; ; ) {
		int ret;

		if (sigwait(&set, &sig) || sig == SIGTERM)
			break;
		if (i >= argc)
			continue;
		ret = run_step(argv[i], pinned, moved);
		if (ret)
			printf("failed %s: %s\n", argv[i], strerror(-ret));
		else
			printf("done %s\n", argv[i]);
		fflush(stdout);
		i++;
	}
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
	return 0;
}
