// SPDX-License-Identifier: GPL-2.0
/* The per-page model: one snapshot merges every source that is available. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "filter.h"
#include "pagemap.h"
#include "scan.h"
#include "snapshot.h"

static const char *const source_names[SNAPSHOT_SRC_NR] = {
	[SNAPSHOT_SRC_PAGEMAP] = "pagemap",
	[SNAPSHOT_SRC_PAGEMAP_SCAN] = "pagemap_scan",
	[SNAPSHOT_SRC_PFN] = "pfn",
	[SNAPSHOT_SRC_KPAGEFLAGS] = "kpageflags",
	[SNAPSHOT_SRC_KPAGECOUNT] = "kpagecount",
	[SNAPSHOT_SRC_SYSFS_NODE] = "sysfs_node",
	[SNAPSHOT_SRC_KMOD] = "kmod",
	[SNAPSHOT_SRC_KMOD_KPAGE] = "kmod_kpage",
	[SNAPSHOT_SRC_KMOD_SEEK] = "kmod_seek",
	[SNAPSHOT_SRC_LIBNUMA] = "libnuma",
	[SNAPSHOT_SRC_LIBPROC2] = "libproc2",
};

static const char *const count_names[SNAPSHOT_COUNT_NR] = {
	[SNAPSHOT_COUNT_RESIDENT] = "resident",
	[SNAPSHOT_COUNT_SWAPPED] = "swapped",
	[SNAPSHOT_COUNT_THP] = "thp",
	[SNAPSHOT_COUNT_PINNED] = "pinned",
	[SNAPSHOT_COUNT_PROTNONE] = "protnone",
	[SNAPSHOT_COUNT_MIGRATED] = "migrated",
	[SNAPSHOT_COUNT_DIVERGED] = "diverged",
};

const char *snapshot_source_name(unsigned int src)
{
	return src < SNAPSHOT_SRC_NR ? source_names[src] : NULL;
}

const char *snapshot_count_name(unsigned int count)
{
	return count < SNAPSHOT_COUNT_NR ? count_names[count] : NULL;
}

int snapshot_ctx_open(struct snapshot_ctx *ctx, const struct snapshot_opts *opts)
{
	struct pagemap_region region;
	uint64_t walk_end;
	int err;

	memset(ctx, 0, sizeof(*ctx));
	ctx->opts = *opts;
	ctx->kpage.flags_fd = ctx->kpage.count_fd = -1;
	ctx->kmod.pages_fd = ctx->kmod.kpage_fd = -1;

	ctx->pagemap_fd = pagemap_open(opts->pid);
	if (ctx->pagemap_fd < 0)
		return ctx->pagemap_fd;
	/* PAGEMAP_SCAN came with 6.7; older kernels say ENOTTY or EINVAL */
	ctx->scan_ok = pagemap_scan(ctx->pagemap_fd, 0, 4096, &region, 1,
				    &walk_end) >= 0;

	/* pagemap hides PFNs, and kpageflags is useless, without it */
	ctx->cap_sys_admin = procs_have_cap_sys_admin();
	if (ctx->cap_sys_admin) {
		ctx->kpage_err = kpage_open(&ctx->kpage);
		ctx->kpage_ok = !ctx->kpage_err;
	} else {
		ctx->kpage_err = -EPERM;
	}
	ctx->topo_ok = !numa_topo_load(&ctx->topo, "/sys");

	if (opts->no_kmod) {
		ctx->kmod_err = -ECANCELED;
		return 0;
	}
	if (!procs_same_pid_ns()) {
		ctx->kmod_err = -EXDEV;
		return 0;
	}
	err = kmod_open(&ctx->kmod, opts->kmod_dir);
	if (err == -EPROTO)
		goto err_close;
	if (!err) {
		err = kmod_bind(&ctx->kmod, opts->pid);
		if (err == -ESRCH)
			goto err_close;
	}
	ctx->kmod_err = err;
	ctx->kmod_ok = !err;
	if (err)
		kmod_close(&ctx->kmod);
	/* before 6.7 the module's SEEK_DATA lists the populated regions */
	ctx->kmod_seek_ok = ctx->kmod_ok && !ctx->scan_ok &&
			    ctx->kmod.version.feature_seek_data;
	return 0;

err_close:
	snapshot_ctx_close(ctx);
	return err;
}

void snapshot_ctx_close(struct snapshot_ctx *ctx)
{
	if (ctx->pagemap_fd >= 0)
		close(ctx->pagemap_fd);
	ctx->pagemap_fd = -1;
	kpage_close(&ctx->kpage);
	kmod_close(&ctx->kmod);
	if (ctx->topo_ok)
		numa_topo_free(&ctx->topo);
	ctx->topo_ok = false;
}

size_t snapshot_page_index(const struct snapshot *snap, uint64_t vaddr)
{
	size_t lo = 0, hi = snap->nr_pages;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (snap->pages[mid].vaddr < vaddr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int snapshot_add_page(struct snapshot *snap, const struct snapshot_page *page)
{
	if (snap->nr_pages == snap->cap_pages) {
		size_t cap = snap->cap_pages ? 2 * snap->cap_pages : 1024;
		struct snapshot_page *grown;

		grown = realloc(snap->pages, cap * sizeof(*grown));
		if (!grown)
			return -ENOMEM;
		snap->pages = grown;
		snap->cap_pages = cap;
	}
	snap->pages[snap->nr_pages++] = *page;
	return 0;
}

void snapshot_free(struct snapshot *snap)
{
	maps_free(snap->mappings, snap->nr_mappings);
	free(snap->pages);
	free(snap->changes);
	snapshot_summary_free(snap->summaries, snap->nr_summaries);
	memset(snap, 0, sizeof(*snap));
}

static bool mapping_selected(const struct snapshot_opts *opts,
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

static int select_mappings(const struct snapshot_opts *opts,
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

static void describe(struct snapshot_ctx *ctx, struct snapshot *snap)
{
	struct utsname uts;

	snap->seq = ++ctx->seq;
	snap->pid = ctx->opts.pid;
	snap->range_start = ctx->opts.range_start;
	snap->range_end = ctx->opts.range_end;
	snap->all = ctx->opts.all;
	clock_gettime(CLOCK_REALTIME, &snap->time);
	if (!uname(&uts))
		snprintf(snap->kernel, sizeof(snap->kernel), "%s", uts.release);
	snap->sources = 1U << SNAPSHOT_SRC_PAGEMAP | 1U << SNAPSHOT_SRC_LIBPROC2;
	if (ctx->scan_ok)
		snap->sources |= 1U << SNAPSHOT_SRC_PAGEMAP_SCAN;
	if (ctx->cap_sys_admin || ctx->kmod_ok)
		snap->sources |= 1U << SNAPSHOT_SRC_PFN;
	if (ctx->kmod_ok) {
		snap->sources |= 1U << SNAPSHOT_SRC_KMOD;
		snap->kmod_abi = ctx->kmod.version.abi;
		if (ctx->kmod.kpage_fd >= 0)
			snap->sources |= 1U << SNAPSHOT_SRC_KMOD_KPAGE;
		if (ctx->kmod_seek_ok)
			snap->sources |= 1U << SNAPSHOT_SRC_KMOD_SEEK;
	} else {
		if (ctx->kpage_ok)
			snap->sources |= 1U << SNAPSHOT_SRC_KPAGEFLAGS |
					 1U << SNAPSHOT_SRC_KPAGECOUNT;
		if (ctx->topo_ok && ctx->topo.have_block_map && ctx->cap_sys_admin)
			snap->sources |= 1U << SNAPSHOT_SRC_SYSFS_NODE;
	}
	if (ctx->topo_ok) {
		snap->sources |= 1U << SNAPSHOT_SRC_LIBNUMA;
		snap->nr_nodes = ctx->topo.nr_nodes;
		snap->online = ctx->topo.online;
		snap->nr_online = ctx->topo.nr_online;
	}
}

static int take(struct snapshot_ctx *ctx, struct snapshot *snap,
		const struct snapshot_range *ranges, size_t nr_ranges)
{
	int err;

	memset(snap, 0, sizeof(*snap));
	describe(ctx, snap);
	err = procs_read(ctx->opts.pid, &snap->proc);
	if (err)
		return err;
	err = select_mappings(&ctx->opts, snap);
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
	err = scan_snapshot(ctx, snap, ranges, nr_ranges);
	if (err)
		goto err_free;
	return 0;

err_free:
	snapshot_free(snap);
	return err;
}

int snapshot_take(struct snapshot_ctx *ctx, struct snapshot *snap)
{
	return take(ctx, snap, NULL, 0);
}

int snapshot_take_ranges(struct snapshot_ctx *ctx, struct snapshot *snap,
			 const struct snapshot_range *ranges, size_t nr)
{
	return take(ctx, snap, ranges, nr);
}

/* The flag bit each count counts: one table, shared by both below. */
static const unsigned int count_bits[SNAPSHOT_COUNT_NR] = {
	[SNAPSHOT_COUNT_RESIDENT] = PAGEWATCH_PAGE_PRESENT,
	[SNAPSHOT_COUNT_SWAPPED] = PAGEWATCH_PAGE_SWAP,
	[SNAPSHOT_COUNT_THP] = PAGEWATCH_PAGE_THP,
	[SNAPSHOT_COUNT_PINNED] = PAGEWATCH_PAGE_MAYBE_PINNED,
	[SNAPSHOT_COUNT_PROTNONE] = PAGEWATCH_PAGE_PROTNONE,
	[SNAPSHOT_COUNT_MIGRATED] = SNAPSHOT_PAGE_MIGRATED,
	[SNAPSHOT_COUNT_DIVERGED] = SNAPSHOT_PAGE_DIVERGED,
};

bool snapshot_page_counts(const struct snapshot_page *page, unsigned int c)
{
	return c < SNAPSHOT_COUNT_NR && snapshot_page_test(page, count_bits[c]);
}

static void summary_known(const struct snapshot *snap, bool *known)
{
	bool kmod = snapshot_has(snap, SNAPSHOT_SRC_KMOD);

	known[SNAPSHOT_COUNT_RESIDENT] = true;
	known[SNAPSHOT_COUNT_SWAPPED] = true;
	known[SNAPSHOT_COUNT_THP] = kmod ||
				    snapshot_has(snap, SNAPSHOT_SRC_KPAGEFLAGS);
	known[SNAPSHOT_COUNT_PINNED] = kmod;
	known[SNAPSHOT_COUNT_PROTNONE] = kmod;
	known[SNAPSHOT_COUNT_MIGRATED] = snap->tracked &&
					 snapshot_has(snap, SNAPSHOT_SRC_PFN);
	known[SNAPSHOT_COUNT_DIVERGED] = snap->tracked &&
					 snapshot_has(snap, SNAPSHOT_SRC_KMOD_KPAGE);
}

int snapshot_summary_add(const struct snapshot *snap,
			 struct snapshot_summary *all, size_t *n,
			 const struct snapshot_page *page)
{
	struct snapshot_summary *sum = *n ? &all[*n - 1] : NULL;
	int nodes = snap->nr_nodes > 0 ? snap->nr_nodes : 1;

	/* pages come sorted by address: a new mapping starts a new line */
	if (!sum || sum->mapping != page->mapping) {
		sum = &all[(*n)++];
		sum->mapping = page->mapping;
		summary_known(snap, sum->known);
		sum->node_pages = calloc((size_t)nodes, sizeof(uint64_t));
		if (!sum->node_pages)
			return -ENOMEM;
	}
	/* the session summarizes a million pages a second: no branches */
	for (unsigned int c = 0; c < SNAPSHOT_COUNT_NR; c++)
		sum->count[c] += (page->flags >> count_bits[c]) & 1;
	if (snapshot_page_test(page, PAGEWATCH_PAGE_PRESENT) &&
	    snapshot_page_test(page, SNAPSHOT_KNOWN_NODE) &&
	    page->node < nodes)
		sum->node_pages[page->node]++;
	return 0;
}

int snapshot_summarize(const struct snapshot *snap,
		       bool (*keep)(const struct snapshot_page *, const void *),
		       const void *arg, struct snapshot_summary **summaries,
		       size_t *nr)
{
	struct snapshot_summary *all;
	size_t n = 0;

	all = calloc(snap->nr_mappings ? snap->nr_mappings : 1, sizeof(*all));
	if (!all)
		return -ENOMEM;
	for (size_t i = 0; i < snap->nr_pages; i++) {
		const struct snapshot_page *page = &snap->pages[i];

		if (keep && !keep(page, arg))
			continue;
		if (snapshot_summary_add(snap, all, &n, page)) {
			snapshot_summary_free(all, n);
			return -ENOMEM;
		}
	}
	*summaries = all;
	*nr = n;
	return 0;
}

void snapshot_summary_free(struct snapshot_summary *summaries, size_t nr)
{
	for (size_t i = 0; i < nr; i++)
		free(summaries[i].node_pages);
	free(summaries);
}
