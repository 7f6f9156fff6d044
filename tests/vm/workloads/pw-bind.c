// SPDX-License-Identifier: GPL-2.0
/*
 * pw-bind NODE PAGES: map PAGES anonymous pages bound to NODE with mbind,
 * touch each once, print "START END" (hex) and wait for a signal.
 */
#include "config.h"

#include <errno.h>
#include <numaif.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	unsigned long node, pages, nodemask;
	size_t page_size = (size_t)sysconf(_SC_PAGESIZE), len;
	char *buf;

	if (argc != 3) {
		fprintf(stderr, "usage: pw-bind NODE PAGES\n");
		return 2;
	}
	node = strtoul(argv[1], NULL, 0);
	pages = strtoul(argv[2], NULL, 0);
	len = pages * page_size;
	buf = mmap(NULL, len, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED) {
		fprintf(stderr, "pw-bind: mmap: %s\n", strerror(errno));
		return 1;
	}
	/* no THP: the test counts 4 KiB pages */
	madvise(buf, len, MADV_NOHUGEPAGE);
	nodemask = 1UL << node;
	if (mbind(buf, len, MPOL_BIND, &nodemask, sizeof(nodemask) * 8, 0)) {
		fprintf(stderr, "pw-bind: mbind node %lu: %s\n", node, strerror(errno));
		return 1;
	}
	for (size_t off = 0; off < len; off += page_size)
		buf[off] = 1;
	printf("%lx %lx\n", (unsigned long)buf, (unsigned long)buf + len);
	fflush(stdout);
	pause();
	return 0;
}
