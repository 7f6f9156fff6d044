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
#include "snapshot.h"

#define SCAN_REGIONS	256

static const char *const source_names[SNAPSHOT_SRC_NR] = {
	[SNAPSHOT_SRC_PAGEMAP] = "pagemap",
	[SNAPSHOT_SRC_PAGEMAP_SCAN] = "pagemap_scan",
	[SNAPSHOT_SRC_PFN] = "pfn",
	[SNAPSHOT_SRC_KPAGEFLAGS] = "kpageflags",
	[SNAPSHOT_SRC_KPAGECOUNT] = "kpagecount",
	[SNAPSHOT_SRC_SYSFS_NODE] = "sysfs_node",
	[SNAPSHOT_SRC_KMOD] = "kmod",
	[SNAPSHOT_SRC_KMOD_KPAGE] = "kmod_kpage",
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
	memset(snap, 0, sizeof(*snap));
}

/* Build a page from its pagemap entry and, when bound, the module's record. */
static void merge_page(const struct snapshot_ctx *ctx, const struct maps_entry *map,
		       uint64_t raw, const struct kmod_page *rec,
		       struct snapshot_page *page)
{
	struct pagemap_entry pm;

	pagemap_decode(raw, &pm);
	page->flags = 0;
	page->node = PAGEWATCH_NODE_NONE;
	page->pfn = 0;
	page->refcount = page->mapcount = page->pincount = 0;
	page->order = page->swap_type = 0;
	if (pm.soft_dirty)
		page->flags |= SNAPSHOT_BIT(SNAPSHOT_PAGE_SOFT_DIRTY);
	if (pm.exclusive)
		page->flags |= SNAPSHOT_BIT(SNAPSHOT_PAGE_EXCLUSIVE);
	if (pm.uffd_wp)
		page->flags |= SNAPSHOT_BIT(SNAPSHOT_PAGE_UFFD_WP);
	if (pm.guard)
		page->flags |= SNAPSHOT_BIT(SNAPSHOT_PAGE_GUARD);

	if (rec) {
		page->flags |= rec->flags & (SNAPSHOT_BIT(32) - 1);
		page->flags |= SNAPSHOT_BIT(SNAPSHOT_KNOWN_KMOD) |
			       SNAPSHOT_BIT(SNAPSHOT_KNOWN_MAPCOUNT) |
			       SNAPSHOT_BIT(SNAPSHOT_KNOWN_THP);
		page->pfn = rec->pfn;
		page->refcount = rec->refcount;
		page->mapcount = rec->mapcount;
		page->pincount = rec->pincount;
		page->order = rec->order;
		page->swap_type = rec->swap_type;
		if (rec->flags & (SNAPSHOT_BIT(PAGEWATCH_PAGE_PRESENT) |
				  SNAPSHOT_BIT(PAGEWATCH_PAGE_MIGRATION)))
			page->flags |= SNAPSHOT_BIT(SNAPSHOT_KNOWN_PFN);
		if (rec->node != PAGEWATCH_NODE_NONE) {
			page->node = rec->node;
			page->flags |= SNAPSHOT_BIT(SNAPSHOT_KNOWN_NODE);
		}
		return;
	}

	if (maps_is_prot_none(map))
		page->flags |= SNAPSHOT_BIT(PAGEWATCH_PAGE_VMA_PROTNONE);
	if (pm.present) {
		page->flags |= SNAPSHOT_BIT(PAGEWATCH_PAGE_PRESENT);
		page->flags |= SNAPSHOT_BIT(pm.file ? PAGEWATCH_PAGE_FILE :
					    PAGEWATCH_PAGE_ANON);
		/* pagemap zeroes PFNs for readers without CAP_SYS_ADMIN (4.2) */
		if (ctx->cap_sys_admin && pm.pfn) {
			page->pfn = pm.pfn;
			page->flags |= SNAPSHOT_BIT(SNAPSHOT_KNOWN_PFN);
		}
	} else if (pm.swapped) {
		/* without the module a migration entry reads as swapped */
		page->flags |= SNAPSHOT_BIT(PAGEWATCH_PAGE_SWAP);
		page->pfn = pm.pfn;
		page->swap_type = (uint8_t)pm.swap_type;
	}
}

static bool page_has_state(const struct snapshot_page *page)
{
	return page->flags & (SNAPSHOT_BIT(PAGEWATCH_PAGE_PRESENT) |
			      SNAPSHOT_BIT(PAGEWATCH_PAGE_SWAP) |
			      SNAPSHOT_BIT(PAGEWATCH_PAGE_MIGRATION));
}

struct scan_bufs {
	uint64_t *raw;
	struct kmod_page *recs;
};

/* Read the pages of [start, end) of mapping INDEX in batches. */
static int read_range(struct snapshot_ctx *ctx, struct snapshot *snap,
		      struct scan_bufs *bufs, size_t index, uint64_t start,
		      uint64_t end)
{
	const struct maps_entry *map = &snap->mappings[index];
	uint64_t addr = start;
	int err;

	while (addr < end) {
		size_t want = (end - addr) / 4096;
		long got, nr_recs = 0;

		if (want > PAGEMAP_BATCH)
			want = PAGEMAP_BATCH;
		got = pagemap_read(ctx->pagemap_fd, addr, bufs->raw, want);
		if (got < 0)
			return (int)got;
		/* inside a mapping, nothing to read means the mm is gone */
		if (got == 0)
			return -ESRCH;
		if (ctx->kmod_ok) {
			nr_recs = kmod_read_pages(&ctx->kmod, addr, bufs->recs,
						  (size_t)got);
			if (nr_recs < 0)
				return (int)nr_recs;
			if (nr_recs == 0)
				return -ESRCH;
		}
		for (long i = 0; i < got; i++) {
			struct snapshot_page page;

			merge_page(ctx, map, bufs->raw[i],
				   i < nr_recs ? &bufs->recs[i] : NULL, &page);
			if (!snap->all && !page_has_state(&page))
				continue;
			page.vaddr = addr + (uint64_t)i * 4096;
			page.mapping = (uint32_t)index;
			err = snapshot_add_page(snap, &page);
			if (err)
				return err;
		}
		addr += (uint64_t)got * 4096;
	}
	return 0;
}

static int read_mapping(struct snapshot_ctx *ctx, struct snapshot *snap,
			struct scan_bufs *bufs, size_t index)
{
	const struct maps_entry *map = &snap->mappings[index];
	struct pagemap_region regions[SCAN_REGIONS];
	uint64_t start = map->start, end = map->end, walk_end;
	long nr;
	int err;

	if (snap->range_end) {
		start = start > snap->range_start ? start : snap->range_start;
		end = end < snap->range_end ? end : snap->range_end;
	}
	if (snap->all || !ctx->scan_ok)
		return read_range(ctx, snap, bufs, index, start, end);

	while (start < end) {
		nr = pagemap_scan(ctx->pagemap_fd, start, end, regions,
				  SCAN_REGIONS, &walk_end);
		if (nr < 0)
			return procs_alive(snap->pid) ? (int)nr : -ESRCH;
		for (long i = 0; i < nr; i++) {
			err = read_range(ctx, snap, bufs, index,
					 regions[i].start, regions[i].end);
			if (err)
				return err;
		}
		if (walk_end <= start)
			break;
		start = walk_end;
	}
	return 0;
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

static int cmp_info(const void *a, const void *b)
{
	const struct kpage_info *x = a, *y = b;

	return x->pfn < y->pfn ? -1 : x->pfn > y->pfn;
}

/* Without the module: mapcount, THP and more from kpageflags/kpagecount. */
static int add_kpage_facts(struct snapshot_ctx *ctx, struct snapshot *snap)
{
	struct kpage_info *info, key, *hit;
	size_t nr = 0, uniq = 0;
	int err;

	info = malloc((snap->nr_pages ? snap->nr_pages : 1) * sizeof(*info));
	if (!info)
		return -ENOMEM;
	for (size_t i = 0; i < snap->nr_pages; i++)
		if (snapshot_page_test(&snap->pages[i], SNAPSHOT_KNOWN_PFN))
			info[nr++].pfn = snap->pages[i].pfn;
	qsort(info, nr, sizeof(*info), cmp_info);
	for (size_t i = 0; i < nr; i++)
		if (!uniq || info[uniq - 1].pfn != info[i].pfn)
			info[uniq++] = info[i];
	err = kpage_lookup(&ctx->kpage, info, uniq);
	if (err)
		goto out_free;

	for (size_t i = 0; i < snap->nr_pages; i++) {
		struct snapshot_page *page = &snap->pages[i];

		if (!snapshot_page_test(page, SNAPSHOT_KNOWN_PFN))
			continue;
		key.pfn = page->pfn;
		hit = bsearch(&key, info, uniq, sizeof(*info), cmp_info);
		if (!hit)
			continue;
		page->mapcount = (uint32_t)hit->count;
		page->flags |= SNAPSHOT_BIT(SNAPSHOT_KNOWN_MAPCOUNT) |
			       SNAPSHOT_BIT(SNAPSHOT_KNOWN_THP);
		page->flags |= kpage_decode(hit->flags);
	}
out_free:
	free(info);
	return err;
}

static void add_sysfs_nodes(const struct snapshot_ctx *ctx, struct snapshot *snap)
{
	for (size_t i = 0; i < snap->nr_pages; i++) {
		struct snapshot_page *page = &snap->pages[i];
		unsigned int node;

		if (!snapshot_page_test(page, SNAPSHOT_KNOWN_PFN) ||
		    !snapshot_page_test(page, PAGEWATCH_PAGE_PRESENT))
			continue;
		node = numa_topo_pfn_node(&ctx->topo, page->pfn);
		if (node == NUMA_TOPO_NODE_NONE)
			continue;
		page->node = (uint16_t)node;
		page->flags |= SNAPSHOT_BIT(SNAPSHOT_KNOWN_NODE);
	}
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

int snapshot_take(struct snapshot_ctx *ctx, struct snapshot *snap)
{
	struct scan_bufs bufs = { NULL, NULL };
	int err;

	memset(snap, 0, sizeof(*snap));
	describe(ctx, snap);
	err = procs_read(ctx->opts.pid, &snap->proc);
	if (err)
		return err;
	err = select_mappings(&ctx->opts, snap);
	if (err)
		goto err_free;

	err = -ENOMEM;
	bufs.raw = malloc(PAGEMAP_BATCH * sizeof(*bufs.raw));
	if (!bufs.raw)
		goto err_free;
	if (ctx->kmod_ok) {
		bufs.recs = malloc(PAGEMAP_BATCH * sizeof(*bufs.recs));
		if (!bufs.recs)
			goto err_free;
	}
	for (size_t i = 0; i < snap->nr_mappings; i++) {
		err = read_mapping(ctx, snap, &bufs, i);
		if (err)
			goto err_free;
	}
	if (!ctx->kmod_ok && ctx->kpage_ok) {
		err = add_kpage_facts(ctx, snap);
		if (err)
			goto err_free;
	}
	if (snapshot_has(snap, SNAPSHOT_SRC_SYSFS_NODE))
		add_sysfs_nodes(ctx, snap);
	free(bufs.raw);
	free(bufs.recs);
	return 0;

err_free:
	free(bufs.raw);
	free(bufs.recs);
	snapshot_free(snap);
	return err;
}

bool snapshot_page_counts(const struct snapshot_page *page, unsigned int c)
{
	static const unsigned int bits[SNAPSHOT_COUNT_NR] = {
		[SNAPSHOT_COUNT_RESIDENT] = PAGEWATCH_PAGE_PRESENT,
		[SNAPSHOT_COUNT_SWAPPED] = PAGEWATCH_PAGE_SWAP,
		[SNAPSHOT_COUNT_THP] = PAGEWATCH_PAGE_THP,
		[SNAPSHOT_COUNT_PINNED] = PAGEWATCH_PAGE_MAYBE_PINNED,
		[SNAPSHOT_COUNT_PROTNONE] = PAGEWATCH_PAGE_PROTNONE,
		[SNAPSHOT_COUNT_MIGRATED] = SNAPSHOT_PAGE_MIGRATED,
		[SNAPSHOT_COUNT_DIVERGED] = SNAPSHOT_PAGE_DIVERGED,
	};

	return c < SNAPSHOT_COUNT_NR && snapshot_page_test(page, bits[c]);
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

int snapshot_summarize(const struct snapshot *snap,
		       bool (*keep)(const struct snapshot_page *, const void *),
		       const void *arg, struct snapshot_summary **summaries,
		       size_t *nr)
{
	struct snapshot_summary *all, *sum = NULL;
	size_t n = 0;
	int nodes = snap->nr_nodes > 0 ? snap->nr_nodes : 1;

	all = calloc(snap->nr_mappings ? snap->nr_mappings : 1, sizeof(*all));
	if (!all)
		return -ENOMEM;
	for (size_t i = 0; i < snap->nr_pages; i++) {
		const struct snapshot_page *page = &snap->pages[i];

		if (keep && !keep(page, arg))
			continue;
		if (!sum || sum->mapping != page->mapping) {
			sum = &all[n++];
			sum->mapping = page->mapping;
			summary_known(snap, sum->known);
			sum->node_pages = calloc((size_t)nodes, sizeof(uint64_t));
			if (!sum->node_pages) {
				snapshot_summary_free(all, n);
				return -ENOMEM;
			}
		}
		for (unsigned int c = 0; c < SNAPSHOT_COUNT_NR; c++)
			sum->count[c] += snapshot_page_counts(page, c);
		if (snapshot_page_test(page, PAGEWATCH_PAGE_PRESENT) &&
		    snapshot_page_test(page, SNAPSHOT_KNOWN_NODE) &&
		    page->node < nodes)
			sum->node_pages[page->node]++;
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
