// SPDX-License-Identifier: GPL-2.0
/*
 * pw-pfnmap: a private copy-on-write page in a PFN map. Maps the first two
 * pages of the first memory BAR found in /sys/bus/pci/devices/.../resourceN
 * (a VM_IO | VM_PFNMAP mapping made by io_remap_pfn_range()) MAP_PRIVATE
 * and writable, reads page 0 (a raw PFN entry) and writes page 1 (the
 * write fault copies it to an ordinary anonymous page). Prints "device
 * PATH PFN" (hex, the BAR's first frame), "region pfnmap START END" and
 * "ready", then waits for SIGTERM; or "nodevice WHY" and exits 0 when no
 * BAR can be mapped.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define PAGE_SZ		4096UL
#define IORESOURCE_MEM	0x00000200UL

/* the first memory BAR of DEV of at least two pages: its index, or -1 */
static int memory_bar(const char *dev, unsigned long long *start)
{
	unsigned long long s, e, flags;
	char path[512];
	int i = 0, found = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/resource", dev);
	f = fopen(path, "r");
	if (!f)
		return -1;
	for (; i < 6 && fscanf(f, "%llx %llx %llx", &s, &e, &flags) == 3; i++) {
		if ((flags & IORESOURCE_MEM) && e > s && e - s + 1 >= 2 * PAGE_SZ) {
			*start = s;
			found = i;
			break;
		}
	}
	fclose(f);
	return found;
}

int main(void)
{
	char path[512], why[600] = "no PCI device with a memory BAR";
	unsigned long long start;
	volatile char *p;
	struct dirent *d;
	sigset_t set;
	DIR *dir;
	int fd = -1, sig;

	dir = opendir("/sys/bus/pci/devices");
	while (dir && (d = readdir(dir))) {
		int bar;

		if (d->d_name[0] == '.')
			continue;
		bar = memory_bar(d->d_name, &start);
		if (bar < 0)
			continue;
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/resource%d",
			 d->d_name, bar);
		fd = open(path, O_RDWR);
		if (fd >= 0)
			break;
		snprintf(why, sizeof(why), "open %s: %s", path, strerror(errno));
	}
	if (dir)
		closedir(dir);
	if (fd < 0) {
		printf("nodevice %s\n", why);
		return 0;
	}
	p = mmap(NULL, 2 * PAGE_SZ, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED) {
		printf("nodevice mmap(MAP_PRIVATE) of %s: %s\n", path, strerror(errno));
		return 0;
	}
	(void)p[0];
	p[PAGE_SZ] = 0x5a;	/* copy-on-write: an anonymous page */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, NULL);
	printf("device %s %llx\n", path, start / PAGE_SZ);
	printf("region pfnmap %lx %lx\n", (unsigned long)p,
	       (unsigned long)p + 2 * PAGE_SZ);
	printf("ready\n");
	fflush(stdout);
	sigwait(&set, &sig);
	return 0;
}
