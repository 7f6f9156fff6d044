// SPDX-License-Identifier: GPL-2.0
/*
 * pw-pin PAGES STEP...: pin memory as io_uring fixed buffers, one step per
 * SIGUSR1.
 *
 * Maps "small" (PAGES private anonymous 4 KiB pages, MADV_NOHUGEPAGE),
 * "thp" (2 MiB, 2 MiB-aligned, MADV_HUGEPAGE) and "spare" (like small, never
 * pinned), writes them, prints "region NAME START END" (hex, END exclusive)
 * for each and "ready". Then
 * each SIGUSR1 runs the next STEP and prints "done STEP" (or "failed STEP:
 * why"):
 *   reg-small    IORING_REGISTER_BUFFERS of small, on a ring of its own
 *   reg-thp      IORING_REGISTER_BUFFERS of thp, on another ring
 *   dontneed     MADV_DONTNEED small, then write it again (new pages)
 *   unreg-small  IORING_UNREGISTER_BUFFERS of small's ring
 *   unreg-thp    IORING_UNREGISTER_BUFFERS of thp's ring
 *   move-spare   move_pages() every page of spare to the other node of
 *                nodes 0 and 1 (the one its first page is not on)
 * SIGTERM ends it.
 */
#include "config.h"

#include <errno.h>
#include <liburing.h>
#include <numaif.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>

#define PAGE_SZ		4096UL
#define THP_SZ		(2UL << 20)

struct buffer {
	const char *name;
	char *p;
	unsigned long len;
	struct io_uring ring;
	bool ring_ready;
};

static void die(const char *what, int err)
{
	fprintf(stderr, "pw-pin: %s: %s\n", what, strerror(err));
	exit(1);
}

static void write_all(struct buffer *b)
{
	for (unsigned long off = 0; off < b->len; off += PAGE_SZ)
		b->p[off] = 1;
}

static int do_register(struct buffer *b)
{
	struct iovec iov = { .iov_base = b->p, .iov_len = b->len };
	int ret;

	if (!b->ring_ready) {
		ret = io_uring_queue_init(4, &b->ring, 0);
		if (ret)
			return ret;
		b->ring_ready = true;
	}
	return io_uring_register_buffers(&b->ring, &iov, 1);
}

/* every page of B to the node of 0 and 1 that its first page is not on */
static int move_to_other_node(struct buffer *b)
{
	unsigned long n = b->len / PAGE_SZ;
	void **pages = calloc(n, sizeof(*pages));
	int *nodes = calloc(n, sizeof(*nodes));
	int *status = calloc(n, sizeof(*status));
	int ret = -ENOMEM;

	if (!pages || !nodes || !status)
		goto out_free;
	for (unsigned long i = 0; i < n; i++)
		pages[i] = b->p + i * PAGE_SZ;
	/* nodes NULL: only ask where the first page is */
	if (move_pages(0, 1, pages, NULL, status, 0)) {
		ret = -errno;
		goto out_free;
	}
	for (unsigned long i = 0; i < n; i++)
		nodes[i] = status[0] == 0 ? 1 : 0;
	if (move_pages(0, n, pages, nodes, status, MPOL_MF_MOVE)) {
		ret = -errno;
		goto out_free;
	}
	ret = 0;
	for (unsigned long i = 0; i < n; i++)
		if (status[i] != nodes[i])
			ret = status[i] < 0 ? status[i] : -EAGAIN;
out_free:
	free(pages);
	free(nodes);
	free(status);
	return ret;
}

/*
 * B's pages are faulted again (after MADV_DONTNEED) on the node they are
 * on now, whichever CPU, and so node, the workload runs on by then (the
 * guest has one CPU per node): a policy binds them there.
 */
static void bind_to_own_node(struct buffer *b)
{
	void *first = b->p;
	unsigned long mask;
	int node = -1;

	if (move_pages(0, 1, &first, NULL, &node, 0) || node < 0)
		die("move_pages query", errno);
	mask = 1UL << node;
	if (mbind(b->p, b->len, MPOL_BIND, &mask, sizeof(mask) * 8, 0))
		die("mbind", errno);
}

static int run_step(const char *step, struct buffer *small, struct buffer *thp,
		    struct buffer *spare)
{
	if (!strcmp(step, "reg-small"))
		return do_register(small);
	if (!strcmp(step, "reg-thp"))
		return do_register(thp);
	if (!strcmp(step, "unreg-small"))
		return io_uring_unregister_buffers(&small->ring);
	if (!strcmp(step, "unreg-thp"))
		return io_uring_unregister_buffers(&thp->ring);
	if (!strcmp(step, "move-spare"))
		return move_to_other_node(spare);
	if (!strcmp(step, "dontneed")) {
		if (madvise(small->p, small->len, MADV_DONTNEED))
			return -errno;
		write_all(small);
		return 0;
	}
	return -EINVAL;
}

int main(int argc, char **argv)
{
	struct buffer small = { .name = "small" }, thp = { .name = "thp" };
	struct buffer spare = { .name = "spare" };
	sigset_t set;
	char *raw;
	int sig;

	if (argc < 2) {
		fprintf(stderr, "usage: pw-pin PAGES STEP...\n");
		return 2;
	}
	small.len = strtoul(argv[1], NULL, 0) * PAGE_SZ;
	small.p = mmap(NULL, small.len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (small.p == MAP_FAILED)
		die("mmap small", errno);
	/* EINVAL: a kernel without THP (Debian's PREEMPT_RT build) */
	if (madvise(small.p, small.len, MADV_NOHUGEPAGE) && errno != EINVAL)
		die("madvise(MADV_NOHUGEPAGE)", errno);
	spare.len = small.len;
	spare.p = mmap(NULL, spare.len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (spare.p == MAP_FAILED)
		die("mmap spare", errno);
	if (madvise(spare.p, spare.len, MADV_NOHUGEPAGE) && errno != EINVAL)
		die("madvise(MADV_NOHUGEPAGE)", errno);
	raw = mmap(NULL, 2 * THP_SZ, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (raw == MAP_FAILED)
		die("mmap thp", errno);
	thp.p = (char *)(((unsigned long)raw + THP_SZ - 1) & ~(THP_SZ - 1));
	thp.len = THP_SZ;
	if (madvise(thp.p, thp.len, MADV_HUGEPAGE) && errno != EINVAL)
		die("madvise(MADV_HUGEPAGE)", errno);
	write_all(&small);
	bind_to_own_node(&small);
	write_all(&thp);
	write_all(&spare);

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, NULL);

	printf("region small %lx %lx\n", (unsigned long)small.p,
	       (unsigned long)small.p + small.len);
	printf("region thp %lx %lx\n", (unsigned long)thp.p,
	       (unsigned long)thp.p + thp.len);
	printf("region spare %lx %lx\n", (unsigned long)spare.p,
	       (unsigned long)spare.p + spare.len);
	printf("ready\n");
	fflush(stdout);
	for (int i = 2; ; ) {
		int ret;

		if (sigwait(&set, &sig) || sig == SIGTERM)
			return 0;
		if (i >= argc)
			continue;
		ret = run_step(argv[i], &small, &thp, &spare);
		if (ret)
			printf("failed %s: %s\n", argv[i], strerror(-ret));
		else
			printf("done %s\n", argv[i]);
		fflush(stdout);
		i++;
	}
}
