// SPDX-License-Identifier: GPL-2.0
/*
 * pw-split thp MIB | file PAGES | hugezero MIB: a target whose folios keep
 * changing, or (hugezero) MIB MiB of 2 MiB-aligned MADV_HUGEPAGE anonymous
 * memory only read, so that read faults map the huge zero page.
 *   thp   MIB MiB of anonymous THPs (2 MiB aligned, MADV_HUGEPAGE, all
 *         written); every 20 ms MADV_COLLAPSE puts back what a split (the
 *         test writes debugfs split_huge_pages) broke up
 *   file  PAGES pages of a memfd (page cache of shmem), MAP_SHARED, all
 *         written; move_pages() moves all of them to the other node, over
 *         and over
 * prints "region NAME START END" (hex, END exclusive), then "ready", and
 * on SIGTERM "collapsed OK FAILED" or "moved PAGES ROUNDS".
 */
#include "config.h"

#include <errno.h>
#include <numaif.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE	25
#endif

#define PAGE_SZ		4096UL
#define THP_SZ		(2UL << 20)

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	stop = sig;
}

static void die(const char *what)
{
	fprintf(stderr, "pw-split: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void ready(const char *name, char *p, size_t len)
{
	printf("region %s %lx %lx\nready\n", name, (unsigned long)p,
	       (unsigned long)p + len);
	fflush(stdout);
}

static int run_thp(unsigned long mib)
{
	struct timespec ts = { 0, 20 * 1000000L };
	size_t len = mib << 20;
	unsigned long ok = 0, failed = 0;
	char *raw, *p;

	raw = mmap(NULL, len + THP_SZ, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (raw == MAP_FAILED)
		die("mmap");
	p = (char *)(((unsigned long)raw + THP_SZ - 1) & ~(THP_SZ - 1));
	if (madvise(p, len, MADV_HUGEPAGE))
		die("madvise(MADV_HUGEPAGE)");
	memset(p, 1, len);
	ready("thp", p, len);
	while (!stop) {
		nanosleep(&ts, NULL);
		if (madvise(p, len, MADV_COLLAPSE))
			failed++;
		else
			ok++;
	}
	printf("collapsed %lu %lu\n", ok, failed);
	return 0;
}

static int run_file(unsigned long pages)
{
	int fd = memfd_create("pw-split", 0), node = 1;
	void **addr = calloc(pages, sizeof(*addr));
	int *nodes = calloc(pages, sizeof(*nodes));
	int *status = calloc(pages, sizeof(*status));
	unsigned long moved = 0, rounds = 0;
	char *p;

	if (fd < 0 || !addr || !nodes || !status)
		die("memfd_create/calloc");
	if (ftruncate(fd, pages * PAGE_SZ))
		die("ftruncate");
	p = mmap(NULL, pages * PAGE_SZ, PROT_READ | PROT_WRITE, MAP_SHARED,
		 fd, 0);
	if (p == MAP_FAILED)
		die("mmap memfd");
	memset(p, 1, pages * PAGE_SZ);
	for (unsigned long i = 0; i < pages; i++)
		addr[i] = p + i * PAGE_SZ;
	ready("file", p, pages * PAGE_SZ);
	while (!stop) {
		for (unsigned long i = 0; i < pages; i++)
			nodes[i] = node;
		if (move_pages(0, pages, addr, nodes, status, MPOL_MF_MOVE))
			die("move_pages");
		for (unsigned long i = 0; i < pages; i++)
			moved += status[i] == node;
		node = !node;
		rounds++;
	}
	printf("moved %lu %lu\n", moved, rounds);
	return 0;
}

static int run_hugezero(unsigned long mib)
{
	size_t len = mib << 20;
	volatile char sink = 0;
	char *raw, *p;

	raw = mmap(NULL, len + THP_SZ, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (raw == MAP_FAILED)
		die("mmap");
	p = (char *)(((unsigned long)raw + THP_SZ - 1) & ~(THP_SZ - 1));
	if (madvise(p, len, MADV_HUGEPAGE))
		die("madvise(MADV_HUGEPAGE)");
	for (size_t off = 0; off < len; off += THP_SZ)
		sink += p[off];
	ready("hugezero", p, len);
	while (!stop)
		pause();
	(void)sink;
	return 0;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_term };

	sigaction(SIGTERM, &sa, NULL);
	if (argc == 3 && !strcmp(argv[1], "thp"))
		return run_thp(strtoul(argv[2], NULL, 0));
	if (argc == 3 && !strcmp(argv[1], "file"))
		return run_file(strtoul(argv[2], NULL, 0));
	if (argc == 3 && !strcmp(argv[1], "hugezero"))
		return run_hugezero(strtoul(argv[2], NULL, 0));
	fprintf(stderr, "usage: pw-split thp MIB | file PAGES | hugezero MIB\n");
	return 2;
}
