// SPDX-License-Identifier: GPL-2.0
/*
 * pw-layout nodes|maps|sparse PAGES: lay out memory whose page facts are known,
 * print one "region NAME START END" line (hex, END exclusive) per region,
 * then "ready" and wait for a signal.
 *
 * nodes: node0, node1   PAGES pages mbind'ed to node 0 / node 1, written
 *        interleave     PAGES pages interleaved over nodes 0 and 1, written
 * maps:  private        PAGES private anonymous pages, written once
 *        zero           PAGES private anonymous pages, only read (zero page)
 *        thp            2 MiB, 2 MiB-aligned, MADV_HUGEPAGE, written
 *        shared_both    PAGES MAP_SHARED|MAP_ANONYMOUS pages written by this
 *                       process and by its child
 *        shared_parent  PAGES MAP_SHARED|MAP_ANONYMOUS pages written by this
 *                       process only, after the fork
 *        Prints "child PID" for the forked child, which writes shared_both
 *        and inherits no private region (MADV_DONTFORK), then "ready".
 * sparse: reserve      one 1 TiB private read-write mapping (MAP_NORESERVE)
 *                       in which only these pages are written:
 *         first         its first page
 *         run           PAGES pages around 300 GiB + 2 MiB (across a PMD
 *                       boundary, so across two PTE tables)
 *         dropped       a page at 300 GiB + 8 MiB, written, then dropped
 *                       with MADV_DONTNEED (a PTE table without entries)
 *         lone          the page at 700 GiB
 *         last          its last page
 * Small-page regions are MADV_NOHUGEPAGE: their tests count 4 KiB pages.
 */
#include "config.h"

#include <errno.h>
#include <numaif.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAGE_SZ		4096UL
#define THP_SZ		(2UL << 20)

static void die(const char *what)
{
	fprintf(stderr, "pw-layout: %s: %s\n", what, strerror(errno));
	exit(1);
}

static char *map_pages(unsigned long pages, int flags)
{
	char *p = mmap(NULL, pages * PAGE_SZ, PROT_READ | PROT_WRITE,
		       flags | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		die("mmap");
	if (madvise(p, pages * PAGE_SZ, MADV_NOHUGEPAGE) && errno != EINVAL)
		die("madvise(MADV_NOHUGEPAGE)");
	return p;
}

static void write_pages(char *p, unsigned long pages)
{
	for (unsigned long i = 0; i < pages; i++)
		p[i * PAGE_SZ] = 1;
}

static void region(const char *name, char *p, unsigned long len)
{
	printf("region %s %lx %lx\n", name, (unsigned long)p,
	       (unsigned long)p + len);
}

static void layout_nodes(unsigned long pages)
{
	unsigned long len = pages * PAGE_SZ;
	unsigned long mask;
	char *n0 = map_pages(pages, MAP_PRIVATE);
	char *n1 = map_pages(pages, MAP_PRIVATE);
	char *il = map_pages(pages, MAP_PRIVATE);

	mask = 1UL << 0;
	if (mbind(n0, len, MPOL_BIND, &mask, sizeof(mask) * 8, 0))
		die("mbind node 0");
	mask = 1UL << 1;
	if (mbind(n1, len, MPOL_BIND, &mask, sizeof(mask) * 8, 0))
		die("mbind node 1");
	mask = 3UL;
	if (mbind(il, len, MPOL_INTERLEAVE, &mask, sizeof(mask) * 8, 0))
		die("mbind interleave");
	write_pages(n0, pages);
	write_pages(n1, pages);
	write_pages(il, pages);
	region("node0", n0, len);
	region("node1", n1, len);
	region("interleave", il, len);
}

static void layout_maps(unsigned long pages)
{
	unsigned long len = pages * PAGE_SZ;
	char *priv = map_pages(pages, MAP_PRIVATE);
	char *zero = map_pages(pages, MAP_PRIVATE);
	char *both = map_pages(pages, MAP_SHARED);
	char *parent = map_pages(pages, MAP_SHARED);
	char *raw, *thp;
	volatile char sink = 0;
	int ready[2];
	pid_t child;
	char c;

	raw = mmap(NULL, 2 * THP_SZ, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (raw == MAP_FAILED)
		die("mmap thp");
	thp = (char *)(((unsigned long)raw + THP_SZ - 1) & ~(THP_SZ - 1));
	/* EINVAL: a kernel without THP (Debian's PREEMPT_RT build) */
	if (madvise(thp, THP_SZ, MADV_HUGEPAGE) && errno != EINVAL)
		die("madvise(MADV_HUGEPAGE)");
	thp[0] = 1;	/* one write fault maps the whole PMD */
	write_pages(thp, THP_SZ / PAGE_SZ);

	write_pages(priv, pages);
	for (unsigned long i = 0; i < pages; i++)
		sink += zero[i * PAGE_SZ];
	write_pages(both, pages);

	/* the child must not share the private regions' pages (COW) */
	if (madvise(priv, len, MADV_DONTFORK) || madvise(zero, len, MADV_DONTFORK) ||
	    madvise(thp, THP_SZ, MADV_DONTFORK))
		die("madvise(MADV_DONTFORK)");
	if (pipe(ready))
		die("pipe");
	fflush(stdout);
	child = fork();
	if (child < 0)
		die("fork");
	if (!child) {
		/* the shared VMA is not copied at fork: the child faults it */
		write_pages(both, pages);
		if (write(ready[1], "r", 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	if (read(ready[0], &c, 1) != 1)
		die("read child ready");
	write_pages(parent, pages);

	region("private", priv, len);
	region("zero", zero, len);
	region("thp", thp, THP_SZ);
	region("shared_both", both, len);
	region("shared_parent", parent, len);
	printf("child %d\n", child);
}

static void layout_sparse(unsigned long pages)
{
	const unsigned long gib = 1UL << 30, len = 1024 * gib;
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	char *run, *dropped;

	if (p == MAP_FAILED)
		die("mmap 1 TiB");
	if (madvise(p, len, MADV_NOHUGEPAGE) && errno != EINVAL)
		die("madvise(MADV_NOHUGEPAGE)");
	run = p + 300 * gib + THP_SZ - pages / 2 * PAGE_SZ;
	dropped = p + 300 * gib + 4 * THP_SZ;
	write_pages(p, 1);
	write_pages(run, pages);
	write_pages(dropped, 1);
	if (madvise(dropped, PAGE_SZ, MADV_DONTNEED))
		die("madvise(MADV_DONTNEED)");
	write_pages(p + 700 * gib, 1);
	write_pages(p + len - PAGE_SZ, 1);
	region("reserve", p, len);
	region("first", p, PAGE_SZ);
	region("run", run, pages * PAGE_SZ);
	region("dropped", dropped, PAGE_SZ);
	region("lone", p + 700 * gib, PAGE_SZ);
	region("last", p + len - PAGE_SZ, PAGE_SZ);
}

static void on_term(int sig)
{
	kill(0, SIGKILL);
	_exit(0);
}

int main(int argc, char **argv)
{
	unsigned long pages;

	if (argc != 3) {
		fprintf(stderr, "usage: pw-layout nodes|maps|sparse PAGES\n");
		return 2;
	}
	pages = strtoul(argv[2], NULL, 0);
	/* own process group: SIGTERM takes the child along */
	setpgid(0, 0);
	signal(SIGTERM, on_term);
	if (!strcmp(argv[1], "nodes"))
		layout_nodes(pages);
	else if (!strcmp(argv[1], "maps"))
		layout_maps(pages);
	else if (!strcmp(argv[1], "sparse"))
		layout_sparse(pages);
	else
		return 2;
	printf("ready\n");
	fflush(stdout);
	for (;;)
		pause();
}
