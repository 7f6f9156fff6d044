// SPDX-License-Identifier: GPL-2.0
/*
 * The collection step: a snapshot is the target's process facts, the
 * mappings selected, the sources described, then its pages read into a
 * keeper: the page array, or only per-mapping counts for one summary.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "collect/collect.h"
#include "collect/scan.h"
#include "model/filter.h"

int collect_open(struct collect *c, const struct collect_opts *opts)
{
	memset(c, 0, sizeof(*c));
	c->opts = *opts;
	return sources_open(&c->src, opts->pid, opts->no_kmod, opts->kmod_dir);
}

void collect_close(struct collect *c)
{
	sources_close(&c->src);
}

static bool mapping_selected(const struct collect_opts *opts,
			     const struct maps_entry *map)
{
	/* pagemap stops at TASK_SIZE: [vsyscall] has no entries to read */
	if (map->start >= (1ULL << 63))
		return false;
	if (opts->range_end &&
	    (map->end <= opts->range_start || map->start >= opts->range_end))
		return false;
	return !opts->vma || filter_vma_match(opts->vma, map->path);
}

static int select_mappings(const struct collect_opts *opts,
			   struct snapshot *snap)
{
	struct maps_entry *all;
	size_t nr, kept = 0;
	int err;

	err = maps_read(opts->pid, &all, &nr);
	if (err)
		return err;
	for (size_t i = 0; i < nr; i++) {
		if (mapping_selected(opts, &all[i])) {
			all[kept++] = all[i];
		} else {
			free(all[i].path);
		}
	}
	snap->mappings = all;
	snap->nr_mappings = kept;
	return 0;
}

/* The sources SRC gives a snapshot: one bit each. */
static unsigned int sources_used(const struct sources *src)
{
	/* process facts come from /proc/PID, not libproc2 (the picker's) */
	unsigned int used = 1U << SNAPSHOT_SRC_PAGEMAP;

	if (src->scan_ok)
		used |= 1U << SNAPSHOT_SRC_PAGEMAP_SCAN;
	if (src->cap_sys_admin || sources_kmod_ok(src))
		used |= 1U << SNAPSHOT_SRC_PFN;
	if (sources_kmod_ok(src)) {
		used |= 1U << SNAPSHOT_SRC_KMOD;
		if (src->kmod.kpage_fd >= 0)
			used |= 1U << SNAPSHOT_SRC_KMOD_KPAGE;
		if (src->kmod_seek_ok)
			used |= 1U << SNAPSHOT_SRC_KMOD_SEEK;
		if (src->kmod.device)
			used |= 1U << SNAPSHOT_SRC_KMOD_DEVICE;
	} else {
		if (sources_kpage_ok(src))
			used |= 1U << SNAPSHOT_SRC_KPAGEFLAGS |
				1U << SNAPSHOT_SRC_KPAGECOUNT;
		if (src->topo_ok && src->topo.have_block_map &&
		    src->cap_sys_admin)
			used |= 1U << SNAPSHOT_SRC_SYSFS_NODE;
	}
	if (src->topo_ok)
		used |= 1U << SNAPSHOT_SRC_LIBNUMA;
	if (src->node_query_ok && !sources_kmod_ok(src))
		used |= 1U << SNAPSHOT_SRC_MOVE_PAGES;
	return used;
}

static void describe(struct collect *c, struct snapshot *snap)
{
	const struct sources *src = &c->src;
	struct utsname uts;

	snap->seq = ++c->seq;
	snap->pid = c->opts.pid;
	snap->range_start = c->opts.range_start;
	snap->range_end = c->opts.range_end;
	snap->all = c->opts.all;
	clock_gettime(CLOCK_REALTIME, &snap->time);
	if (!uname(&uts))
		snprintf(snap->kernel, sizeof(snap->kernel), "%s", uts.release);
	snap->sources = sources_used(src);
	if (sources_kmod_ok(src))
		snap->kmod_abi = src->kmod.version.abi;
	if (src->topo_ok) {
		snap->nr_nodes = src->topo.nr_nodes;
		snap->online = src->topo.online;
		snap->nr_online = src->topo.nr_online;
	}
}

/* Pages into the page array or a spool, or into summaries (--summary). */
static int read_pages(struct collect *c, struct snapshot *snap,
		      const struct snapshot_range *ranges, size_t nr_ranges)
{
	const struct collect_opts *opts = &c->opts;
	struct keeper *keeper;
	int err;

	if (opts->summary_only)
		keeper = keep_summary_new(snap, opts->keep, opts->keep_arg);
	else if (opts->spool)
		keeper = keep_spool_new(snap);
	else
		keeper = keep_pages_new(snap);
	if (!keeper)
		return -ENOMEM;
	err = scan_pages(&c->src, snap, ranges, nr_ranges, opts->threads,
			 keeper);
	keeper->ops->free(keeper);
	return err;
}

static int take(struct collect *c, struct snapshot *snap,
		const struct snapshot_range *ranges, size_t nr_ranges)
{
	int err;

	memset(snap, 0, sizeof(*snap));
	describe(c, snap);
	err = procs_read(c->opts.pid, &snap->proc);
	if (err)
		return err;
	err = select_mappings(&c->opts, snap);
	if (err)
		goto err_free;
	/*
	 * A zombie's maps read empty and without error: no read below would
	 * fail, yet the target has exited (its mm is gone).
	 */
	if (!snap->nr_mappings && !procs_alive(snap->pid)) {
		err = -ESRCH;
		goto err_free;
	}
	err = read_pages(c, snap, ranges, nr_ranges);
	if (err)
		goto err_free;
	return 0;

err_free:
	snapshot_free(snap);
	return err;
}

int collect_snapshot(struct collect *c, struct snapshot *snap)
{
	return take(c, snap, NULL, 0);
}

int collect_ranges(struct collect *c, struct snapshot *snap,
		   const struct snapshot_range *ranges, size_t nr)
{
	return take(c, snap, ranges, nr);
}
