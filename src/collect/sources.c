// SPDX-License-Identifier: GPL-2.0
/* Opening the kernel's sources of page facts for one target. */
#include "config.h"

#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "collect/sources.h"
#include "kernel/pagemap.h"
#include "kernel/procs.h"
#include "kernel/textfile.h"

/*
 * The words for each reason: a status line's, a sentence's (for stderr,
 * followed by what is unknown) and what to do about it, the next step
 * that can work here. Where ERRNO_TEXT is set the sentence follows
 * "<dir>: <errno>: " and the brief words are "module: <errno>".
 */
static const struct {
	const char *brief;
	const char *sentence;
	const char *hint;
	bool errno_text;
} why_words[SOURCE_WHY_NR] = {
	[SOURCE_NOT_WANTED] = {
		"module not used (--no-kmod)",
		"module not used (--no-kmod)", NULL, false },
	[SOURCE_OTHER_PID_NS] = {
		"module not used (/proc of another PID namespace)",
		"module not used: /proc belongs to another PID namespace than pagewatch (mount a /proc of its own, e.g. unshare --mount-proc), so the module would resolve PIDs to other processes",
		NULL, false },
	[SOURCE_NO_DEBUGFS] = {
		"module unreachable",
		"module loaded, but no " KMOD_DEVICE_DIR " and no debugfs",
		"mount devtmpfs on /dev or debugfs", false },
	[SOURCE_NO_MODULES] = {
		"module not loaded",
		"this kernel cannot load modules",
		"boot one with module support", false },
	[SOURCE_NOT_INSTALLED] = {
		"module not loaded",
		"module not installed",
		"install pagewatch-dkms, or make kmod && insmod kmod/pagewatch.ko",
		false },
	[SOURCE_NOT_BUILT] = {
		"module not loaded",
		"module not built for this kernel",
		"install its linux-headers, then dkms autoinstall", false },
	[SOURCE_NOT_LOADED] = {
		"module not loaded",
		"module installed but not loaded",
		"modprobe pagewatch", false },
	[SOURCE_NO_PERMISSION] = {
		NULL, "the module's files need CAP_SYS_ADMIN", "run as root", true },
	[SOURCE_LOCKDOWN] = {
		"module locked down",
		"lockdown closed the module's debugfs, no " KMOD_DEVICE_DIR,
		"mount devtmpfs on /dev (pagewatch(4))", false },
	[SOURCE_FAILED] = {
		NULL, "module not used", NULL, true },
};

void sources_kmod_why(const struct sources *src, bool brief, char *buf,
		      size_t len, const char **hint)
{
	enum source_why why = src->kmod_why;
	const char *err = strerror(-src->kmod_err);

	if (hint)
		*hint = why == SOURCE_USED ? NULL : why_words[why].hint;
	if (why == SOURCE_USED)
		snprintf(buf, len, "module ABI %u", src->kmod.version.abi);
	else if (why_words[why].errno_text && brief)
		snprintf(buf, len, "module: %s", err);
	else if (why_words[why].errno_text)
		snprintf(buf, len, "%s: %s: %s", src->kmod.dir[0] ?
			 src->kmod.dir : KMOD_DEFAULT_DIR, err,
			 why_words[why].sentence);
	else if (brief)
		snprintf(buf, len, "%s", why_words[why].brief);
	else
		snprintf(buf, len, "%s", why_words[why].sentence);
}

/* Is a pagewatch module listed for the running kernel (modules.dep)? */
static bool module_installed(void)
{
	char path[320];
	struct utsname u;

	if (uname(&u))
		return false;
	snprintf(path, sizeof(path), "/lib/modules/%s/modules.dep", u.release);
	/* "updates/dkms/pagewatch.ko", maybe compressed (.ko.xz) */
	return textfile_contains(path, "pagewatch.ko");
}

/* A DKMS source of pagewatch under /usr/src (the package, make install) */
static bool dkms_source_installed(void)
{
	glob_t g;
	bool found;

	found = !glob("/usr/src/pagewatch-*/dkms.conf", GLOB_NOSORT, NULL, &g);
	if (found)
		globfree(&g);
	return found;
}

/* Kernel lockdown above "none": /sys/kernel/security/lockdown (securityfs) */
static bool locked_down(void)
{
	char text[128];

	if (textfile_read("/sys/kernel/security/lockdown", text, sizeof(text)))
		return false;
	return !strstr(text, "[none]");
}

static enum source_why kmod_why_of(const struct sources *src, int err)
{
	const struct kmod *kmod = &src->kmod;

	if (!err)
		return SOURCE_USED;
	if (err == -ENOENT && access("/sys/module/pagewatch", F_OK)) {
		if (access("/proc/modules", F_OK))
			return SOURCE_NO_MODULES;
		if (module_installed())
			return SOURCE_NOT_LOADED;
		return dkms_source_installed() ? SOURCE_NOT_BUILT :
						 SOURCE_NOT_INSTALLED;
	}
	if (err == -ENOENT)
		return SOURCE_NO_DEBUGFS;
	/*
	 * debugfs_locked_down() refuses, with -EPERM, every debugfs file
	 * that can be written (6.1, 6.12): root that gets -EPERM from pages
	 * with no device to turn to is locked down. With securityfs not
	 * mounted the level cannot be read; root's -EPERM says it still.
	 */
	if (kmod->debugfs_err == -EPERM && kmod->device_err == -ENOENT &&
	    src->cap_sys_admin && (locked_down() ||
				   access("/sys/kernel/security/lockdown", F_OK)))
		return SOURCE_LOCKDOWN;
	if (err == -EACCES || err == -EPERM)
		return SOURCE_NO_PERMISSION;
	return SOURCE_FAILED;
}

static void open_kpage(struct sources *src)
{
	/* pagemap hides PFNs, and kpageflags is useless, without it */
	src->cap_sys_admin = procs_have_cap_sys_admin();
	if (!src->cap_sys_admin) {
		src->kpage_err = -EPERM;
		src->kpage_why = SOURCE_NO_PERMISSION;
		return;
	}
	src->kpage_err = kpage_open(&src->kpage);
	src->kpage_why = src->kpage_err ? SOURCE_FAILED : SOURCE_USED;
}

/* The module, bound to PID; -EPROTO and -ESRCH end the open. */
static int open_kmod(struct sources *src, pid_t pid, const char *kmod_dir)
{
	int err;

	err = kmod_open(&src->kmod, kmod_dir);
	if (err == -EPROTO)
		return err;
	if (!err) {
		err = kmod_bind(&src->kmod, pid);
		if (err == -ESRCH)
			return err;
	}
	src->kmod_err = err;
	src->kmod_why = kmod_why_of(src, err);
	if (err)
		kmod_close(&src->kmod);
	/* before 6.7 the module's SEEK_DATA lists the populated regions */
	src->kmod_seek_ok = !err && !src->scan_ok &&
			    src->kmod.version.feature_seek_data;
	return 0;
}

int sources_open(struct sources *src, pid_t pid, bool no_kmod,
		 const char *kmod_dir)
{
	struct pagemap_region region;
	uint64_t walk_end;
	int err;

	memset(src, 0, sizeof(*src));
	src->kpage.flags_fd = src->kpage.count_fd = -1;
	src->kmod.pages_fd = src->kmod.kpage_fd = -1;
	src->kmod_why = SOURCE_NOT_WANTED;

	src->pagemap_fd = pagemap_open(pid);
	if (src->pagemap_fd < 0)
		return src->pagemap_fd;
	/* PAGEMAP_SCAN came with 6.7; older kernels say ENOTTY or EINVAL */
	src->scan_ok = pagemap_scan(src->pagemap_fd, 0, 4096, &region, 1,
				    &walk_end) >= 0;
	open_kpage(src);
	src->topo_ok = !numa_topo_load(&src->topo, "/sys");
	src->pid = pid;
	/* without PFNs, move_pages(2) still tells a page's node */
	src->node_query_ok = src->topo_ok && !src->cap_sys_admin &&
			     !numa_pages_nodes(pid, NULL, NULL, 0);

	if (no_kmod)
		return 0;
	if (!procs_same_pid_ns()) {
		src->kmod_err = -EXDEV;
		src->kmod_why = SOURCE_OTHER_PID_NS;
		return 0;
	}
	err = open_kmod(src, pid, kmod_dir);
	if (err)
		sources_close(src);
	return err;
}

void sources_close(struct sources *src)
{
	if (src->pagemap_fd >= 0)
		close(src->pagemap_fd);
	src->pagemap_fd = -1;
	kpage_close(&src->kpage);
	kmod_close(&src->kmod);
	if (src->topo_ok)
		numa_topo_free(&src->topo);
	src->topo_ok = false;
}

static int kmod_pinned(void *kmod, const uint64_t *pfns, bool *pinned,
		       size_t nr)
{
	return kmod_pfns_pinned(kmod, pfns, pinned, nr);
}

bool sources_pin_query(struct sources *src, struct track_pin_query *query)
{
	query->pinned = kmod_pinned;
	query->ctx = &src->kmod;
	return sources_kmod_ok(src) && src->kmod.kpage_fd >= 0;
}
