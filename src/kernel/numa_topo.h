/* SPDX-License-Identifier: GPL-2.0 */
/* Named numa_topo.h, not numa.h: -I src would shadow libnuma's <numa.h>,
 * which the VM workloads include. */
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
	int *online;		/* online node ids, ascending */
	uint16_t *block_node;	/* memory block -> node */
	size_t nr_blocks;
	uint64_t block_pages;	/* PFNs per memory block */
	bool have_block_map;
};

/*
 * Online nodes (node/online) and the block map from SYSFS ("/sys" when
 * NULL); a kernel without NUMA has node 0 alone. 0 or -errno.
 */
int numa_topo_load(struct numa_topo *topo, const char *sysfs);
void numa_topo_free(struct numa_topo *topo);

/* Node of PFN, or NUMA_TOPO_NODE_NONE when the map does not say. */
unsigned int numa_topo_pfn_node(const struct numa_topo *topo, uint64_t pfn);

/* Nodes the machine can have (highest + 1; 1 without NUMA) */
int numa_nr_nodes(void);

/*
 * The nodes of the pages at ADDRS[0..NR) of PID into NODES (negative:
 * -errno of that page, -ENOENT when none is mapped): move_pages(2) with
 * no target nodes moves nothing and needs no CAP_SYS_ADMIN, only the
 * right to ptrace-read PID. NR 0 asks whether it may. 0 or -errno.
 */
int numa_pages_nodes(int pid, void **addrs, int *nodes, unsigned long nr);

/*
 * Keep this process's own memory out of NUMA balancing, placed as by
 * default (on the local node): set_mempolicy(MPOL_LOCAL) leaves
 * MPOL_F_MOF unset, and task_numa_work() skips a VMA whose policy lacks
 * it (vma_policy_mof(), checked on 6.1 and 6.12). Threads created
 * afterwards inherit it. 0 or -errno (a kernel without NUMA).
 */
int numa_own_memory_unbalanced(void);

/*
 * Run the calling thread on the CPUs of NODE (its sysfs cpulist), or on
 * every online CPU when NODE < 0. 0 or -errno (-ENODEV: NODE has no CPUs).
 */
int numa_run_on(int node);

#endif
