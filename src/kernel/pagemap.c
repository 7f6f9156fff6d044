// SPDX-License-Identifier: GPL-2.0
/* /proc/PID/pagemap: batched reads and the PAGEMAP_SCAN ioctl. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/types.h>

#include "kernel/pagemap.h"

/*
 * PAGEMAP_SCAN (Linux 6.7, <linux/fs.h>). Debian bookworm's UAPI headers
 * predate it, so the ABI is spelled out here. PM_SCAN_WP_MATCHING is
 * deliberately absent: it write-protects the target's pages.
 */
#define PW_PAGE_IS_PRESENT	(1ULL << 3)
#define PW_PAGE_IS_SWAPPED	(1ULL << 4)

struct pw_page_region {
	__u64 start;
	__u64 end;
	__u64 categories;
};

struct pw_pm_scan_arg {
	__u64 size;
	__u64 flags;
	__u64 start;
	__u64 end;
	__u64 walk_end;
	__u64 vec;
	__u64 vec_len;
	__u64 max_pages;
	__u64 category_inverted;
	__u64 category_mask;
	__u64 category_anyof_mask;
	__u64 return_mask;
};

#define PW_PAGEMAP_SCAN		_IOWR('f', 16, struct pw_pm_scan_arg)

_Static_assert(sizeof(struct pw_pm_scan_arg) == 96, "pm_scan_arg is 96 bytes");
_Static_assert(sizeof(struct pw_page_region) == 24, "page_region is 24 bytes");

#define SCAN_VEC		256

void pagemap_decode(uint64_t raw, struct pagemap_entry *entry)
{
	entry->present = raw & PAGEMAP_PRESENT;
	entry->swapped = raw & PAGEMAP_SWAPPED;
	entry->file = raw & PAGEMAP_FILE;
	entry->exclusive = raw & PAGEMAP_EXCLUSIVE;
	entry->soft_dirty = raw & PAGEMAP_SOFT_DIRTY;
	entry->uffd_wp = raw & PAGEMAP_UFFD_WP;
	entry->guard = raw & PAGEMAP_GUARD;
	if (entry->swapped && !entry->present) {
		entry->swap_type = raw & PAGEMAP_SWAP_TYPE_MASK;
		entry->pfn = (raw & PAGEMAP_PFN_MASK) >> PAGEMAP_SWAP_OFFSET_SHIFT;
	} else {
		entry->swap_type = 0;
		entry->pfn = entry->present ? raw & PAGEMAP_PFN_MASK : 0;
	}
}

int pagemap_open(pid_t pid)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/pagemap", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? -ESRCH : -errno;
	return fd;
}

long pagemap_read(int fd, uint64_t vaddr, uint64_t *buf, size_t nr)
{
	ssize_t got;

	got = pread(fd, buf, nr * sizeof(*buf), (off_t)(vaddr / 4096 * 8));
	if (got < 0)
		return -errno;
	return got / (ssize_t)sizeof(*buf);
}

long pagemap_scan(int fd, uint64_t start, uint64_t end,
		  struct pagemap_region *vec, size_t vec_len, uint64_t *walk_end)
{
	struct pw_page_region regions[SCAN_VEC];
	struct pw_pm_scan_arg arg = {
		.size = sizeof(arg),
		.start = start,
		.end = end,
		.vec = (__u64)(uintptr_t)regions,
		.vec_len = vec_len < SCAN_VEC ? vec_len : SCAN_VEC,
		.category_anyof_mask = PW_PAGE_IS_PRESENT | PW_PAGE_IS_SWAPPED,
		.return_mask = PW_PAGE_IS_PRESENT | PW_PAGE_IS_SWAPPED,
	};
	int ret;

	ret = ioctl(fd, PW_PAGEMAP_SCAN, &arg);
	if (ret < 0)
		return -errno;
	for (int i = 0; i < ret; i++) {
		vec[i].start = regions[i].start;
		vec[i].end = regions[i].end;
	}
	*walk_end = arg.walk_end;
	return ret;
}
