// SPDX-License-Identifier: GPL-2.0
/*
 * pw-verify: read the pagewatch module's binary files and hold them against
 * the kernel's own answers, for the VM test scripts.
 *
 *   dump PID START END     one line per page from the binary `pages` file, in
 *                          the text view's format (ADDR PFN NODE ORDER
 *                          REFCOUNT MAPCOUNT PINCOUNT FLAGS); hex addresses
 *   dump-all PID           the same for every page of every VMA, each line
 *                          followed by the VMA's permissions (rwxp)
 *   kpage PFN [COUNT]      the binary `kpage` records, ADDR printed as "-"
 *   kpagecount PFN...      /proc/kpagecount of each (hex) PFN
 *   kpage-online PFN COUNT  kpage's pfn_valid (an online page) against
 *                          /proc/kpageflags KPF_NOPAGE for COUNT PFNs from
 *                          (hex) PFN: a "check" line
 *   truth PID START END    the kernel's own answer for every page, without
 *                          the module: "ADDR PRESENT SWAP PFN KPAGECOUNT
 *                          KPAGEFLAGS NODE" from /proc/PID/pagemap,
 *                          /proc/kpagecount, /proc/kpageflags and the
 *                          node sysfs gives the PFN's memory block (ADDR
 *                          and KPAGEFLAGS 0x-hex, PFN decimal as in
 *                          pagewatch's JSON; "-" for a page not present)
 *   agree PID [START END]  every page (default: all VMAs) against
 *                          /proc/PID/pagemap, /proc/kpagecount,
 *                          /proc/kpageflags and the node that sysfs gives
 *                          the PFN's memory block; prints
 *                          "check NAME checked=N bad=M" lines
 *   numa-maps PID          per VMA and node, present pages against the N<n>=
 *                          counts of /proc/PID/numa_maps ("check" lines)
 *   reread PID COUNT       read every VMA COUNT times; prints the NUMA
 *                          counters of /proc/vmstat and every thread's
 *                          /proc/PID/task/TID/sched numa lines before and
 *                          after, as "before|after KEY VALUE" lines
 *   write-errno PATH TEXT  write TEXT in one write(); prints OK or the errno
 *                          name (ESRCH, EINVAL...)
 *   pread-errno PID OFFSET SIZE   bind `pages` to PID, pread; prints OK or
 *                          the errno name
 *   read-errno PATH OFFSET SIZE  open PATH read-only (nothing written)
 *                          and pread; prints OK N or the errno name
 *   open-errno PATH [nocap]  open PATH (read-only if the mode has no write
 *                          bit for the owner), first dropping CAP_SYS_ADMIN
 *                          from every capability set with "nocap"
 *   passed-fd PID ADDR     root binds `pages` to PID; a child that became
 *                          nobody (no capability) inherits that descriptor
 *                          and is passed an unbound one over a UNIX
 *                          socket: prints "inherited_rebind:E
 *                          inherited_read:E passed_bind:E passed_read:E",
 *                          each OK or the errno name (reads: ADDR's record)
 *   exited-errno zombie|reaped  bind `pages` to a child, let it exit (and
 *                          be reaped), then pread: prints the errno name
 *   read-until-gone PID    read every VMA of PID over and over until a read
 *                          fails; prints the errno name
 *   seek-runs PID START END  the runs of data in [START, END) as SEEK_DATA
 *                          and SEEK_HOLE on `pages` give them: "run START
 *                          END" lines, then "seeks N" (lseek calls made)
 *   seek-agree PID [START END]  from every page of the range (default:
 *                          every VMA of at most SEEK_AGREE_MAX pages),
 *                          SEEK_DATA and SEEK_HOLE against the records
 *                          read (data: a flag set); "check seek_data" and
 *                          "check seek_hole" lines
 *   seek-errno PID|none OFFSET data|hole|set  bind `pages` to PID (none: do
 *                          not), lseek; prints OK and the offset, or the
 *                          errno name
 *   invariants PID START END SECONDS [file]  read the range over and over
 *                          for SECONDS and check every record: thp exactly
 *                          when order > 0, pin_exact only with thp, a
 *                          migration record unstable with zero counts and
 *                          anon or file (with "file": file); prints
 *                          "check" lines, then "seen KIND N" counts
 *   count-agree PID        every VMA, whole and without its first and last
 *                          page: PAGEWATCH_IOC_COUNT's counts against the
 *                          same counts made from the records read; a
 *                          "check count_equals_records" line (pages)
 *   count-errno PID|none|exited START END [badptr|badcmd]
 *                          PAGEWATCH_IOC_COUNT of [START, END) on `pages`
 *                          bound to PID (none: not bound; exited: to a
 *                          child that exited and was reaped), with a bad
 *                          pointer or an unknown
 *                          command; prints OK or the errno name
 *   two-readers PID1 ADDR1 PID2 ADDR2 ROUNDS  two threads, each with its own
 *                          open `pages` file bound to its own target, read
 *                          their target's ADDR ROUNDS times at once and
 *                          compare the PFN with that target's pagemap
 */
#include "config.h"

#include <ctype.h>
#include <grp.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/capability.h>
#include <linux/kernel-page-flags.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <pagewatch/abi.h>

_Static_assert(sizeof(struct pagewatch_page) == PAGEWATCH_RECORD_SIZE,
	       "struct pagewatch_page must match PAGEWATCH_RECORD_SIZE");

/*
 * The module's file NAME: under $PAGEWATCH_KMOD_DIR when set (the
 * lockdown test reads /dev/pagewatch), else under debugfs
 */
static const char *kmod_file(const char *name)
{
	static char path[4][256];
	static unsigned int next;
	const char *dir = getenv("PAGEWATCH_KMOD_DIR");
	char *p = path[next++ % 4];

	snprintf(p, sizeof(path[0]), "%s/%s", dir ? dir : "/sys/kernel/debug/pagewatch",
		 name);
	return p;
}

#define DEBUGFS			"/sys/kernel/debug/pagewatch"
#define PAGE_SZ			4096UL
/* Kernel-internal kpageflags bit: PG_anon_exclusive aliases PG_mappedtodisk */
#define KPF_ANON_EXCLUSIVE	34
/* user address space ends below this on x86_64 (skips [vsyscall]) */
#define USER_END		0x800000000000UL
/* seek-agree checks every page of VMAs up to this many pages */
#define SEEK_AGREE_MAX		8192
/* a page whose sources disagree is read again this often before it counts */
#define RETRIES			5
/* details printed per check */
#define MAX_DETAILS		8

#define PW_FLAG_NAME(bit, name) [bit] = name,
static const char *const flag_names[PAGEWATCH_PAGE_NR_FLAGS] = {
	PAGEWATCH_PAGE_FLAG_NAMES(PW_FLAG_NAME)
};
#undef PW_FLAG_NAME

#define HAS(p, bit)	(((p)->flags >> (bit)) & 1)

struct vma {
	unsigned long start, end;
	char perms[5];
};

/* ---------------------------------------------------------------- utils */

static const char *errno_name(int err)
{
	switch (err) {
	case 0: return "OK";
	case EPERM: return "EPERM";
	case ENOENT: return "ENOENT";
	case ESRCH: return "ESRCH";
	case EINTR: return "EINTR";
	case EIO: return "EIO";
	case EBADF: return "EBADF";
	case EACCES: return "EACCES";
	case EFAULT: return "EFAULT";
	case EINVAL: return "EINVAL";
	case ENOSPC: return "ENOSPC";
	case ERANGE: return "ERANGE";
	case ENOMEM: return "ENOMEM";
	case ENODEV: return "ENODEV";
	case EOVERFLOW: return "EOVERFLOW";
	case ENXIO: return "ENXIO";
	case ENOTTY: return "ENOTTY";
	default: return "E?";
	}
}

static void die(const char *what)
{
	fprintf(stderr, "pw-verify: %s: %s\n", what, strerror(errno));
	exit(2);
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static int maps_read(pid_t pid, struct vma **out, size_t *nr)
{
	char path[64], line[4096];
	struct vma *v = NULL;
	size_t n = 0, cap = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	f = fopen(path, "r");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		struct vma one = { 0 };

		if (sscanf(line, "%lx-%lx %4s", &one.start, &one.end,
			   one.perms) != 3)
			continue;
		if (one.start >= USER_END)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			v = realloc(v, cap * sizeof(*v));
			if (!v)
				die("realloc");
		}
		v[n++] = one;
	}
	fclose(f);
	*out = v;
	*nr = n;
	return 0;
}

/* a record buffer for the largest of the NR VMAs V */
static struct pagewatch_page *records_for_vmas(const struct vma *v, size_t nr)
{
	struct pagewatch_page *recs;
	size_t max = 1;

	for (size_t i = 0; i < nr; i++)
		if ((v[i].end - v[i].start) / PAGE_SZ > max)
			max = (v[i].end - v[i].start) / PAGE_SZ;
	recs = calloc(max, sizeof(*recs));
	if (!recs)
		die("calloc");
	return recs;
}

/* ------------------------------------------------------- module files */

static int pages_open(pid_t pid)
{
	char text[32];
	int fd, len;

	fd = open(kmod_file("pages"), O_RDWR);
	if (fd < 0)
		die("open " DEBUGFS "/pages");
	len = snprintf(text, sizeof(text), "%d", pid);
	if (write(fd, text, len) != len)
		die("write pid to " DEBUGFS "/pages");
	return fd;
}

/* pages bound to the PID ARG names, or left unbound for "none" */
static int pages_open_arg(const char *arg)
{
	int fd;

	if (strcmp(arg, "none"))
		return pages_open(atoi(arg));
	fd = open(kmod_file("pages"), O_RDWR);
	if (fd < 0)
		die("open " DEBUGFS "/pages");
	return fd;
}

/* read N records from VADDR on; returns records read or -errno */
static long pages_read(int fd, unsigned long vaddr, size_t n,
		       struct pagewatch_page *out)
{
	size_t done = 0;

	while (done < n) {
		off_t off = (off_t)((vaddr / PAGE_SZ + done) * PAGEWATCH_RECORD_SIZE);
		ssize_t got = pread(fd, out + done,
				    (n - done) * PAGEWATCH_RECORD_SIZE, off);

		if (got < 0)
			return -errno;
		if (got == 0)
			break;
		if (got % PAGEWATCH_RECORD_SIZE) {
			fprintf(stderr, "pw-verify: pread returned %zd bytes, not a multiple of %d\n",
				got, PAGEWATCH_RECORD_SIZE);
			exit(2);
		}
		done += got / PAGEWATCH_RECORD_SIZE;
	}
	return (long)done;
}

static void pages_read_all(int fd, unsigned long vaddr, size_t n,
			   struct pagewatch_page *out)
{
	long got = pages_read(fd, vaddr, n, out);

	if (got < 0) {
		errno = (int)-got;
		die("pread " DEBUGFS "/pages");
	}
	if ((size_t)got != n) {
		fprintf(stderr, "pw-verify: short read at %lx: %ld of %zu records\n",
			vaddr, got, n);
		exit(2);
	}
}

static int kpage_fd(void)
{
	static int fd = -1;

	if (fd < 0) {
		fd = open(kmod_file("kpage"), O_RDONLY);
		if (fd < 0)
			die("open " DEBUGFS "/kpage");
	}
	return fd;
}

static void print_record(FILE *f, const char *addr,
			 const struct pagewatch_page *p)
{
	bool any = false;

	fprintf(f, "%s %" PRIx64 " ", addr, (uint64_t)p->pfn);
	if (p->node == PAGEWATCH_NODE_NONE)
		fputs("-", f);
	else
		fprintf(f, "%u", p->node);
	fprintf(f, " %u %u %u %u ", p->order, p->refcount, p->mapcount,
		p->pincount);
	for (unsigned int bit = 0; bit < PAGEWATCH_PAGE_NR_FLAGS; bit++) {
		if (!HAS(p, bit))
			continue;
		fprintf(f, "%s%s", any ? "," : "", flag_names[bit]);
		any = true;
	}
	if (!any)
		fputs("-", f);
}

/* ---------------------------------------------------------- ground truth */

static uint64_t read_u64_at(int fd, uint64_t index, const char *what)
{
	uint64_t v;

	if (pread(fd, &v, sizeof(v), (off_t)(index * sizeof(v))) != sizeof(v))
		die(what);
	return v;
}

struct truth {
	int pagemap_fd, kpagecount_fd, kpageflags_fd;
	/* node of each memory block, -1 when none */
	int *block_node;
	size_t nr_blocks;
	unsigned long block_pages;
};

static void truth_blocks(struct truth *t)
{
	char path[300];
	unsigned long long bytes = 0;
	FILE *f = fopen("/sys/devices/system/memory/block_size_bytes", "r");

	if (!f || fscanf(f, "%llx", &bytes) != 1 || !bytes)
		die("/sys/devices/system/memory/block_size_bytes");
	fclose(f);
	t->block_pages = bytes / PAGE_SZ;
	for (int node = 0; node < 64; node++) {
		struct dirent *de;
		DIR *d;

		snprintf(path, sizeof(path), "/sys/devices/system/node/node%d", node);
		d = opendir(path);
		if (!d)
			continue;
		while ((de = readdir(d))) {
			unsigned long block;

			if (sscanf(de->d_name, "memory%lu", &block) != 1)
				continue;
			if (block >= t->nr_blocks) {
				size_t old = t->nr_blocks;

				t->nr_blocks = block + 1;
				t->block_node = realloc(t->block_node,
					t->nr_blocks * sizeof(int));
				if (!t->block_node)
					die("realloc");
				for (size_t i = old; i < t->nr_blocks; i++)
					t->block_node[i] = -1;
			}
			t->block_node[block] = node;
		}
		closedir(d);
	}
}

static void truth_open(struct truth *t, pid_t pid)
{
	char path[64];

	memset(t, 0, sizeof(*t));
	snprintf(path, sizeof(path), "/proc/%d/pagemap", pid);
	t->pagemap_fd = open(path, O_RDONLY);
	if (t->pagemap_fd < 0)
		die(path);
	t->kpagecount_fd = open("/proc/kpagecount", O_RDONLY);
	if (t->kpagecount_fd < 0)
		die("/proc/kpagecount");
	t->kpageflags_fd = open("/proc/kpageflags", O_RDONLY);
	if (t->kpageflags_fd < 0)
		die("/proc/kpageflags");
	truth_blocks(t);
}

static int truth_node(const struct truth *t, uint64_t pfn)
{
	uint64_t block = pfn / t->block_pages;

	return block < t->nr_blocks ? t->block_node[block] : -1;
}

/* ----------------------------------------------------------------- agree */

enum check {
	C_PRESENT, C_PFN, C_SWAP, C_MAPCOUNT, C_THP, C_ANON, C_ZERO,
	C_COMPOUND, C_NODE, C_ANON_EXCLUSIVE, C_PIN_ESTIMATE, C_HUGETLB,
	NR_CHECKS
};

static const char *const check_names[NR_CHECKS] = {
	[C_PRESENT] = "present_matches_pagemap",
	[C_PFN] = "pfn_matches_pagemap",
	[C_SWAP] = "swap_matches_pagemap",
	[C_MAPCOUNT] = "mapcount_matches_kpagecount",
	[C_THP] = "thp_matches_kpageflags",
	[C_ANON] = "anon_matches_kpageflags",
	[C_ZERO] = "zero_matches_kpageflags",
	[C_COMPOUND] = "order_matches_kpageflags_compound",
	[C_NODE] = "node_matches_sysfs_memory_block",
	[C_ANON_EXCLUSIVE] = "anon_exclusive_matches_kpageflags",
	[C_PIN_ESTIMATE] = "small_pincount_is_refcount_over_bias",
	[C_HUGETLB] = "hugetlb_matches_kpageflags_huge",
};

struct tally {
	unsigned long checked[NR_CHECKS], bad[NR_CHECKS];
	char detail[NR_CHECKS][MAX_DETAILS][160];
};

/* One page against its ground truth: fills ok[]/applies[]; detail in msg[] */
static void page_compare(struct truth *t, unsigned long addr,
			 const struct pagewatch_page *p, bool applies[],
			 bool ok[], char msg[][160])
{
	uint64_t pm = read_u64_at(t->pagemap_fd, addr / PAGE_SZ, "pagemap");
	bool pm_present = pm >> 63 & 1, pm_swap = pm >> 62 & 1;
	uint64_t pm_pfn = pm & ((1ULL << 55) - 1);
	bool present = HAS(p, PAGEWATCH_PAGE_PRESENT);
	uint64_t kflags, kcount;
	bool kbit;

	memset(applies, 0, NR_CHECKS * sizeof(bool));
	/*
	 * pagemap's walk skips VM_PFNMAP VMAs ([vvar]) as holes: it knows
	 * nothing of a special, non-zero page's mapping
	 */
	if (HAS(p, PAGEWATCH_PAGE_SPECIAL) && !HAS(p, PAGEWATCH_PAGE_ZERO))
		return;
	applies[C_PRESENT] = true;
	ok[C_PRESENT] = present == pm_present;
	snprintf(msg[C_PRESENT], 160, "%lx: module present=%d, pagemap present=%d",
		 addr, present, pm_present);
	applies[C_SWAP] = true;
	ok[C_SWAP] = (HAS(p, PAGEWATCH_PAGE_SWAP) ||
		      HAS(p, PAGEWATCH_PAGE_MIGRATION)) == pm_swap;
	snprintf(msg[C_SWAP], 160, "%lx: module swap|migration=%d, pagemap swapped=%d",
		 addr, !ok[C_SWAP] ^ pm_swap, pm_swap);
	if (!present || !pm_present)
		return;
	applies[C_PFN] = true;
	ok[C_PFN] = p->pfn == pm_pfn;
	snprintf(msg[C_PFN], 160, "%lx: module pfn=%" PRIx64 ", pagemap pfn=%" PRIx64,
		 addr, (uint64_t)p->pfn, pm_pfn);
	/*
	 * a page without struct page (pfnmap, vvar) has no page facts; the
	 * zero page, though mapped by a special PTE, has its struct page
	 */
	if ((HAS(p, PAGEWATCH_PAGE_SPECIAL) && !HAS(p, PAGEWATCH_PAGE_ZERO)) ||
	    HAS(p, PAGEWATCH_PAGE_SKIPPED))
		return;

	kflags = read_u64_at(t->kpageflags_fd, p->pfn, "/proc/kpageflags");
	kcount = read_u64_at(t->kpagecount_fd, p->pfn, "/proc/kpagecount");

	applies[C_MAPCOUNT] = true;
	ok[C_MAPCOUNT] = p->mapcount == kcount;
	snprintf(msg[C_MAPCOUNT], 160, "%lx pfn %" PRIx64 ": module mapcount=%u, kpagecount=%" PRIu64,
		 addr, (uint64_t)p->pfn, p->mapcount, kcount);

#define FLAG_CHECK(c, bit, kpf) do {					\
		kbit = kflags >> (kpf) & 1;				\
		applies[c] = true;					\
		ok[c] = HAS(p, bit) == kbit;				\
		snprintf(msg[c], 160, "%lx pfn %" PRIx64 ": module %s=%d, kpageflags bit %d=%d (flags %" PRIx64 ")", \
			 addr, (uint64_t)p->pfn, flag_names[bit],	\
			 (int)HAS(p, bit), kpf, kbit, kflags);		\
	} while (0)
	FLAG_CHECK(C_THP, PAGEWATCH_PAGE_THP, KPF_THP);
	FLAG_CHECK(C_ANON, PAGEWATCH_PAGE_ANON, KPF_ANON);
	FLAG_CHECK(C_ZERO, PAGEWATCH_PAGE_ZERO, KPF_ZERO_PAGE);
	/* KPF_HUGE: PageHuge(), on the head and every tail page */
	FLAG_CHECK(C_HUGETLB, PAGEWATCH_PAGE_HUGETLB, KPF_HUGE);
	/*
	 * PG_anon_exclusive is per page for small anon pages on both kernels
	 * (6.12 sets KPF_KSM on every anon page: that bit cannot exclude KSM)
	 */
	if ((kflags >> KPF_ANON & 1) && !HAS(p, PAGEWATCH_PAGE_KSM) && p->order == 0)
		FLAG_CHECK(C_ANON_EXCLUSIVE, PAGEWATCH_PAGE_ANON_EXCLUSIVE,
			   KPF_ANON_EXCLUSIVE);
#undef FLAG_CHECK

	kbit = (kflags >> KPF_COMPOUND_HEAD & 1) || (kflags >> KPF_COMPOUND_TAIL & 1);
	applies[C_COMPOUND] = true;
	ok[C_COMPOUND] = (p->order > 0) == kbit;
	snprintf(msg[C_COMPOUND], 160, "%lx pfn %" PRIx64 ": module order=%u, kpageflags compound=%d",
		 addr, (uint64_t)p->pfn, p->order, kbit);

	applies[C_NODE] = true;
	ok[C_NODE] = (int)p->node == truth_node(t, p->pfn);
	snprintf(msg[C_NODE], 160, "%lx pfn %" PRIx64 ": module node=%u, sysfs memory block node=%d",
		 addr, (uint64_t)p->pfn, p->node, truth_node(t, p->pfn));

	if (!HAS(p, PAGEWATCH_PAGE_PIN_EXACT)) {
		applies[C_PIN_ESTIMATE] = true;
		ok[C_PIN_ESTIMATE] = p->pincount ==
			p->refcount / PAGEWATCH_GUP_PIN_COUNTING_BIAS &&
			HAS(p, PAGEWATCH_PAGE_MAYBE_PINNED) ==
			(p->refcount >= PAGEWATCH_GUP_PIN_COUNTING_BIAS);
		snprintf(msg[C_PIN_ESTIMATE], 160, "%lx: refcount=%u pincount=%u maybe_pinned=%d",
			 addr, p->refcount, p->pincount,
			 (int)HAS(p, PAGEWATCH_PAGE_MAYBE_PINNED));
	}
}

static void agree_range(struct truth *t, int fd, unsigned long start,
			unsigned long end, struct tally *tl)
{
	size_t n = (end - start) / PAGE_SZ;
	struct pagewatch_page *recs = calloc(n ? n : 1, sizeof(*recs));
	bool applies[NR_CHECKS], ok[NR_CHECKS];
	char msg[NR_CHECKS][160];

	if (!recs)
		die("calloc");
	pages_read_all(fd, start, n, recs);
	for (size_t i = 0; i < n; i++) {
		unsigned long addr = start + i * PAGE_SZ;
		struct pagewatch_page p = recs[i];
		bool all_ok;

		/*
		 * Sources are read one after another: a page another process
		 * maps or unmaps meanwhile (shared libraries) may disagree once;
		 * only a disagreement that persists counts.
		 */
		for (int try = 0; ; try++) {
			page_compare(t, addr, &p, applies, ok, msg);
			all_ok = true;
			for (int c = 0; c < NR_CHECKS; c++)
				if (applies[c] && !ok[c])
					all_ok = false;
			if (all_ok || try == RETRIES)
				break;
			sleep_ms(20);
			pages_read_all(fd, addr, 1, &p);
		}
		for (int c = 0; c < NR_CHECKS; c++) {
			if (!applies[c])
				continue;
			tl->checked[c]++;
			if (ok[c])
				continue;
			if (tl->bad[c] < MAX_DETAILS)
				memcpy(tl->detail[c][tl->bad[c]], msg[c], 160);
			tl->bad[c]++;
		}
	}
	free(recs);
}

static void tally_print(const struct tally *tl)
{
	for (int c = 0; c < NR_CHECKS; c++) {
		printf("check %s checked=%lu bad=%lu\n", check_names[c],
		       tl->checked[c], tl->bad[c]);
		for (unsigned long d = 0; d < tl->bad[c] && d < MAX_DETAILS; d++)
			printf("  %s %s\n", check_names[c], tl->detail[c][d]);
	}
}

static int cmd_agree(int argc, char **argv)
{
	pid_t pid = atoi(argv[0]);
	struct tally *tl = calloc(1, sizeof(*tl));
	struct truth t;
	struct vma *v;
	size_t nr;
	int fd;

	if (!tl)
		die("calloc");
	truth_open(&t, pid);
	fd = pages_open(pid);
	if (argc >= 3) {
		agree_range(&t, fd, strtoul(argv[1], NULL, 16),
			    strtoul(argv[2], NULL, 16), tl);
	} else {
		if (maps_read(pid, &v, &nr))
			die("maps");
		for (size_t i = 0; i < nr; i++)
			agree_range(&t, fd, v[i].start, v[i].end, tl);
		free(v);
	}
	tally_print(tl);
	return 0;
}

static int cmd_truth(int argc, char **argv)
{
	unsigned long start = strtoul(argv[1], NULL, 16);
	unsigned long end = strtoul(argv[2], NULL, 16);
	struct truth t;

	truth_open(&t, atoi(argv[0]));
	for (unsigned long addr = start; addr < end; addr += PAGE_SZ) {
		uint64_t pm = read_u64_at(t.pagemap_fd, addr / PAGE_SZ, "pagemap");
		uint64_t pfn = pm & ((1ULL << 55) - 1);
		int present = pm >> 63 & 1, swap = pm >> 62 & 1;

		if (!present) {
			printf("0x%lx 0 %d - - - -\n", addr, swap);
			continue;
		}
		printf("0x%lx 1 0 %" PRIu64 " %" PRIu64 " 0x%" PRIx64 " %d\n", addr,
		       pfn, read_u64_at(t.kpagecount_fd, pfn, "/proc/kpagecount"),
		       read_u64_at(t.kpageflags_fd, pfn, "/proc/kpageflags"),
		       truth_node(&t, pfn));
	}
	return 0;
}

/* ------------------------------------------------------------ numa-maps */

#define MAX_NODES 8

struct numa_line {
	unsigned long start;
	long node[MAX_NODES];
	long page_kb;		/* kernelpagesize_kB: 2048 for 2 MiB hugetlb */
};

/* Kernel-internal kpageflags bit: PG_reserved */
#define KPF_RESERVED_BIT	32

/*
 * per-node counts of present pages, as numa_maps counts them: only
 * vm_normal_page()s (no zero page, no pfnmap) that are not PG_reserved (the
 * [vdso] pages are; /proc/kpageflags says which)
 */
static void count_nodes(int fd, unsigned long start, unsigned long end,
			long counts[MAX_NODES])
{
	static int kpageflags_fd = -1;
	size_t n = (end - start) / PAGE_SZ;
	struct pagewatch_page *recs = calloc(n ? n : 1, sizeof(*recs));

	if (!recs)
		die("calloc");
	if (kpageflags_fd < 0) {
		kpageflags_fd = open("/proc/kpageflags", O_RDONLY);
		if (kpageflags_fd < 0)
			die("/proc/kpageflags");
	}
	memset(counts, 0, MAX_NODES * sizeof(long));
	pages_read_all(fd, start, n, recs);
	for (size_t i = 0; i < n; i++) {
		const struct pagewatch_page *p = &recs[i];

		/* numa_maps counts vm_normal_page()s: no zero page, no pfnmap */
		if (!HAS(p, PAGEWATCH_PAGE_PRESENT) || HAS(p, PAGEWATCH_PAGE_ZERO) ||
		    HAS(p, PAGEWATCH_PAGE_SPECIAL) || HAS(p, PAGEWATCH_PAGE_SKIPPED))
			continue;
		if (read_u64_at(kpageflags_fd, p->pfn, "/proc/kpageflags") >>
		    KPF_RESERVED_BIT & 1)
			continue;
		if (p->node < MAX_NODES)
			counts[p->node]++;
	}
	free(recs);
}

static size_t numa_maps_read(pid_t pid, struct numa_line **out)
{
	char path[64], line[4096];
	struct numa_line *l = NULL;
	size_t n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/numa_maps", pid);
	f = fopen(path, "r");
	if (!f)
		die(path);
	while (fgets(line, sizeof(line), f)) {
		struct numa_line one = { 0 };
		char *tok, *save;

		tok = strtok_r(line, " \n", &save);
		if (!tok)
			continue;
		one.start = strtoul(tok, NULL, 16);
		while ((tok = strtok_r(NULL, " \n", &save))) {
			int node;
			long count;

			if (sscanf(tok, "N%d=%ld", &node, &count) == 2 &&
			    node >= 0 && node < MAX_NODES)
				one.node[node] = count;
			sscanf(tok, "kernelpagesize_kB=%ld", &one.page_kb);
		}
		l = realloc(l, (n + 1) * sizeof(*l));
		if (!l)
			die("realloc");
		l[n++] = one;
	}
	fclose(f);
	*out = l;
	return n;
}

static int cmd_numa_maps(int argc, char **argv)
{
	pid_t pid = atoi(argv[0]);
	unsigned long vmas = 0, pages = 0, bad = 0;
	struct numa_line *nl;
	size_t nr, nnl;
	struct vma *v;
	int fd = pages_open(pid);

	if (maps_read(pid, &v, &nr))
		die("maps");
	for (size_t i = 0; i < nr; i++) {
		long counts[MAX_NODES];
		bool same = false;
		size_t j;

		/* re-read both when they differ: shared libraries may move */
		for (int try = 0; try <= RETRIES && !same; try++) {
			if (try)
				sleep_ms(20);
			nnl = numa_maps_read(pid, &nl);
			for (j = 0; j < nnl; j++)
				if (nl[j].start == v[i].start)
					break;
			count_nodes(fd, v[i].start, v[i].end, counts);
			/*
			 * numa_maps counts a hugetlb VMA's pages whole
			 * (gather_hugetlb_stats(): one per huge entry), the
			 * module per 4 KiB page
			 */
			for (int n = 0; j < nnl && nl[j].page_kb > 4 &&
					n < MAX_NODES; n++)
				counts[n] /= nl[j].page_kb / 4;
			same = j < nnl &&
			       !memcmp(counts, nl[j].node, sizeof(counts));
			if (!same && try == RETRIES) {
				bad++;
				if (bad <= MAX_DETAILS) {
					printf("  per_vma_node_counts_match_numa_maps vma %lx-%lx %s:", v[i].start,
					       v[i].end, v[i].perms);
					for (int n = 0; n < MAX_NODES; n++)
						if (counts[n] || (j < nnl && nl[j].node[n]))
							printf(" N%d module=%ld numa_maps=%ld",
							       n, counts[n],
							       j < nnl ? nl[j].node[n] : -1);
					printf("%s\n", j < nnl ? "" : " (no numa_maps line)");
				}
			}
			if (same || try == RETRIES) {
				for (int n = 0; n < MAX_NODES; n++)
					pages += counts[n];
			}
			free(nl);
		}
		vmas++;
	}
	printf("check per_vma_node_counts_match_numa_maps checked=%lu bad=%lu pages=%lu\n",
	       vmas, bad, pages);
	free(v);
	return 0;
}

/* --------------------------------------------------------------- dumps */

static int cmd_dump(int argc, char **argv)
{
	pid_t pid = atoi(argv[0]);
	unsigned long start = strtoul(argv[1], NULL, 16);
	unsigned long end = strtoul(argv[2], NULL, 16);
	size_t n = (end - start) / PAGE_SZ;
	struct pagewatch_page *recs = calloc(n ? n : 1, sizeof(*recs));
	int fd = pages_open(pid);
	char addr[32];

	if (!recs)
		die("calloc");
	pages_read_all(fd, start, n, recs);
	for (size_t i = 0; i < n; i++) {
		snprintf(addr, sizeof(addr), "%lx", start + i * PAGE_SZ);
		print_record(stdout, addr, &recs[i]);
		putchar('\n');
	}
	free(recs);
	return 0;
}

static int cmd_dump_all(int argc, char **argv)
{
	pid_t pid = atoi(argv[0]);
	int fd = pages_open(pid);
	struct vma *v;
	size_t nr;
	char addr[32];

	if (maps_read(pid, &v, &nr))
		die("maps");
	for (size_t i = 0; i < nr; i++) {
		size_t n = (v[i].end - v[i].start) / PAGE_SZ;
		struct pagewatch_page *recs = calloc(n, sizeof(*recs));

		if (!recs)
			die("calloc");
		pages_read_all(fd, v[i].start, n, recs);
		for (size_t j = 0; j < n; j++) {
			snprintf(addr, sizeof(addr), "%lx", v[i].start + j * PAGE_SZ);
			print_record(stdout, addr, &recs[j]);
			printf(" %s\n", v[i].perms);
		}
		free(recs);
	}
	free(v);
	return 0;
}

static int cmd_kpage(int argc, char **argv)
{
	uint64_t pfn = strtoull(argv[0], NULL, 16);
	size_t n = argc > 1 ? strtoul(argv[1], NULL, 0) : 1;
	struct pagewatch_page *recs = calloc(n, sizeof(*recs));
	ssize_t got;

	if (!recs)
		die("calloc");
	got = pread(kpage_fd(), recs, n * PAGEWATCH_RECORD_SIZE,
		    (off_t)(pfn * PAGEWATCH_RECORD_SIZE));
	if (got < 0)
		die("pread " DEBUGFS "/kpage");
	for (ssize_t i = 0; i < got / PAGEWATCH_RECORD_SIZE; i++) {
		print_record(stdout, "-", &recs[i]);
		putchar('\n');
	}
	free(recs);
	return 0;
}

/* kpage's pfn_valid means what kpageflags' KPF_NOPAGE denies: online */
static int cmd_kpage_online(int argc, char **argv)
{
	uint64_t pfn = strtoull(argv[0], NULL, 16);
	size_t n = strtoul(argv[1], NULL, 0);
	struct pagewatch_page *recs = calloc(n, sizeof(*recs));
	int flags_fd = open("/proc/kpageflags", O_RDONLY);
	unsigned long checked = 0, bad = 0;
	ssize_t got;

	if (!recs || flags_fd < 0)
		die("calloc or /proc/kpageflags");
	got = pread(kpage_fd(), recs, n * PAGEWATCH_RECORD_SIZE,
		    (off_t)(pfn * PAGEWATCH_RECORD_SIZE));
	if (got < 0)
		die("pread " DEBUGFS "/kpage");
	for (ssize_t i = 0; i < got / PAGEWATCH_RECORD_SIZE; i++) {
		uint64_t kf = read_u64_at(flags_fd, pfn + i, "/proc/kpageflags");
		bool online = !(kf >> KPF_NOPAGE & 1);
		bool valid = recs[i].flags >> PAGEWATCH_PAGE_PFN_VALID & 1;

		checked++;
		if (online == valid && (valid || (!recs[i].flags &&
		    recs[i].node == PAGEWATCH_NODE_NONE)))
			continue;
		if (bad++ < 8)
			printf("  pfn_valid_matches_kpageflags_nopage pfn %" PRIx64 ": kpage flags %#llx node %u, kpageflags %#" PRIx64 "\n",
			       pfn + i, (unsigned long long)recs[i].flags,
			       recs[i].node, kf);
	}
	printf("check pfn_valid_matches_kpageflags_nopage checked=%lu bad=%lu\n",
	       checked, bad);
	free(recs);
	close(flags_fd);
	return 0;
}

static int cmd_kpagecount(int argc, char **argv)
{
	int fd = open("/proc/kpagecount", O_RDONLY);

	if (fd < 0)
		die("/proc/kpagecount");
	for (int i = 0; i < argc; i++)
		printf("%" PRIu64 "\n", read_u64_at(fd, strtoull(argv[i], NULL, 16),
					       "/proc/kpagecount"));
	return 0;
}

/* -------------------------------------------------------------- reread */

static void print_counters(const char *when, pid_t pid)
{
	static const char *const vm_keys[] = {
		"numa_pte_updates", "numa_huge_pte_updates", "numa_hint_faults",
		"numa_hint_faults_local", "numa_pages_migrated", NULL
	};
	char path[300], line[512], key[128];
	unsigned long long val;
	struct dirent *de;
	DIR *d;
	FILE *f = fopen("/proc/vmstat", "r");

	if (!f)
		die("/proc/vmstat");
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%127s %llu", key, &val) != 2)
			continue;
		for (int i = 0; vm_keys[i]; i++)
			if (!strcmp(key, vm_keys[i]))
				printf("%s vmstat:%s %llu\n", when, key, val);
	}
	fclose(f);

	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	d = opendir(path);
	if (!d)
		die(path);
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task/%s/sched", pid,
			 de->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		while (fgets(line, sizeof(line), f)) {
			char *c;

			/* current_node is where it last ran, not a count */
			if (!strstr(line, "numa") || strstr(line, "current_node"))
				continue;
			line[strcspn(line, "\n")] = 0;
			/* "key   :   value" -> "key:value" */
			for (c = line; *c; c++)
				if (*c == ' ' && (c[1] == ' ' || c[1] == ':' ||
						  (c > line && c[-1] == ':')))
					memmove(c, c + 1, strlen(c)), c--;
			printf("%s task:%s:%s\n", when, de->d_name, line);
		}
		fclose(f);
	}
	closedir(d);
}

static int cmd_reread(int argc, char **argv)
{
	pid_t pid = atoi(argv[0]);
	int rounds = atoi(argv[1]);
	unsigned long records = 0;
	int fd = pages_open(pid);
	struct vma *v;
	size_t nr;
	struct pagewatch_page *recs;

	if (maps_read(pid, &v, &nr))
		die("maps");
	recs = records_for_vmas(v, nr);
	print_counters("before", pid);
	for (int r = 0; r < rounds; r++) {
		for (size_t i = 0; i < nr; i++) {
			size_t n = (v[i].end - v[i].start) / PAGE_SZ;

			pages_read_all(fd, v[i].start, n, recs);
			records += n;
		}
	}
	print_counters("after", pid);
	printf("records %lu\n", records);
	free(recs);
	free(v);
	return 0;
}

/* ---------------------------------------------------------- invariants */

enum { INV_THP_ORDER, INV_PIN_EXACT, INV_MIGRATION, INV_FILE, INV_NR };

static const char *const inv_names[INV_NR] = {
	"thp_iff_order_above_0", "pin_exact_implies_thp",
	"migration_unstable_without_counts", "migration_keeps_file",
};

static bool rec_flag(const struct pagewatch_page *r, unsigned int bit)
{
	return r->flags & (1ULL << bit);
}

/*
 * The rules of abi.h that hold for every record however the target
 * changes under the reader: a record is consistent on its own.
 */
static void inv_check(const struct pagewatch_page *r, bool want_file,
		      unsigned long *checked, unsigned long *bad,
		      unsigned long va)
{
	/* a large folio is THP or hugetlb (exactly one of them) */
	bool thp = rec_flag(r, PAGEWATCH_PAGE_THP) !=
		   rec_flag(r, PAGEWATCH_PAGE_HUGETLB);
	bool ok[INV_NR];
	int i;

	ok[INV_THP_ORDER] = thp == (r->order > 0);
	ok[INV_PIN_EXACT] = !rec_flag(r, PAGEWATCH_PAGE_PIN_EXACT) || thp;
	ok[INV_MIGRATION] = ok[INV_FILE] = true;
	if (rec_flag(r, PAGEWATCH_PAGE_MIGRATION)) {
		ok[INV_MIGRATION] = rec_flag(r, PAGEWATCH_PAGE_UNSTABLE) &&
			!r->refcount && !r->mapcount && !r->pincount &&
			!r->order && !thp &&
			!rec_flag(r, PAGEWATCH_PAGE_MAYBE_PINNED) &&
			rec_flag(r, PAGEWATCH_PAGE_ANON) != rec_flag(r, PAGEWATCH_PAGE_FILE);
		checked[INV_MIGRATION]++;
		if (want_file) {
			ok[INV_FILE] = rec_flag(r, PAGEWATCH_PAGE_FILE);
			checked[INV_FILE]++;
		}
	}
	checked[INV_THP_ORDER]++;
	checked[INV_PIN_EXACT]++;
	for (i = 0; i < INV_NR; i++) {
		if (ok[i])
			continue;
		if (bad[i]++ < 8)
			printf("  %s %lx order=%u flags=%#llx ref=%u map=%u pin=%u\n",
			       inv_names[i], va, r->order,
			       (unsigned long long)r->flags, r->refcount,
			       r->mapcount, r->pincount);
	}
}

static int cmd_invariants(int argc, char **argv)
{
	pid_t pid = atoi(argv[0]);
	unsigned long start = strtoul(argv[1], NULL, 16);
	unsigned long end = strtoul(argv[2], NULL, 16);
	long until = time(NULL) + atol(argv[3]);
	bool want_file = argc > 4 && !strcmp(argv[4], "file");
	unsigned long checked[INV_NR] = { 0 }, bad[INV_NR] = { 0 };
	unsigned long thp = 0, small = 0, migration = 0, rounds = 0;
	size_t n = (end - start) / PAGE_SZ;
	struct pagewatch_page *recs = calloc(n, sizeof(*recs));
	int fd = pages_open(pid), i;

	if (!recs)
		die("calloc");
	while (time(NULL) < until) {
		long got = pages_read(fd, start, n, recs);

		if (got < 0) {
			errno = (int)-got;
			die("pread pages");
		}
		for (long j = 0; j < got; j++) {
			inv_check(&recs[j], want_file, checked, bad,
				  start + j * PAGE_SZ);
			if (rec_flag(&recs[j], PAGEWATCH_PAGE_MIGRATION))
				migration++;
			else if (rec_flag(&recs[j], PAGEWATCH_PAGE_THP))
				thp++;
			else if (rec_flag(&recs[j], PAGEWATCH_PAGE_PRESENT))
				small++;
		}
		rounds++;
	}
	for (i = 0; i < INV_NR; i++)
		if (i != INV_FILE || want_file)
			printf("check %s checked=%lu bad=%lu\n", inv_names[i],
			       checked[i], bad[i]);
	printf("seen rounds %lu thp %lu small %lu migration %lu\n", rounds,
	       thp, small, migration);
	free(recs);
	return 0;
}

/* ------------------------------------------------------------- safety */

static int cmd_write_errno(int argc, char **argv)
{
	int fd = open(argv[0], O_RDWR);
	ssize_t len = (ssize_t)strlen(argv[1]);
	ssize_t w;

	if (fd < 0)
		die(argv[0]);
	w = write(fd, argv[1], len);
	printf("%s\n", w == len ? "OK" : w < 0 ? errno_name(errno) : "SHORT");
	return 0;
}

static int cmd_pread_errno(int argc, char **argv)
{
	int fd = pages_open(atoi(argv[0]));
	char buf[4096];
	size_t size = strtoul(argv[2], NULL, 0);
	ssize_t got;

	if (size > sizeof(buf))
		size = sizeof(buf);
	got = pread(fd, buf, size, (off_t)strtoull(argv[1], NULL, 0));
	if (got >= 0)
		printf("OK %zd\n", got);
	else
		printf("%s\n", errno_name(errno));
	return 0;
}

/* open PATH read-only and pread; the errno of whichever fails first */
static int cmd_read_errno(int argc, char **argv)
{
	size_t size = strtoul(argv[2], NULL, 0);
	char buf[4096];
	ssize_t got;
	int fd;

	if (size > sizeof(buf))
		size = sizeof(buf);
	fd = open(argv[0], O_RDONLY);
	if (fd < 0) {
		printf("%s\n", errno_name(errno));
		return 0;
	}
	got = pread(fd, buf, size, (off_t)strtoull(argv[1], NULL, 0));
	if (got >= 0)
		printf("OK %zd\n", got);
	else
		printf("%s\n", errno_name(errno));
	return 0;
}

static void drop_cap_sys_admin(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2];

	if (syscall(SYS_capget, &hdr, data))
		die("capget");
	data[CAP_SYS_ADMIN / 32].effective &= ~(1U << (CAP_SYS_ADMIN % 32));
	data[CAP_SYS_ADMIN / 32].permitted &= ~(1U << (CAP_SYS_ADMIN % 32));
	data[CAP_SYS_ADMIN / 32].inheritable &= ~(1U << (CAP_SYS_ADMIN % 32));
	if (syscall(SYS_capset, &hdr, data))
		die("capset");
}

static int cmd_open_errno(int argc, char **argv)
{
	struct stat st;
	int fd;

	if (argc > 1 && !strcmp(argv[1], "nocap"))
		drop_cap_sys_admin();
	if (stat(argv[0], &st)) {
		printf("stat:%s\n", errno_name(errno));
		return 0;
	}
	fd = open(argv[0], (st.st_mode & S_IWUSR) ? O_RDWR : O_RDONLY);
	printf("%s\n", fd >= 0 ? "OK" : errno_name(errno));
	return 0;
}

/* "OK" or the errno name of write(PID) to @fd */
static const char *bind_result(int fd, pid_t pid)
{
	char text[32];
	int len = snprintf(text, sizeof(text), "%d", pid);
	ssize_t w = write(fd, text, len);

	return w == len ? "OK" : w < 0 ? errno_name(errno) : "SHORT";
}

/* "OK" or the errno name of a pread of ADDR's record from @fd */
static const char *read_result(int fd, unsigned long addr)
{
	struct pagewatch_page rec;
	ssize_t got = pread(fd, &rec, sizeof(rec),
			    (off_t)(addr / PAGE_SZ) * PAGEWATCH_RECORD_SIZE);

	return got == (ssize_t)sizeof(rec) ? "OK" : got < 0 ? errno_name(errno) : "SHORT";
}

static void send_fd(int sock, int fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 }, byte = 0;
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);

	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	if (sendmsg(sock, &msg, 0) != 1)
		die("sendmsg SCM_RIGHTS");
}

static int recv_fd(int sock)
{
	char cbuf[CMSG_SPACE(sizeof(int))], byte;
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *c;
	int fd;

	if (recvmsg(sock, &msg, 0) != 1)
		die("recvmsg SCM_RIGHTS");
	c = CMSG_FIRSTHDR(&msg);
	if (!c || c->cmsg_type != SCM_RIGHTS)
		die("no descriptor received");
	memcpy(&fd, CMSG_DATA(c), sizeof(int));
	return fd;
}

/*
 * The child drops to nobody (setuid clears every capability), then tries
 * to rebind the inherited, bound descriptor and to bind the one root
 * passes it after the drop.
 */
static int cmd_passed_fd(int argc, char **argv)
{
	pid_t target = atoi(argv[0]), child;
	unsigned long addr = strtoul(argv[1], NULL, 16);
	int bound = pages_open(target), sv[2], status;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		die("socketpair");
	child = fork();
	if (child < 0)
		die("fork");
	if (!child) {
		const char *rebind, *reread;
		int passed;

		close(sv[0]);
		if (setgroups(0, NULL) || setgid(65534) || setuid(65534))
			die("become nobody");
		rebind = bind_result(bound, target);
		reread = read_result(bound, addr);
		passed = recv_fd(sv[1]);
		printf("inherited_rebind:%s inherited_read:%s ", rebind, reread);
		printf("passed_bind:%s ", bind_result(passed, target));
		printf("passed_read:%s\n", read_result(passed, addr));
		fflush(stdout);
		_exit(0);
	}
	close(sv[1]);
	send_fd(sv[0], open(DEBUGFS "/pages", O_RDWR));
	if (waitpid(child, &status, 0) != child || !WIFEXITED(status) ||
	    WEXITSTATUS(status))
		die("child");
	return 0;
}

static int cmd_exited_errno(int argc, char **argv)
{
	bool reap = !strcmp(argv[0], "reaped");
	struct pagewatch_page rec;
	int fd, pipefd[2], status;
	ssize_t got;
	pid_t child;
	char c;

	if (pipe(pipefd))
		die("pipe");
	child = fork();
	if (child < 0)
		die("fork");
	if (!child) {
		/* wait until bound, then exit */
		close(pipefd[1]);
		if (read(pipefd[0], &c, 1) < 0)
			_exit(1);
		_exit(0);
	}
	close(pipefd[0]);
	fd = pages_open(child);
	/* the child's stack page exists while it lives: the read works */
	got = pread(fd, &rec, sizeof(rec), 0);
	printf("alive:%s\n", got >= 0 ? "OK" : errno_name(errno));
	close(pipefd[1]);
	if (reap) {
		waitpid(child, &status, 0);
	} else {
		siginfo_t si;

		/* exited but not reaped: a zombie without mm */
		waitid(P_PID, child, &si, WEXITED | WNOWAIT);
	}
	got = pread(fd, &rec, sizeof(rec), 0);
	printf("exited:%s\n", got >= 0 ? "OK" : errno_name(errno));
	printf("exited_seek:%s\n",
	       lseek(fd, 0, SEEK_DATA) >= 0 ? "OK" : errno_name(errno));
	if (!reap)
		waitpid(child, &status, 0);
	return 0;
}

/* read every VMA of PID (as mapped at the start) until a read fails */
static int cmd_read_until_gone(int argc, char **argv)
{
	pid_t pid = atoi(argv[0]);
	int fd = pages_open(pid);
	unsigned long rounds = 0;
	struct pagewatch_page *recs;
	struct vma *v;
	size_t nr;
	long got = 0;

	if (maps_read(pid, &v, &nr))
		die("maps");
	recs = records_for_vmas(v, nr);
	for (;;) {
		for (size_t i = 0; i < nr && got >= 0; i++)
			got = pages_read(fd, v[i].start,
					 (v[i].end - v[i].start) / PAGE_SZ, recs);
		if (got < 0)
			break;
		/* the caller kills the target once a round was read whole */
		if (!rounds++)
			fprintf(stderr, "pw-verify: one full round read\n");
	}
	/* stderr: the caller shows it when the errno is not the expected one */
	fprintf(stderr, "pw-verify: %lu full rounds before the error\n", rounds);
	printf("%s\n", errno_name((int)-got));
	free(recs);
	free(v);
	return 0;
}

struct reader {
	pid_t pid;
	unsigned long addr;
	int rounds;
	unsigned long reads, bad;
	uint64_t first_pfn;
};

static void *reader_run(void *arg)
{
	struct reader *r = arg;
	char path[64];
	int fd = pages_open(r->pid), pm;

	snprintf(path, sizeof(path), "/proc/%d/pagemap", r->pid);
	pm = open(path, O_RDONLY);
	if (pm < 0)
		die(path);
	for (int i = 0; i < r->rounds; i++) {
		struct pagewatch_page p;
		uint64_t truth = read_u64_at(pm, r->addr / PAGE_SZ, "pagemap");

		pages_read_all(fd, r->addr, 1, &p);
		r->reads++;
		if (i == 0)
			r->first_pfn = p.pfn;
		if (!HAS(&p, PAGEWATCH_PAGE_PRESENT) ||
		    p.pfn != (truth & ((1ULL << 55) - 1)))
			r->bad++;
	}
	close(pm);
	close(fd);
	return NULL;
}

static int cmd_two_readers(int argc, char **argv)
{
	struct reader r[2] = {
		{ .pid = atoi(argv[0]), .addr = strtoul(argv[1], NULL, 16) },
		{ .pid = atoi(argv[2]), .addr = strtoul(argv[3], NULL, 16) },
	};
	pthread_t th[2];

	for (int i = 0; i < 2; i++) {
		r[i].rounds = atoi(argv[4]);
		if (pthread_create(&th[i], NULL, reader_run, &r[i]))
			die("pthread_create");
	}
	for (int i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	for (int i = 0; i < 2; i++)
		printf("reader%d pid=%d reads=%lu bad=%lu pfn=%" PRIx64 "\n", i + 1,
		       r[i].pid, r[i].reads, r[i].bad, r[i].first_pfn);
	return 0;
}

/* ----------------------------------------------------- SEEK_DATA/HOLE */

/* lseek WHENCE from the record of VADDR: the address found, or -errno */
static long long seek_addr(int fd, unsigned long vaddr, int whence)
{
	off_t off = lseek(fd, (off_t)(vaddr / PAGE_SZ * PAGEWATCH_RECORD_SIZE),
			  whence);

	if (off < 0)
		return -errno;
	return (long long)(off / PAGEWATCH_RECORD_SIZE * PAGE_SZ);
}

static int cmd_seek_runs(int argc, char **argv)
{
	int fd = pages_open(atoi(argv[0]));
	unsigned long start = strtoul(argv[1], NULL, 16);
	unsigned long end = strtoul(argv[2], NULL, 16);
	unsigned long seeks = 0;
	long long data, hole;

	while (start < end) {
		data = seek_addr(fd, start, SEEK_DATA);
		seeks++;
		if (data == -ENXIO || (data >= 0 && (unsigned long)data >= end))
			break;
		if (data < 0) {
			errno = (int)-data;
			die("lseek SEEK_DATA");
		}
		hole = seek_addr(fd, (unsigned long)data, SEEK_HOLE);
		seeks++;
		if (hole < 0) {
			errno = (int)-hole;
			die("lseek SEEK_HOLE");
		}
		if ((unsigned long)hole > end)
			hole = (long long)end;
		printf("run %llx %llx\n", data, hole);
		start = (unsigned long)hole;
	}
	printf("seeks %lu\n", seeks);
	return 0;
}

struct seek_tally {
	unsigned long checked[2], bad[2];	/* [0] data, [1] hole */
};

/*
 * Whether lseek WHENCE from page I of [START, START + N pages) gives what
 * RECS say: the first page at or after I with (data) or without (hole) a
 * flag; past the range, any answer at or past its end (or, for data,
 * ENXIO) is right.
 */
static bool seek_answer_right(int fd, unsigned long start, size_t n,
			      const struct pagewatch_page *recs, size_t i,
			      bool data, long long *seen)
{
	size_t j = i;

	while (j < n && (recs[j].flags != 0) != data)
		j++;
	*seen = seek_addr(fd, start + i * PAGE_SZ, data ? SEEK_DATA : SEEK_HOLE);
	if (j < n)
		return *seen == (long long)(start + j * PAGE_SZ);
	return *seen >= (long long)(start + n * PAGE_SZ) ||
	       (data && *seen == -ENXIO);
}

static void seek_agree_range(int fd, unsigned long start, unsigned long end,
			     struct seek_tally *t)
{
	static const char *const names[2] = { "seek_data", "seek_hole" };
	size_t n = (end - start) / PAGE_SZ;
	struct pagewatch_page *recs = calloc(n ? n : 1, sizeof(*recs));
	long long seen;

	if (!recs)
		die("calloc");
	pages_read_all(fd, start, n, recs);
	for (size_t i = 0; i < n; i++) {
		for (int k = 0; k < 2; k++) {
			bool right = false;

			/* a page the kernel changed meanwhile is read again */
			for (int r = 0; r < RETRIES && !right; r++) {
				if (r) {
					sleep_ms(10);
					pages_read_all(fd, start, n, recs);
				}
				right = seek_answer_right(fd, start, n, recs, i,
							  k == 0, &seen);
			}
			t->checked[k]++;
			if (right)
				continue;
			if (t->bad[k]++ < MAX_DETAILS)
				printf("  %s from %lx: %llx (%s)\n", names[k],
				       start + i * PAGE_SZ, seen,
				       seen < 0 ? errno_name((int)-seen) : "address");
		}
	}
	free(recs);
}

static int cmd_seek_agree(int argc, char **argv)
{
	pid_t pid = atoi(argv[0]);
	int fd = pages_open(pid);
	struct seek_tally t = { 0 };
	struct vma *v;
	size_t nr;

	if (argc >= 3) {
		seek_agree_range(fd, strtoul(argv[1], NULL, 16),
				 strtoul(argv[2], NULL, 16), &t);
	} else {
		if (maps_read(pid, &v, &nr))
			die("maps");
		for (size_t i = 0; i < nr; i++)
			if ((v[i].end - v[i].start) / PAGE_SZ <= SEEK_AGREE_MAX)
				seek_agree_range(fd, v[i].start, v[i].end, &t);
		free(v);
	}
	printf("check seek_data checked=%lu bad=%lu\n", t.checked[0], t.bad[0]);
	printf("check seek_hole checked=%lu bad=%lu\n", t.checked[1], t.bad[1]);
	return 0;
}

static int cmd_seek_errno(int argc, char **argv)
{
	int whence = !strcmp(argv[2], "data") ? SEEK_DATA :
		     !strcmp(argv[2], "hole") ? SEEK_HOLE : SEEK_SET;
	off_t off;
	int fd;

	fd = pages_open_arg(argv[0]);
	off = lseek(fd, (off_t)strtoll(argv[1], NULL, 0), whence);
	if (off >= 0)
		printf("OK %lld\n", (long long)off);
	else
		printf("%s\n", errno_name(errno));
	return 0;
}

/* ------------------------------------------------------------- counts */

/* the counts PAGEWATCH_IOC_COUNT promises, made here from read records */
static void count_records(const struct pagewatch_page *r, size_t n,
			  struct pagewatch_count *c)
{
	const uint64_t state = 1ULL << PAGEWATCH_PAGE_PRESENT |
			       1ULL << PAGEWATCH_PAGE_SWAP |
			       1ULL << PAGEWATCH_PAGE_MIGRATION;

	for (size_t i = 0; i < n; i++) {
		uint64_t flags = r[i].flags;

		c->with_state += !!(flags & state);
		for (int b = 0; b < 64; b++)
			c->flag[b] += flags >> b & 1;
		if (!(flags & 1ULL << PAGEWATCH_PAGE_PRESENT) ||
		    r[i].node == PAGEWATCH_NODE_NONE)
			continue;
		if (r[i].node >= PAGEWATCH_COUNT_NODES) {
			c->present_beyond++;
			continue;
		}
		c->node_present[r[i].node]++;
		c->node_hugetlb[r[i].node] +=
			!!(flags & 1ULL << PAGEWATCH_PAGE_HUGETLB);
	}
}

/* ioctl(PAGEWATCH_IOC_COUNT) of [START, END): 0 or errno */
static int count_ioctl(int fd, unsigned long start, unsigned long end,
		       struct pagewatch_count *c)
{
	memset(c, 0, sizeof(*c));
	c->start = start;
	c->end = end;
	return ioctl(fd, PAGEWATCH_IOC_COUNT, c) ? errno : 0;
}

/* the first field where A and B differ, for a message ("" when none) */
static const char *count_diff(const struct pagewatch_count *a,
			      const struct pagewatch_count *b)
{
	static char what[64];

	what[0] = '\0';
	if (a->with_state != b->with_state)
		snprintf(what, sizeof(what), "with_state %llu/%llu",
			 (unsigned long long)a->with_state,
			 (unsigned long long)b->with_state);
	for (int i = 0; !what[0] && i < 64; i++)
		if (a->flag[i] != b->flag[i])
			snprintf(what, sizeof(what), "flag %d %llu/%llu", i,
				 (unsigned long long)a->flag[i],
				 (unsigned long long)b->flag[i]);
	for (int i = 0; !what[0] && i < PAGEWATCH_COUNT_NODES; i++)
		if (a->node_present[i] != b->node_present[i] ||
		    a->node_hugetlb[i] != b->node_hugetlb[i])
			snprintf(what, sizeof(what), "node %d %llu/%llu", i,
				 (unsigned long long)a->node_present[i],
				 (unsigned long long)b->node_present[i]);
	if (!what[0] && a->present_beyond != b->present_beyond)
		snprintf(what, sizeof(what), "present_beyond");
	return what;
}

/*
 * Every VMA of a (stopped) PID whole, and each VMA but its first and last
 * page (batches cut off a PMD): the module's counts against the records
 * read, field by field
 */
static int cmd_count_agree(int argc, char **argv)
{
	pid_t pid = atoi(argv[0]);
	int fd = pages_open(pid);
	unsigned long checked = 0, bad = 0, ranges = 0, bad_ranges = 0;
	struct pagewatch_page *recs;
	struct vma *v;
	size_t nr;

	(void)argc;
	if (maps_read(pid, &v, &nr))
		die("maps");
	recs = records_for_vmas(v, nr);
	for (size_t i = 0; i < nr; i++) {
		size_t n = (v[i].end - v[i].start) / PAGE_SZ;

		for (int cut = 0; cut < 2; cut++) {
			struct pagewatch_count want = { 0 }, got;
			unsigned long start = v[i].start + cut * PAGE_SZ;
			size_t len = n - 2 * cut;
			const char *diff;
			int err;

			if (cut && n < 3)
				continue;
			if (pages_read(fd, start, len, recs) != (long)len)
				die("read of a VMA's records");
			count_records(recs, len, &want);
			err = count_ioctl(fd, start, start + len * PAGE_SZ, &got);
			diff = err ? errno_name(err) : count_diff(&want, &got);
			ranges++;
			checked += len;
			if (!diff[0])
				continue;
			bad += len;
			if (++bad_ranges <= 8)
				printf("  count_equals_records %lx-%lx: %s (records/ioctl)\n",
				       start, start + len * PAGE_SZ, diff);
		}
	}
	/* pages, as every check line counts them; the ranges after */
	printf("check count_equals_records checked=%lu bad=%lu ranges=%lu bad_ranges=%lu\n",
	       checked, bad, ranges, bad_ranges);
	free(recs);
	free(v);
	return 0;
}

/* PAGEWATCH_IOC_COUNT's errno for [START, END) of PID (none: unbound) */
static int cmd_count_errno(int argc, char **argv)
{
	unsigned long start = strtoul(argv[1], NULL, 0);
	unsigned long end = strtoul(argv[2], NULL, 0);
	const char *how = argc > 3 ? argv[3] : "";
	struct pagewatch_count c;
	int fd, err;

	if (!strcmp(argv[0], "exited")) {
		pid_t child = fork();

		if (child < 0)
			die("fork");
		if (!child) {
			pause();
			_exit(0);
		}
		fd = pages_open(child);
		kill(child, SIGKILL);
		waitpid(child, NULL, 0);
	} else {
		fd = pages_open_arg(argv[0]);
	}
	if (!strcmp(how, "badptr"))
		err = ioctl(fd, PAGEWATCH_IOC_COUNT, (void *)16) ? errno : 0;
	else if (!strcmp(how, "badcmd"))
		err = ioctl(fd, _IOWR(PAGEWATCH_IOC_MAGIC, 2, struct pagewatch_count),
			    &c) ? errno : 0;
	else
		err = count_ioctl(fd, start, end, &c);
	printf("%s\n", errno_name(err));
	return 0;
}

/* ---------------------------------------------------------------- main */

static const struct command {
	const char *name;
	int min_args;
	int (*run)(int argc, char **argv);
	const char *usage;
} commands[] = {
	{ "dump", 3, cmd_dump, "PID START END" },
	{ "dump-all", 1, cmd_dump_all, "PID" },
	{ "kpage", 1, cmd_kpage, "PFN [COUNT]" },
	{ "kpagecount", 1, cmd_kpagecount, "PFN..." },
	{ "kpage-online", 2, cmd_kpage_online, "PFN COUNT" },
	{ "agree", 1, cmd_agree, "PID [START END]" },
	{ "truth", 3, cmd_truth, "PID START END" },
	{ "numa-maps", 1, cmd_numa_maps, "PID" },
	{ "reread", 2, cmd_reread, "PID COUNT" },
	{ "write-errno", 2, cmd_write_errno, "PATH TEXT" },
	{ "pread-errno", 3, cmd_pread_errno, "PID OFFSET SIZE" },
	{ "read-errno", 3, cmd_read_errno, "PATH OFFSET SIZE" },
	{ "open-errno", 1, cmd_open_errno, "PATH [nocap]" },
	{ "passed-fd", 2, cmd_passed_fd, "PID ADDR" },
	{ "exited-errno", 1, cmd_exited_errno, "zombie|reaped" },
	{ "read-until-gone", 1, cmd_read_until_gone, "PID" },
	{ "seek-runs", 3, cmd_seek_runs, "PID START END" },
	{ "seek-agree", 1, cmd_seek_agree, "PID [START END]" },
	{ "seek-errno", 3, cmd_seek_errno, "PID|none OFFSET data|hole|set" },
	{ "invariants", 4, cmd_invariants, "PID START END SECONDS [file]" },
	{ "two-readers", 5, cmd_two_readers, "PID1 ADDR1 PID2 ADDR2 ROUNDS" },
	{ "count-agree", 1, cmd_count_agree, "PID" },
	{ "count-errno", 3, cmd_count_errno, "PID|none|exited START END [badptr|badcmd]" },
};

int main(int argc, char **argv)
{
	for (size_t i = 0; argc > 1 && i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(argv[1], commands[i].name))
			continue;
		if (argc - 2 < commands[i].min_args) {
			fprintf(stderr, "usage: pw-verify %s %s\n",
				commands[i].name, commands[i].usage);
			return 2;
		}
		setvbuf(stdout, NULL, _IOLBF, 0);
		return commands[i].run(argc - 2, argv + 2);
	}
	fprintf(stderr, "usage: pw-verify COMMAND ARGS (see the source's head)\n");
	return 2;
}
