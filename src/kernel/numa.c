// SPDX-License-Identifier: GPL-2.0
/*
 * NUMA topology and the PFN -> node map, both from sysfs, and the NUMA
 * system calls pagewatch makes. No libnuma: its constructor reads sysfs and
 * /proc/self/status at every start (some 140,000 instructions and 40
 * system calls before main()), where a snapshot needs one file to know
 * the nodes.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/mempolicy.h>

#include "kernel/numa_topo.h"
#include "kernel/textfile.h"

/*
 * Call ADD(ID, ARG) for each id of a sysfs list ("0-3,8,10-11\n", the
 * format of node/online and nodeN/cpulist), at most up to MAX.
 * 0, or -EINVAL when malformed.
 */
static int parse_list(const char *s, int max, int (*add)(int, void *),
		      void *arg)
{
	while (*s && *s != '\n') {
		char *end;
		long lo = strtol(s, &end, 10), hi = lo;
		int err;

		if (end == s || lo < 0)
			return -EINVAL;
		s = end;
		if (*s == '-') {
			hi = strtol(s + 1, &end, 10);
			if (end == s + 1 || hi < lo)
				return -EINVAL;
			s = end;
		}
		if (hi > max)
			return -EINVAL;
		for (long id = lo; id <= hi; id++) {
			err = add((int)id, arg);
			if (err)
				return err;
		}
		if (*s == ',')
			s++;
		else if (*s && *s != '\n')
			return -EINVAL;
	}
	return 0;
}

/* Node ids are at most this (MAX_NUMNODES is 1 << 10 on Debian's kernels) */
#define NUMA_MAX_NODE_ID	4095

struct node_list {
	int ids[NUMA_MAX_NODE_ID + 1];
	int nr;
};

/* sysfs lists nodes ascending, each once: anything else is malformed */
static int add_node(int id, void *arg)
{
	struct node_list *l = arg;

	if (l->nr && id <= l->ids[l->nr - 1])
		return -EINVAL;
	l->ids[l->nr++] = id;
	return 0;
}

/*
 * The online nodes, ascending, from SYSFS/devices/system/node/online; a
 * kernel without NUMA has no such file and one node, 0 (as libnuma says
 * when numa_available() fails).
 */
static int online_nodes(const char *sysfs, struct node_list *l)
{
	char path[512], line[4096];
	int err;

	l->nr = 0;
	snprintf(path, sizeof(path), "%s/devices/system/node/online", sysfs);
	err = textfile_read(path, line, sizeof(line));
	if (err == -ENOENT) {
		l->ids[l->nr++] = 0;
		return 0;
	}
	if (!err)
		err = parse_list(line, NUMA_MAX_NODE_ID, add_node, l);
	if (!err && !l->nr)
		err = -EINVAL;
	return err;
}

static int load_nodes(struct numa_topo *topo, const char *sysfs)
{
	struct node_list *l = malloc(sizeof(*l));
	int err;

	if (!l)
		return -ENOMEM;
	err = online_nodes(sysfs, l);
	if (err)
		goto out;
	topo->nr_nodes = l->ids[l->nr - 1] + 1;
	topo->online = calloc((size_t)topo->nr_nodes, sizeof(*topo->online));
	if (!topo->online) {
		err = -ENOMEM;
		goto out;
	}
	memcpy(topo->online, l->ids, (size_t)l->nr * sizeof(*l->ids));
	topo->nr_online = l->nr;
out:
	free(l);
	return err;
}

static int set_block(struct numa_topo *topo, size_t block, unsigned int node)
{
	if (block >= topo->nr_blocks) {
		size_t n = topo->nr_blocks ? topo->nr_blocks : 256;
		uint16_t *grown;

		while (n <= block)
			n *= 2;
		grown = realloc(topo->block_node, n * sizeof(*grown));
		if (!grown)
			return -ENOMEM;
		for (size_t i = topo->nr_blocks; i < n; i++)
			grown[i] = NUMA_TOPO_NODE_NONE;
		topo->block_node = grown;
		topo->nr_blocks = n;
	}
	topo->block_node[block] = (uint16_t)node;
	return 0;
}

static int load_blocks(struct numa_topo *topo, const char *sysfs)
{
	unsigned long long block_size;
	char path[512];
	FILE *f;
	int err;

	snprintf(path, sizeof(path), "%s/devices/system/memory/block_size_bytes",
		 sysfs);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	err = fscanf(f, "%llx", &block_size) == 1 ? 0 : -EINVAL;
	fclose(f);
	if (err)
		return err;
	if (block_size < 4096)
		return -EINVAL;
	topo->block_pages = block_size / 4096;

	for (int i = 0; i < topo->nr_online; i++) {
		struct dirent *de;
		DIR *dir;

		snprintf(path, sizeof(path), "%s/devices/system/node/node%d",
			 sysfs, topo->online[i]);
		dir = opendir(path);
		if (!dir)
			return -errno;
		while ((de = readdir(dir))) {
			unsigned long block;
			char *end;

			if (strncmp(de->d_name, "memory", 6))
				continue;
			block = strtoul(de->d_name + 6, &end, 10);
			if (end == de->d_name + 6 || *end)
				continue;	/* memory_failure, memory_tier... */
			err = set_block(topo, block, (unsigned int)topo->online[i]);
			if (err) {
				closedir(dir);
				return err;
			}
		}
		closedir(dir);
	}
	topo->have_block_map = true;
	return 0;
}

int numa_topo_load(struct numa_topo *topo, const char *sysfs)
{
	int err;

	memset(topo, 0, sizeof(*topo));
	if (!sysfs)
		sysfs = "/sys";
	err = load_nodes(topo, sysfs);
	if (err)
		return err;
	/* without the block map, nodes come from the module only */
	load_blocks(topo, sysfs);
	return 0;
}

void numa_topo_free(struct numa_topo *topo)
{
	free(topo->online);
	free(topo->block_node);
	memset(topo, 0, sizeof(*topo));
}

unsigned int numa_topo_pfn_node(const struct numa_topo *topo, uint64_t pfn)
{
	uint64_t block;

	if (!topo->have_block_map || !topo->block_pages)
		return NUMA_TOPO_NODE_NONE;
	block = pfn / topo->block_pages;
	if (block >= topo->nr_blocks)
		return NUMA_TOPO_NODE_NONE;
	return topo->block_node[block];
}

int numa_pages_nodes(int pid, void **addrs, int *nodes, unsigned long nr)
{
	/*
	 * The kernel's do_pages_stat_array() looks each page up under
	 * mmap_read_lock without faulting it: 6.12 with folio_walk under the
	 * PTE lock, no reference taken (checked in linux-source-6.12), the
	 * zero page -EFAULT; 6.1 with follow_page(FOLL_DUMP), which took a
	 * passing reference (FOLL_GET) in some releases around 6.0 (not
	 * checked here).
	 */
	if (syscall(SYS_move_pages, pid, nr, addrs, NULL, nodes, 0) < 0)
		return -errno;
	return 0;
}

int numa_nr_nodes(void)
{
	struct node_list *l = malloc(sizeof(*l));
	int nr = 1;

	if (l && !online_nodes("/sys", l))
		nr = l->ids[l->nr - 1] + 1;
	free(l);
	return nr;
}

int numa_own_memory_unbalanced(void)
{
	return syscall(SYS_set_mempolicy, MPOL_LOCAL, NULL, 0) ? -errno : 0;
}

static int add_cpu(int id, void *arg)
{
	if (id >= CPU_SETSIZE)
		return -EINVAL;
	CPU_SET(id, (cpu_set_t *)arg);
	return 0;
}

int numa_run_on(int node)
{
	char path[512], line[4096];
	cpu_set_t cpus;
	int err;

	CPU_ZERO(&cpus);
	if (node < 0)
		snprintf(path, sizeof(path), "/sys/devices/system/cpu/online");
	else
		snprintf(path, sizeof(path),
			 "/sys/devices/system/node/node%d/cpulist", node);
	err = textfile_read(path, line, sizeof(line));
	if (!err)
		err = parse_list(line, CPU_SETSIZE - 1, add_cpu, &cpus);
	if (!err && !CPU_COUNT(&cpus))
		err = -ENODEV;	/* a node without CPUs */
	if (!err && sched_setaffinity(0, sizeof(cpus), &cpus))
		err = -errno;
	return err;
}
