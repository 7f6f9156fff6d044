// SPDX-License-Identifier: GPL-2.0
/*
 * The NUMA topology read from sysfs without libnuma: this machine's nodes
 * as its node directories show them, and lists in node/online's syntax,
 * well formed or not, under a sysfs root of the test's own.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kernel/numa_topo.h"
#include "unit.h"

/* A sysfs root whose node/online holds LIST (NULL: no node directory) */
static char *sysfs_with(const char *list)
{
	char *root = strdup("/tmp/pw-numa-XXXXXX"), path[256];
	FILE *f;

	ck_assert_ptr_nonnull(mkdtemp(root));
	snprintf(path, sizeof(path), "%s/devices", root);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/devices/system", root);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	if (!list)
		return root;
	snprintf(path, sizeof(path), "%s/devices/system/node", root);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/devices/system/node/online", root);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(list, f);
	fclose(f);
	return root;
}

static void remove_sysfs(char *root)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	ck_assert_int_eq(system(cmd), 0);
	free(root);
}

START_TEST(test_nodes_are_this_machines_node_directories)
{
	struct numa_topo topo;
	int dirs[4096], nr = 0, highest = -1;
	struct dirent *de;
	DIR *dir = opendir("/sys/devices/system/node");

	if (!dir)
		return;		/* a kernel without NUMA: one node, below */
	while ((de = readdir(dir))) {
		char *end;
		long n;

		if (strncmp(de->d_name, "node", 4))
			continue;
		n = strtol(de->d_name + 4, &end, 10);
		if (end == de->d_name + 4 || *end)
			continue;
		dirs[nr++] = (int)n;
		if (n > highest)
			highest = (int)n;
	}
	closedir(dir);

	ck_assert_int_eq(numa_topo_load(&topo, NULL), 0);
	ck_assert_int_eq(topo.nr_online, nr);
	ck_assert_int_eq(topo.nr_nodes, highest + 1);
	ck_assert_int_eq(numa_nr_nodes(), highest + 1);
	for (int i = 0; i < topo.nr_online; i++) {
		bool found = false;

		if (i)
			ck_assert_int_lt(topo.online[i - 1], topo.online[i]);
		for (int k = 0; k < nr; k++)
			found |= dirs[k] == topo.online[i];
		ck_assert_msg(found, "node %d has no directory", topo.online[i]);
	}
	numa_topo_free(&topo);
}
END_TEST

START_TEST(test_ranges_and_single_nodes_are_listed_ascending)
{
	char *root = sysfs_with("0-2,4,6-7\n");
	const int want[] = { 0, 1, 2, 4, 6, 7 };
	struct numa_topo topo;

	ck_assert_int_eq(numa_topo_load(&topo, root), 0);
	ck_assert_int_eq(topo.nr_online, 6);
	ck_assert_int_eq(topo.nr_nodes, 8);
	for (int i = 0; i < 6; i++)
		ck_assert_int_eq(topo.online[i], want[i]);
	/* no memory blocks under this root: nodes come from the module only */
	ck_assert(!topo.have_block_map);
	numa_topo_free(&topo);
	remove_sysfs(root);
}
END_TEST

START_TEST(test_a_kernel_without_numa_has_node_0_alone)
{
	char *root = sysfs_with(NULL);
	struct numa_topo topo;

	ck_assert_int_eq(numa_topo_load(&topo, root), 0);
	ck_assert_int_eq(topo.nr_online, 1);
	ck_assert_int_eq(topo.nr_nodes, 1);
	ck_assert_int_eq(topo.online[0], 0);
	numa_topo_free(&topo);
	remove_sysfs(root);
}
END_TEST

START_TEST(test_malformed_node_lists_are_refused)
{
	const char *bad[] = { "", "\n", "x\n", "1-\n", "3-1\n", "0,,1\n",
			      "0 1\n", "-1\n", "0-99999\n", "2,1\n", "0-3,2\n",
			      "0-4095,0-4095\n" };
	struct numa_topo topo;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *root = sysfs_with(bad[i]);

		ck_assert_msg(numa_topo_load(&topo, root) == -EINVAL,
			      "\"%s\" was accepted", bad[i]);
		remove_sysfs(root);
	}
}
END_TEST

START_TEST(test_running_on_every_cpu_allows_every_online_cpu)
{
	cpu_set_t before, after;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	ck_assert_int_eq(sched_getaffinity(0, sizeof(before), &before), 0);
	ck_assert_int_eq(numa_run_on(-1), 0);
	ck_assert_int_eq(sched_getaffinity(0, sizeof(after), &after), 0);
	ck_assert_int_eq(CPU_COUNT(&after), cpus);
	/* a node that does not exist has no cpulist */
	ck_assert_int_eq(numa_run_on(4095), -ENOENT);
	ck_assert_int_eq(sched_setaffinity(0, sizeof(before), &before), 0);
}
END_TEST

static void add(TCase *tc)
{
	tcase_add_test(tc, test_nodes_are_this_machines_node_directories);
	tcase_add_test(tc, test_ranges_and_single_nodes_are_listed_ascending);
	tcase_add_test(tc, test_a_kernel_without_numa_has_node_0_alone);
	tcase_add_test(tc, test_malformed_node_lists_are_refused);
	tcase_add_test(tc, test_running_on_every_cpu_allows_every_online_cpu);
}

int main(void)
{
	return unit_run("numa", add);
}
