// SPDX-License-Identifier: GPL-2.0
/* NUMA topology (libnuma) and the PFN -> node map from sysfs memory blocks. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <numa.h>
#include <numaif.h>

#include "kernel/numa_topo.h"

static int load_nodes(struct numa_topo *topo)
{
	int max;

	if (numa_available() < 0) {
		/* no NUMA support in the kernel: one node 0 */
		max = 0;
	} else {
		max = numa_max_node();
	}
	topo->online = calloc((size_t)max + 1, sizeof(*topo->online));
	if (!topo->online)
		return -ENOMEM;
	topo->nr_nodes = max + 1;
	for (int n = 0; n <= max; n++) {
		if (max && !numa_bitmask_isbitset(numa_nodes_ptr, (unsigned int)n))
			continue;
		topo->online[topo->nr_online++] = n;
	}
	return 0;
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
	err = load_nodes(topo);
	if (err)
		return err;
	/* without the block map, nodes come from the module only */
	load_blocks(topo, sysfs ? sysfs : "/sys");
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
	if (move_pages(pid, nr, addrs, NULL, nodes, 0) < 0)
		return -errno;
	return 0;
}

int numa_nr_nodes(void)
{
	return numa_available() < 0 ? 1 : numa_max_node() + 1;
}

int numa_own_memory_unbalanced(void)
{
	return set_mempolicy(MPOL_LOCAL, NULL, 0) ? -errno : 0;
}
