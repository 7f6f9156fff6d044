/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PW_SOURCES_H
#define PW_SOURCES_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "kernel/kmod_client.h"
#include "kernel/kpage.h"
#include "kernel/numa_topo.h"
#include "model/track.h"

/*
 * The kernel's sources of page facts, opened once for a target and reused
 * by every snapshot: pagemap (and whether PAGEMAP_SCAN works), the module,
 * kpageflags/kpagecount and the NUMA topology. A source that cannot be
 * opened is noted with its reason; it degrades the view, never aborts it.
 */

/* Why an optional source is not used: one table of words in sources.c. */
enum source_why {
	SOURCE_USED,
	SOURCE_NOT_WANTED,	/* --no-kmod */
	SOURCE_OTHER_PID_NS,	/* /proc is another PID namespace's */
	SOURCE_NO_DEBUGFS,	/* loaded: no /dev/pagewatch, no debugfs */
	SOURCE_NO_MODULES,	/* the kernel cannot load modules */
	SOURCE_NOT_INSTALLED,	/* no module, no DKMS source */
	SOURCE_NOT_BUILT,	/* DKMS source, no module for this kernel */
	SOURCE_NOT_LOADED,	/* installed for this kernel, not loaded */
	SOURCE_NO_PERMISSION,	/* needs CAP_SYS_ADMIN */
	SOURCE_LOCKDOWN,	/* lockdown closed debugfs, no device */
	SOURCE_FAILED,		/* another error, in the err field */
	SOURCE_WHY_NR
};

struct sources {
	int pagemap_fd;
	bool scan_ok;		/* PAGEMAP_SCAN works here */
	bool kmod_seek_ok;	/* else the module lists the regions */
	bool cap_sys_admin;
	struct kpage kpage;
	enum source_why kpage_why;
	int kpage_err;		/* -errno behind kpage_why */
	struct numa_topo topo;
	bool topo_ok;
	bool node_query_ok;	/* move_pages(2) tells nodes without PFNs */
	pid_t pid;
	struct kmod kmod;
	enum source_why kmod_why;
	int kmod_err;		/* -errno behind kmod_why */
};

static inline bool sources_kmod_ok(const struct sources *src)
{
	return src->kmod_why == SOURCE_USED;
}

/* A page's node can be told: from its PFN, the module or move_pages(2). */
static inline bool sources_node_ok(const struct sources *src)
{
	return src->cap_sys_admin || sources_kmod_ok(src) || src->node_query_ok;
}

static inline bool sources_kpage_ok(const struct sources *src)
{
	return src->kpage_why == SOURCE_USED;
}

/*
 * Open the sources for PID (the module too, unless NO_KMOD, from KMOD_DIR
 * or KMOD_DEFAULT_DIR). Returns -ESRCH (no such process), -EACCES/-EPERM
 * (pagemap not readable), -EPROTO (module ABI mismatch) or another -errno;
 * a missing optional source is only noted.
 */
int sources_open(struct sources *src, pid_t pid, bool no_kmod,
		 const char *kmod_dir);
void sources_close(struct sources *src);

/*
 * Why the module is not used, in words: BRIEF for a status line ("module
 * not loaded"), else a sentence for stderr that the caller follows with
 * what is unknown; *HINT (may be NULL) gets what to do about it, or NULL.
 */
void sources_kmod_why(const struct sources *src, bool brief, char *buf,
		      size_t len, const char **hint);

/*
 * The question tracking asks of a PFN that moved ("is the old page still
 * pinned?"), put to the module's kpage file: false without one.
 */
bool sources_pin_query(struct sources *src, struct track_pin_query *query);

#endif
