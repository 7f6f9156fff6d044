/* SPDX-License-Identifier: GPL-2.0 */
/* Named numa_topo.h, not numa.h: -I src would shadow libnuma's <numa.h>. */
#ifndef PW_NUMA_TOPO_H
#define PW_NUMA_TOPO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NUMA_TOPO_NODE_NONE	0xffff

/*
 * Node topology and the PFN -> node map built once from the sysfs memory
 * blocks (/sys/devices/system/node/nodeN/memoryM), so that a PFN's node is
 * a table lookup, not a syscall.
 */
struct numa_topo {
	int nr_nodes;		/* highest node + 1 */
	int nr_online;
	int *online;		/* online node ids with memory, ascending */
	uint16_t *block_node;	/* memory block -> node */
	size_t nr_blocks;
	uint64_t block_pages;	/* PFNs per memory block */
	bool have_block_map;
};

/* Nodes from libnuma and the block map from SYSFS (usually "/sys"). */
int numa_topo_load(struct numa_topo *topo, const char *sysfs);
void numa_topo_free(struct numa_topo *topo);

/* Node of PFN, or NUMA_TOPO_NODE_NONE when the map does not say. */
unsigned int numa_topo_pfn_node(const struct numa_topo *topo, uint64_t pfn);

#endif
