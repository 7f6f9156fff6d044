/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PW_KMOD_CLIENT_H
#define PW_KMOD_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <pagewatch/abi.h>

#define KMOD_DEFAULT_DIR	"/sys/kernel/debug/" PAGEWATCH_DEBUGFS_DIR
/* The same files as character devices: what lockdown leaves open */
#define KMOD_DEVICE_DIR		"/dev/" PAGEWATCH_DEVICE_DIR
/* Records per pread of the pages and kpage files: 4096 * 32 = 128 KiB */
#define KMOD_BATCH		4096

/* struct pagewatch_page in host byte order */
struct kmod_page {
	uint64_t pfn;
	uint64_t flags;
	uint32_t refcount;
	uint32_t mapcount;
	uint32_t pincount;
	uint16_t node;
	uint8_t order;
	uint8_t swap_type;
};

/* What the version file says. */
struct kmod_version {
	unsigned int abi;
	unsigned int record_size;
	bool feature_kpage;
	bool feature_savedwrite;	/* savedwrite_bit or _derived */
	bool feature_seek_data;		/* SEEK_DATA/SEEK_HOLE on pages */
	bool feature_journal;		/* the journal file */
	bool feature_count;		/* PAGEWATCH_IOC_COUNT on pages */
	char features[256];
};

struct kmod {
	char dir[256];		/* where the files were opened */
	bool device;		/* dir is KMOD_DEVICE_DIR */
	int device_err;		/* kmod_open(NULL): -errno of each place */
	int debugfs_err;
	struct kmod_version version;
	int pages_fd;
	int kpage_fd;		/* -1 without the kpage feature */
};

/*
 * What DIR's (KMOD_DEFAULT_DIR's) version file says, for a message:
 * "ABI 2 with 48-byte records", "no abi line" or the read error.
 */
void kmod_describe_version(const char *dir, char *buf, size_t len);

/* Parse the version file's text; -EINVAL without an abi line. */
int kmod_parse_version(const char *text, struct kmod_version *version);

/*
 * Open the module's files under DIR; without DIR, under KMOD_DEVICE_DIR,
 * else KMOD_DEFAULT_DIR (debugfs), whichever opens (device_err and
 * debugfs_err keep why each did not). -ENOENT when the module is not
 * loaded (or neither place exists), -EACCES/-EPERM without CAP_SYS_ADMIN
 * or under lockdown (debugfs), -EPROTO on an ABI version or record size
 * we do not speak.
 */
int kmod_open(struct kmod *kmod, const char *dir);
void kmod_close(struct kmod *kmod);

/* Bind the pages file to PID. -ESRCH when there is no such process. */
int kmod_bind(struct kmod *kmod, pid_t pid);

/* Decode one little-endian record. */
void kmod_decode(const struct pagewatch_page *raw, struct kmod_page *page);

/*
 * Records of NR pages from VADDR on, one pread per KMOD_BATCH into the
 * caller's BUF of KMOD_BATCH raw records (one per reader thread). Returns
 * the number of records read (short past the address space) or -errno.
 */
long kmod_read_pages(const struct kmod *kmod, uint64_t vaddr,
		     struct kmod_page *pages, size_t nr,
		     struct pagewatch_page *buf);

/*
 * The records of [START, END) (page aligned) counted by the module, not
 * read: COUNT as PAGEWATCH_IOC_COUNT fills it. -EOPNOTSUPP without the
 * count feature; -ESRCH once the target exited; else -errno.
 */
int kmod_count(const struct kmod *kmod, uint64_t start, uint64_t end,
	       struct pagewatch_count *count);

/*
 * The first address at or after VADDR (page aligned) whose page is data
 * (DATA: has an entry) or a hole, in *FOUND, through SEEK_DATA/SEEK_HOLE
 * on the pages file: empty page-table levels cost nothing. The end of the
 * address space is a hole. -ENXIO when VADDR is past that end, or no data
 * follows; -EOPNOTSUPP without the seek_data feature; else -errno.
 */
int kmod_seek(const struct kmod *kmod, uint64_t vaddr, bool data,
	      uint64_t *found);

/*
 * Per-PFN query through the kpage file: PINNED[i] says whether PFNS[i]
 * (any order, duplicates allowed) is maybe-pinned now. Batched.
 * -EOPNOTSUPP when the module has no kpage file.
 */
int kmod_pfns_pinned(const struct kmod *kmod, const uint64_t *pfns,
		     bool *pinned, size_t nr);

#endif
