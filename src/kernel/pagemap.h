/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PW_PAGEMAP_H
#define PW_PAGEMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* /proc/PID/pagemap entry bits (Documentation/admin-guide/mm/pagemap.rst) */
#define PAGEMAP_PFN_MASK	((1ULL << 55) - 1)
#define PAGEMAP_SWAP_TYPE_MASK	0x1fULL
#define PAGEMAP_SWAP_OFFSET_SHIFT 5
#define PAGEMAP_SOFT_DIRTY	(1ULL << 55)
#define PAGEMAP_EXCLUSIVE	(1ULL << 56)
#define PAGEMAP_UFFD_WP		(1ULL << 57)
#define PAGEMAP_GUARD		(1ULL << 58)	/* guard region, about 6.15+ */
#define PAGEMAP_FILE		(1ULL << 61)	/* file page or shared anon */
#define PAGEMAP_SWAPPED		(1ULL << 62)	/* migration entries too */
#define PAGEMAP_PRESENT		(1ULL << 63)

/*
 * Entries per pread: 16384 * 8 bytes = 128 KiB. A reader's buffers hold a
 * batch (some 70 bytes a page, with the sort's) and are made present as
 * far as a batch reaches; a first touch is dear in a virtual machine, so
 * smaller batches cost less than the reads they add: a dense 256 MiB JSON
 * snapshot took 27-28 ms with batches of 16 Ki pages against 32-34 ms
 * with 64 Ki, a 4 GiB one with one thread 172-173 against 177-178 ms
 * (the 6.18 host, 2026-12-03).
 */
#define PAGEMAP_BATCH		16384

struct pagemap_entry {
	uint64_t pfn;		/* 0 without CAP_SYS_ADMIN; swap offset if swapped */
	unsigned int swap_type;
	bool present;
	bool swapped;
	bool file;
	bool exclusive;
	bool soft_dirty;
	bool uffd_wp;
	bool guard;
};

/* A populated run [start, end) found by the PAGEMAP_SCAN ioctl. */
struct pagemap_region {
	uint64_t start;
	uint64_t end;
};

void pagemap_decode(uint64_t raw, struct pagemap_entry *entry);

/* Open /proc/PID/pagemap; fd or -errno. */
int pagemap_open(pid_t pid);

/*
 * Read NR entries from VADDR on into BUF with one pread; returns the number
 * of entries read (0 past the address space or once the target's mm is
 * gone) or -errno.
 */
long pagemap_read(int fd, uint64_t vaddr, uint64_t *buf, size_t nr);

/*
 * Populated (present or swapped) runs of [start, end), at most VEC_LEN of
 * them; *walk_end is where the kernel stopped. Returns the number of
 * regions or -errno: -ENOTTY or -EINVAL where the kernel has no
 * PAGEMAP_SCAN (before 6.7).
 */
long pagemap_scan(int fd, uint64_t start, uint64_t end,
		  struct pagemap_region *vec, size_t vec_len, uint64_t *walk_end);

#endif
