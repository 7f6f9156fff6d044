// SPDX-License-Identifier: GPL-2.0
/*
 * pw-journal [move N]: a target whose every step is a change its MMU
 * notifiers announce, for the journal tests (tests/vm/tests/45-journal.sh;
 * with "move N", only move and moveback of N pages mapped before "ready",
 * then at a second SIGUSR1 pinned, then it waits to be killed, for
 * 47-journal-session.sh and 48-journal-snapshots.sh).
 *
 * Prints "ready PID" and waits. SIGUSR2 (or SIGRTMIN, which queues) makes
 * it change the protection of its one-page probe region (so the test sees when a journal reader is
 * bound); SIGUSR1 runs the steps below, each announced on stdout as
 * "step NAME START END CAUSE_PID" (hex range, END exclusive) before it
 * runs, then prints "done" and exits, which ends the journal.
 *
 *   dontneed    MADV_DONTNEED of 4 written pages           clear
 *   mprotect    mprotect(PROT_READ) of 8 written pages     protection_vma
 *   munmap      munmap of 4 written pages                  unmap
 *   pinned      MADV_DONTNEED of 8 pages registered as io_uring buffers
 *               before "ready" (pinned: a device keeps the old pages)
 *                                                           clear
 *   move        a child (comm pw-mover) move_pages() 16 pages to the
 *               other node                                  clear, cause
 *               the child
 *   moveback    another child moves them back               clear
 *   fork        fork(): the parent's COW pages are write-protected
 *                                                           protection_page
 *   cow         a write to a COW page after fork            clear
 *   collapse    MADV_COLLAPSE of 2 MiB of small pages       clear
 *   numa        a second thread touches 4 MiB for up to 8 s while NUMA
 *               balancing scans (the test makes it fast)    protection_vma
 */
#include "config.h"

#include <errno.h>
#include <liburing.h>
#include <numaif.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE	25
#endif

#define PAGE_SZ		4096UL
#define HUGE_SZ		(2UL << 20)

static void die(const char *what)
{
	fprintf(stderr, "pw-journal: %s: %s\n", what, strerror(errno));
	exit(1);
}

static int node_of(void *page)
{
	int status = -1;

	if (move_pages(0, 1, &page, NULL, &status, 0))
		die("move_pages query");
	return status;
}

static char *map_written(unsigned long pages)
{
	char *p = mmap(NULL, pages * PAGE_SZ, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		die("mmap");
	madvise(p, pages * PAGE_SZ, MADV_NOHUGEPAGE);
	memset(p, 0x5a, pages * PAGE_SZ);
	return p;
}

/*
 * PAGES written pages kept out of NUMA balancing's reach, for the moves:
 * an explicit policy without MPOL_F_MOF makes task_numa_work() skip the
 * mapping, and a read of each page ends a hint already set. A page whose
 * PTE is PROT_NONE for a hint stayed where it was under move_pages() on
 * 6.1, which reported it -ENOENT (not present), for as long as nothing
 * touched it.
 */
static char *map_written_unhinted(unsigned long pages)
{
	char *p = map_written(pages);
	volatile char sum = p[0];	/* ends a hint set since the write */
	int node = node_of(p);
	unsigned long mask = 1UL << (node < 0 ? 0 : node);

	if (mbind(p, pages * PAGE_SZ, MPOL_PREFERRED, &mask,
		  sizeof(mask) * 8, 0))
		die("mbind");
	for (unsigned long i = 0; i < pages; i++)
		sum += p[i * PAGE_SZ];
	(void)sum;
	return p;
}

static void step(const char *name, const void *start, unsigned long len,
		 pid_t cause)
{
	printf("step %s %lx %lx %d\n", name, (unsigned long)start,
	       (unsigned long)start + len, (int)cause);
	fflush(stdout);
}

/*
 * A child named pw-mover that moves PAGES pages at P to NODE when its
 * move() is called: forked ahead, so that the fork's own records come
 * before the move's.
 */
struct mover {
	pid_t pid;
	int go;		/* write end of its pipe */
};

static struct mover mover_new(char *p, unsigned long pages, int node)
{
	pid_t parent = getpid();
	struct mover m;
	int fds[2], ready[2];
	char c;

	if (pipe(fds) || pipe(ready))
		die("pipe");
	fflush(stdout);
	m.pid = fork();
	if (m.pid < 0)
		die("fork");
	if (!m.pid) {
		void *addr[64];
		int nodes[64], st[64];

		close(fds[1]);
		prctl(PR_SET_NAME, "pw-mover");
		/*
		 * fork() shared the pages with this child; MPOL_MF_MOVE moves
		 * only pages mapped once: drop this copy first
		 */
		munmap(p, pages * PAGE_SZ);
		/* the parent goes on only once this copy is gone */
		if (write(ready[1], "r", 1) != 1)
			_exit(2);
		if (read(fds[0], &c, 1) != 1)
			_exit(2);
		for (unsigned long i = 0; i < pages; i++) {
			addr[i] = p + i * PAGE_SZ;
			nodes[i] = node;
		}
		if (move_pages(parent, pages, addr, nodes, st, MPOL_MF_MOVE))
			_exit(1);
		_exit(0);
	}
	close(fds[0]);
	close(ready[1]);
	/* else a page mapped by a child too (mapcount 2) is not moved */
	if (read(ready[0], &c, 1) != 1)
		die("mover");
	close(ready[0]);
	m.go = fds[1];
	return m;
}

static void mover_run(struct mover *m, char *p, unsigned long pages,
		      const char *name)
{
	int status;

	step(name, p, pages * PAGE_SZ, m->pid);
	if (write(m->go, "g", 1) != 1)
		die("write");
	close(m->go);
	if (waitpid(m->pid, &status, 0) < 0 || !WIFEXITED(status) ||
	    WEXITSTATUS(status))
		fprintf(stderr, "pw-journal: %s: the mover failed\n", name);
}

/* The N pages at P moved to the other node and back, by two children */
static void step_move_and_back(char *p, unsigned long n)
{
	int node = node_of(p);
	struct mover there = mover_new(p, n, !node);
	struct mover back = mover_new(p, n, node);

	mover_run(&there, p, n, "move");
	printf("moved %d %d\n", node, node_of(p));
	fflush(stdout);
	/* a reader woken by the move reads the pages before they go back */
	sleep(2);
	mover_run(&back, p, n, "moveback");
	printf("nodes %d %d\n", node, node_of(p));
	/* the tests wait for this line while the target waits for them */
	fflush(stdout);
}

static atomic_bool touching;

static void *toucher(void *arg)
{
	volatile char *p = arg;

	while (atomic_load(&touching))
		for (unsigned long i = 0; i < (4UL << 20); i += PAGE_SZ)
			p[i]++;
	return NULL;
}

static void step_numa(void)
{
	char *p = map_written(1024);
	pthread_t t;

	atomic_store(&touching, true);
	step("numa", p, 1024 * PAGE_SZ, getpid());
	if (pthread_create(&t, NULL, toucher, p))
		die("pthread_create");
	/* task_numa_work() runs in this task while it is on a CPU */
	for (time_t end = time(NULL) + 8; time(NULL) < end;)
		for (unsigned long i = 0; i < (4UL << 20); i += PAGE_SZ)
			((volatile char *)p)[i]++;
	atomic_store(&touching, false);
	pthread_join(t, NULL);
}

/* Pinned before the journal reader starts, so that its first read sees it */
static char *pinned;

static void pin(struct io_uring *ring)
{
	struct iovec iov;

	pinned = map_written(8);
	iov = (struct iovec){ pinned, 8 * PAGE_SZ };
	if (io_uring_queue_init(4, ring, 0))
		die("io_uring_queue_init");
	if (io_uring_register_buffers(ring, &iov, 1))
		die("io_uring_register_buffers");
}

static void step_pinned(void)
{
	step("pinned", pinned, 8 * PAGE_SZ, getpid());
	madvise(pinned, 8 * PAGE_SZ, MADV_DONTNEED);
}

static void step_fork_cow(void)
{
	char *p = map_written(1);
	pid_t child;

	fflush(stdout);
	step("fork", p, PAGE_SZ, getpid());
	child = fork();
	if (child < 0)
		die("fork");
	if (!child) {
		pause();
		_exit(0);
	}
	step("cow", p, PAGE_SZ, getpid());
	p[0] = 1;
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
}

static void step_collapse(void)
{
	char *raw = mmap(NULL, 2 * HUGE_SZ, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *p;

	if (raw == MAP_FAILED)
		die("mmap");
	p = (char *)(((unsigned long)raw + HUGE_SZ - 1) & ~(HUGE_SZ - 1));
	madvise(p, HUGE_SZ, MADV_NOHUGEPAGE);
	memset(p, 1, HUGE_SZ);
	madvise(p, HUGE_SZ, MADV_HUGEPAGE);
	step("collapse", p, HUGE_SZ, getpid());
	if (madvise(p, HUGE_SZ, MADV_COLLAPSE))
		printf("collapse-failed %s\n", strerror(errno));
}

static void run_steps(void)
{
	char *p;

	p = map_written(16);
	step("dontneed", p + 4 * PAGE_SZ, 4 * PAGE_SZ, getpid());
	madvise(p + 4 * PAGE_SZ, 4 * PAGE_SZ, MADV_DONTNEED);

	p = map_written(16);
	step("mprotect", p + 8 * PAGE_SZ, 8 * PAGE_SZ, getpid());
	mprotect(p + 8 * PAGE_SZ, 8 * PAGE_SZ, PROT_READ);

	p = map_written(16);
	step("munmap", p + 4 * PAGE_SZ, 4 * PAGE_SZ, getpid());
	munmap(p + 4 * PAGE_SZ, 4 * PAGE_SZ);

	step_pinned();

	step_move_and_back(map_written_unhinted(16), 16);

	step_fork_cow();
	step_collapse();
	step_numa();
}

int main(int argc, char **argv)
{
	bool move_only = argc > 2 && !strcmp(argv[1], "move");
	unsigned long move_n = move_only ? strtoul(argv[2], NULL, 0) : 0;
	char *move_region = NULL;
	char *probe = map_written(1);
	struct io_uring ring;
	sigset_t set;
	int sig, prot = PROT_READ;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	sigaddset(&set, SIGRTMIN);	/* queued: pw-jfile counts on each */
	sigprocmask(SIG_BLOCK, &set, NULL);
	pin(&ring);
	/* read by the first snapshot, so that the second can compare */
	if (move_only) {
		if (move_n < 1 || move_n > 64)
			die("move: 1 to 64 pages");
		move_region = map_written_unhinted(move_n);
	}
	printf("probe %lx %lx\nready %d\n", (unsigned long)probe,
	       (unsigned long)probe + PAGE_SZ, (int)getpid());
	fflush(stdout);
	for (;;) {
		if (sigwait(&set, &sig))
			die("sigwait");
		if (sig == SIGUSR1)
			break;
		mprotect(probe, PAGE_SZ, prot);
		prot ^= PROT_WRITE;
	}
	if (move_only) {
		step_move_and_back(move_region, move_n);
		/* the next SIGUSR1: the pinned pages' turn */
		if (sigwait(&set, &sig))
			die("sigwait");
		step_pinned();
	} else {
		run_steps();
	}
	io_uring_queue_exit(&ring);
	printf("done\n");
	fflush(stdout);
	/* "move" stays until killed: snapshots follow its steps */
	while (move_only)
		pause();
	return 0;
}
