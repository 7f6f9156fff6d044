// SPDX-License-Identifier: GPL-2.0
/*
 * pw-churn: the stress test's target and readers (tests/vm/tests/88-stress.sh).
 *
 *   target SECONDS         a process whose threads change its address space
 *                          as fast as they can for SECONDS, then exit:
 *                          mmap/munmap/mremap/mprotect, fork+exit,
 *                          MADV_DONTNEED, MADV_HUGEPAGE + MADV_COLLAPSE
 *                          (anon and shmem), move_pages/migrate_pages
 *                          between nodes 0 and 1, io_uring buffer
 *                          register/unregister. Prints "ready" once
 *                          running, "ops KIND N" lines and "ops total N"
 *                          at exit.
 *   spin SECONDS           fork short-lived children in a tight loop, so
 *                          that PIDs wrap and a target's PID is reused;
 *                          prints "forks N"
 *   reader pages|kpage|text PIDFILE SECONDS
 *                          read the module's file over and over for
 *                          SECONDS, following the PID in PIDFILE (rewritten
 *                          as targets are replaced): pages reads every VMA
 *                          of /proc/PID/maps (stale ranges included), kpage
 *                          random PFN windows, text a random VMA through
 *                          the target file. Every record is checked (known
 *                          flag bits, node < nodes or NONE, order <= 10,
 *                          documented flag invariants); every failure must
 *                          be a documented errno. Prints "reads N records N
 *                          errno-ESRCH N ... bad N" and, for each bad
 *                          record or errno, a "bad ..." line (at most 20).
 */
#include "config.h"

#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/io_uring.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <pagewatch/abi.h>

#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE		25	/* 6.1 and later */
#endif
#ifndef MPOL_MF_MOVE
#define MPOL_MF_MOVE		(1 << 1)
#endif

#define DEBUGFS			"/sys/kernel/debug/pagewatch"
#define PAGE_SZ			4096UL
#define HPAGE_SZ		(2UL << 20)
/* MAX_ORDER - 1 on 6.1, MAX_PAGE_ORDER on 6.12: the largest buddy order */
#define MAX_ORDER_SEEN		18	/* a 1 GiB hugetlb folio */
#define MAX_BAD_LINES		20

static double deadline;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static bool running(void)
{
	return now() < deadline;
}

/* xorshift: each thread its own state, seeded from its TID */
static uint64_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void touch(char *p, size_t len)
{
	for (size_t off = 0; off < len; off += PAGE_SZ)
		p[off] = (char)off | 1;
}

/* ------------------------------------------------------------- target */

enum op {
	OP_MMAP, OP_MUNMAP, OP_MREMAP, OP_MPROTECT, OP_FORK, OP_DONTNEED,
	OP_COLLAPSE, OP_COLLAPSE_SHMEM, OP_MOVE_PAGES, OP_MIGRATE_PAGES,
	OP_URING_REGISTER, OP_URING_UNREGISTER, OP_HUGETLB_MAP,
	OP_HUGETLB_FORK, OP_HUGETLB_PIN, OP_HUGETLB_MOVE, NR_OPS
};

static const char *const op_names[NR_OPS] = {
	"mmap", "munmap", "mremap", "mprotect", "fork_exit", "madv_dontneed",
	"madv_collapse", "madv_collapse_shmem", "move_pages", "migrate_pages",
	"uring_register", "uring_unregister", "hugetlb_map", "hugetlb_fork",
	"hugetlb_pin", "hugetlb_move",
};

static atomic_ulong ops[NR_OPS];

static void count(enum op op, long ret)
{
	if (ret >= 0)
		atomic_fetch_add(&ops[op], 1);
}

#define SLOTS 16

/* mmap, touch, mremap (grow, shrink, move), mprotect, munmap */
static void *churn_vmas(void *arg)
{
	uint64_t s = (uintptr_t)arg * 7919 + getpid();
	struct { char *p; size_t len; } slot[SLOTS] = { { 0 } };

	while (running()) {
		unsigned int i = rnd(&s) % SLOTS;
		size_t len = (1 + rnd(&s) % 64) * PAGE_SZ;
		void *p;

		if (!slot[i].p) {
			p = mmap(NULL, len, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			count(OP_MMAP, p == MAP_FAILED ? -1 : 0);
			if (p == MAP_FAILED)
				continue;
			touch(p, len);
			slot[i].p = p;
			slot[i].len = len;
			continue;
		}
		switch (rnd(&s) % 4) {
		case 0:
			count(OP_MUNMAP, munmap(slot[i].p, slot[i].len));
			slot[i].p = NULL;
			break;
		case 1:
			p = mremap(slot[i].p, slot[i].len, len, MREMAP_MAYMOVE);
			count(OP_MREMAP, p == MAP_FAILED ? -1 : 0);
			if (p == MAP_FAILED)
				break;
			slot[i].p = p;
			slot[i].len = len;
			if (!mprotect(p, len, PROT_READ | PROT_WRITE))
				touch(p, len);
			break;
		case 2:
			count(OP_MPROTECT, mprotect(slot[i].p, slot[i].len,
						    rnd(&s) % 2 ? PROT_NONE : PROT_READ));
			break;
		default:
			count(OP_MPROTECT, mprotect(slot[i].p, slot[i].len,
						    PROT_READ | PROT_WRITE));
			touch(slot[i].p, slot[i].len);
			break;
		}
	}
	return NULL;
}

/* 2 MiB-aligned window of an over-sized mapping */
static char *map_aligned(size_t len, int flags, int fd)
{
	char *p = mmap(NULL, len + HPAGE_SZ, PROT_READ | PROT_WRITE, flags, fd, 0);

	if (p == MAP_FAILED)
		return NULL;
	return (char *)(((uintptr_t)p + HPAGE_SZ - 1) & ~(HPAGE_SZ - 1));
}

/* THPs: fault, collapse, zap (anonymous and shmem) */
static void *churn_thp(void *arg)
{
	uint64_t s = (uintptr_t)arg * 104729 + getpid();
	size_t len = 4 * HPAGE_SZ;
	int fd = memfd_create("pw-churn", 0);
	char *anon, *shm;

	if (fd < 0 || ftruncate(fd, len + HPAGE_SZ))
		return NULL;
	anon = map_aligned(len, MAP_PRIVATE | MAP_ANONYMOUS, -1);
	shm = map_aligned(len, MAP_SHARED, fd);
	if (!anon || !shm)
		return NULL;
	while (running()) {
		size_t off = (rnd(&s) % 4) * HPAGE_SZ;
		size_t part = (1 + rnd(&s) % 511) * PAGE_SZ;

		madvise(anon + off, HPAGE_SZ, MADV_HUGEPAGE);
		touch(anon + off, part);
		count(OP_COLLAPSE, madvise(anon + off, HPAGE_SZ, MADV_COLLAPSE));
		/* a partial zap splits the PMD of a THP */
		count(OP_DONTNEED, madvise(anon + off + part, PAGE_SZ * 3,
					   MADV_DONTNEED));
		madvise(shm + off, HPAGE_SZ, MADV_HUGEPAGE);
		touch(shm + off, part);
		count(OP_COLLAPSE_SHMEM, madvise(shm + off, HPAGE_SZ, MADV_COLLAPSE));
		if (rnd(&s) % 4 == 0)
			count(OP_DONTNEED, madvise(anon + off, HPAGE_SZ, MADV_DONTNEED));
		if (rnd(&s) % 4 == 0)
			count(OP_DONTNEED, madvise(shm + off, HPAGE_SZ, MADV_DONTNEED));
	}
	return NULL;
}

/* move_pages of one region to the other node, migrate_pages of the process */
static void *churn_migrate(void *arg)
{
	uint64_t s = (uintptr_t)arg * 15485863 + getpid();
	enum { N = 64 };
	char *p = mmap(NULL, N * PAGE_SZ, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	void *pages[N];
	int nodes[N], status[N];
	int to = 1;

	if (p == MAP_FAILED)
		return NULL;
	touch(p, N * PAGE_SZ);
	for (int i = 0; i < N; i++)
		pages[i] = p + i * PAGE_SZ;
	while (running()) {
		unsigned long from_mask = 1UL << !to, to_mask = 1UL << to;

		for (int i = 0; i < N; i++)
			nodes[i] = to;
		count(OP_MOVE_PAGES, syscall(SYS_move_pages, 0, N, pages, nodes,
					     status, MPOL_MF_MOVE));
		if (rnd(&s) % 8 == 0)
			count(OP_MIGRATE_PAGES, syscall(SYS_migrate_pages, 0,
				sizeof(from_mask) * 8, &from_mask, &to_mask));
		touch(p, N * PAGE_SZ);
		to = !to;
	}
	return NULL;
}

/* io_uring fixed buffers (long-term pins) registered and unregistered */
static void *churn_uring(void *arg)
{
	size_t len = 32 * PAGE_SZ;
	struct io_uring_params params;
	char *buf = mmap(NULL, len, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct iovec iov = { buf, len };
	uint64_t s = (uintptr_t)arg * 31337 + getpid();
	int fd;

	memset(&params, 0, sizeof(params));
	fd = syscall(__NR_io_uring_setup, 4, &params);
	if (fd < 0 || buf == MAP_FAILED)
		return NULL;
	while (running()) {
		touch(buf, len);
		if (syscall(__NR_io_uring_register, fd, IORING_REGISTER_BUFFERS,
			    &iov, 1) < 0)
			continue;
		count(OP_URING_REGISTER, 0);
		count(OP_URING_UNREGISTER, syscall(__NR_io_uring_register, fd,
						   IORING_UNREGISTER_BUFFERS, NULL, 0));
		if (rnd(&s) % 16 == 0)
			madvise(buf, len, MADV_DONTNEED);
	}
	close(fd);
	return NULL;
}

/* fork: the child shares the pages copy-on-write, writes some, exits */
static void *churn_fork(void *arg)
{
	char *p = mmap(NULL, 16 * PAGE_SZ, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	(void)arg;
	if (p == MAP_FAILED)
		return NULL;
	while (running()) {
		pid_t pid;

		touch(p, 16 * PAGE_SZ);
		pid = fork();
		if (pid == 0) {
			touch(p, 8 * PAGE_SZ);
			_exit(0);
		}
		if (pid > 0 && waitpid(pid, NULL, 0) == pid)
			count(OP_FORK, 0);
	}
	return NULL;
}

/*
 * hugetlb: map 2 MiB pages (private and of a shared memfd), fault them,
 * fork a child that writes one (COW of a hugetlb page) and exits, pin one
 * as an io_uring buffer, move_pages it to the other node, unmap. Needs
 * huge pages reserved (88-stress does); without them only the maps count.
 */
static void *churn_hugetlb(void *arg)
{
	uint64_t s = (uintptr_t)arg * 7919 + getpid();
	int mfd = memfd_create("pw-churn-huge", MFD_HUGETLB);
	struct io_uring_params params;
	int ufd, to = 1;

	memset(&params, 0, sizeof(params));
	ufd = syscall(__NR_io_uring_setup, 4, &params);
	if (mfd < 0 || ftruncate(mfd, 2 * HPAGE_SZ) || ufd < 0)
		return NULL;
	while (running()) {
		bool shared = rnd(&s) % 2;
		char *p = mmap(NULL, 2 * HPAGE_SZ, PROT_READ | PROT_WRITE,
			       shared ? MAP_SHARED : MAP_PRIVATE | MAP_ANONYMOUS |
			       MAP_HUGETLB, shared ? mfd : -1, 0);
		struct iovec iov = { p, HPAGE_SZ };
		void *page = p;
		int status;
		pid_t pid;

		count(OP_HUGETLB_MAP, p == MAP_FAILED ? -1 : 0);
		if (p == MAP_FAILED) {
			usleep(10000);
			continue;
		}
		/* SIGBUS when the pool is empty: touch only what madvise got */
		if (madvise(p, 2 * HPAGE_SZ, MADV_POPULATE_WRITE)) {
			munmap(p, 2 * HPAGE_SZ);
			continue;
		}
		pid = fork();
		if (pid == 0) {
			p[HPAGE_SZ] = 2;	/* COW of a private hugetlb page */
			_exit(0);
		}
		if (pid > 0 && waitpid(pid, NULL, 0) == pid)
			count(OP_HUGETLB_FORK, 0);
		if (syscall(__NR_io_uring_register, ufd, IORING_REGISTER_BUFFERS,
			    &iov, 1) >= 0) {
			count(OP_HUGETLB_PIN, 0);
			syscall(__NR_io_uring_register, ufd,
				IORING_UNREGISTER_BUFFERS, NULL, 0);
		}
		count(OP_HUGETLB_MOVE, syscall(SYS_move_pages, 0, 1, &page, &to,
					       &status, MPOL_MF_MOVE));
		to = !to;
		munmap(p, 2 * HPAGE_SZ);
	}
	close(ufd);
	return NULL;
}

static int cmd_target(double seconds)
{
	void *(*const fn[])(void *) = {
		churn_vmas, churn_vmas, churn_thp, churn_migrate, churn_uring,
		churn_fork, churn_hugetlb,
	};
	enum { NT = sizeof(fn) / sizeof(fn[0]) };
	pthread_t t[NT];
	unsigned long total = 0;

	deadline = now() + seconds;
	for (uintptr_t i = 0; i < NT; i++)
		if (pthread_create(&t[i], NULL, fn[i], (void *)(i + 1)))
			return 2;
	printf("ready\n");
	fflush(stdout);
	for (int i = 0; i < NT; i++)
		pthread_join(t[i], NULL);
	for (int i = 0; i < NR_OPS; i++) {
		printf("ops %s %lu\n", op_names[i], ops[i]);
		total += ops[i];
	}
	printf("ops total %lu\n", total);
	return 0;
}

static int cmd_spin(double seconds)
{
	unsigned long forks = 0;

	deadline = now() + seconds;
	while (running()) {
		pid_t pid = fork();

		if (pid == 0)
			_exit(0);
		if (pid > 0 && waitpid(pid, NULL, 0) == pid)
			forks++;
	}
	printf("forks %lu\n", forks);
	return 0;
}

/* ------------------------------------------------------------- readers */

struct tally {
	unsigned long reads, records, bad, lines;
	unsigned long err[4];	/* ESRCH, ENXIO, EINTR, ENOENT */
};

static unsigned int nr_nodes;

static void bad(struct tally *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void bad(struct tally *t, const char *fmt, ...)
{
	va_list ap;

	t->bad++;
	if (t->lines++ >= MAX_BAD_LINES)
		return;
	fputs("bad ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

/* A failure the ABI documents for a target that went away */
static void errno_seen(struct tally *t, int err, const char *what)
{
	switch (err) {
	case ESRCH: t->err[0]++; break;
	case ENXIO: t->err[1]++; break;
	case EINTR: t->err[2]++; break;
	default: bad(t, "%s: %s", what, strerror(err)); break;
	}
}

#define KNOWN_FLAGS	((1ULL << PAGEWATCH_PAGE_NR_FLAGS) - 1)
#define F(bit)		(1ULL << PAGEWATCH_PAGE_##bit)

/* The documented invariants of one record (abi.h, pagewatch.4) */
static void check_record(struct tally *t, const struct pagewatch_page *r,
			 bool kpage, unsigned long index)
{
	uint64_t fl = r->flags;

	t->records++;
	if (fl & ~KNOWN_FLAGS)
		bad(t, "index %lx: unknown flag bits %" PRIx64, index, fl);
	if (r->node != PAGEWATCH_NODE_NONE && r->node >= nr_nodes)
		bad(t, "index %lx: node %u of %u", index, r->node, nr_nodes);
	if (r->order > MAX_ORDER_SEEN)
		bad(t, "index %lx: order %u", index, r->order);
	if ((fl & F(PRESENT)) && (fl & (F(SWAP) | F(MIGRATION))))
		bad(t, "index %lx: present and swap/migration %" PRIx64, index, fl);
	if ((fl & F(WRITE)) && (fl & F(PROTNONE)))
		bad(t, "index %lx: write on a protnone entry %" PRIx64, index, fl);
	if ((fl & F(PROTNONE)) && !(fl & F(PRESENT)))
		bad(t, "index %lx: protnone without present %" PRIx64, index, fl);
	if (kpage && (fl & (F(PRESENT) | F(WRITE) | F(PROTNONE) | F(PMD) |
			    F(SWAP) | F(MIGRATION))))
		bad(t, "pfn %lx: mapping facts in a kpage record %" PRIx64, index, fl);
	if (!kpage && (fl & F(PFN_VALID)))
		bad(t, "index %lx: pfn_valid outside kpage %" PRIx64, index, fl);
	/* a large folio is either THP or hugetlb, never both */
	if (!(fl & (F(THP) | F(HUGETLB))) != !r->order ||
	    ((fl & F(THP)) && (fl & F(HUGETLB))))
		bad(t, "index %lx: thp or hugetlb without order > 0 or back, order %u %" PRIx64,
		    index, r->order, fl);
	if ((fl & F(PIN_EXACT)) && !(fl & (F(THP) | F(HUGETLB))))
		bad(t, "index %lx: pin_exact without thp or hugetlb %" PRIx64, index, fl);
	if ((fl & F(MIGRATION)) &&
	    (!(fl & F(UNSTABLE)) || r->refcount || r->mapcount || r->pincount))
		bad(t, "index %lx: migration record not unstable or with counts %" PRIx64,
		    index, fl);
}

static pid_t read_pid(const char *pidfile)
{
	FILE *f = fopen(pidfile, "r");
	int pid = 0;

	if (!f)
		return 0;
	if (fscanf(f, "%d", &pid) != 1)
		pid = 0;
	fclose(f);
	return pid;
}

/* At most @max "START END" VMAs of /proc/PID/maps */
static int read_vmas(pid_t pid, unsigned long (*v)[2], int max)
{
	char path[64], line[512];
	FILE *f;
	int n = 0;

	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (n < max && fgets(line, sizeof(line), f))
		if (sscanf(line, "%lx-%lx", &v[n][0], &v[n][1]) == 2 &&
		    v[n][1] <= 0x800000000000UL)
			n++;
	fclose(f);
	return n;
}

#define MAX_VMAS	512
#define WINDOW		512

static void read_pages(struct tally *t, const char *pidfile)
{
	static unsigned long vma[MAX_VMAS][2];
	static struct pagewatch_page buf[WINDOW];
	int fd = open(DEBUGFS "/pages", O_RDWR);
	char text[16];
	pid_t pid = read_pid(pidfile);
	int n, len;

	if (fd < 0) {
		bad(t, "open pages: %s", strerror(errno));
		return;
	}
	n = read_vmas(pid, vma, MAX_VMAS);
	len = snprintf(text, sizeof(text), "%d", pid);
	if (n < 0 || write(fd, text, len) != len) {
		if (n >= 0 || errno != ENOENT)
			errno_seen(t, n < 0 ? ESRCH : errno, "bind");
		close(fd);
		return;
	}
	for (int i = 0; i < n; i++) {
		for (unsigned long a = vma[i][0]; a < vma[i][1]; a += WINDOW * PAGE_SZ) {
			ssize_t got = pread(fd, buf, sizeof(buf),
					    (a / PAGE_SZ) * PAGEWATCH_RECORD_SIZE);

			t->reads++;
			if (got < 0) {
				errno_seen(t, errno, "pread pages");
				close(fd);
				return;
			}
			if (got % PAGEWATCH_RECORD_SIZE)
				bad(t, "pread pages: %zd bytes", got);
			for (ssize_t r = 0; r < got / PAGEWATCH_RECORD_SIZE; r++)
				check_record(t, &buf[r], false, a / PAGE_SZ + r);
		}
	}
	close(fd);
}

static void read_kpage(struct tally *t, uint64_t *s, unsigned long end_pfn)
{
	static struct pagewatch_page buf[WINDOW];
	int fd = open(DEBUGFS "/kpage", O_RDONLY);
	unsigned long pfn = rnd(s) % end_pfn;
	ssize_t got;

	if (fd < 0) {
		bad(t, "open kpage: %s", strerror(errno));
		return;
	}
	for (int i = 0; i < 16; i++, pfn = (pfn + WINDOW) % end_pfn) {
		got = pread(fd, buf, sizeof(buf), pfn * PAGEWATCH_RECORD_SIZE);
		t->reads++;
		if (got < 0) {
			errno_seen(t, errno, "pread kpage");
			break;
		}
		for (ssize_t r = 0; r < got / PAGEWATCH_RECORD_SIZE; r++)
			check_record(t, &buf[r], true, pfn + r);
	}
	close(fd);
}

static bool flag_known(const char *name, size_t len)
{
#define PW_FLAG_IS(bit, n) if (strlen(n) == len && !strncmp(name, n, len)) return true;
	PAGEWATCH_PAGE_FLAG_NAMES(PW_FLAG_IS)
#undef PW_FLAG_IS
	return false;
}

static void check_text_line(struct tally *t, char *line)
{
	char addr[32], pfn[32], node[16], flags[512];
	unsigned int order, ref, map, pin;
	char *f;

	t->records++;
	if (sscanf(line, "%31s %31s %15s %u %u %u %u %511s", addr, pfn, node,
		   &order, &ref, &map, &pin, flags) != 8) {
		bad(t, "text line: %s", line);
		return;
	}
	if (order > MAX_ORDER_SEEN || (strcmp(node, "-") && (unsigned int)atoi(node) >= nr_nodes))
		bad(t, "text line: %s", line);
	if (!strcmp(flags, "-"))
		return;
	for (f = flags; *f; ) {
		size_t n = strcspn(f, ",");

		if (!flag_known(f, n))
			bad(t, "text flag: %s", line);
		f += n + (f[n] == ',');
	}
}

static void read_text(struct tally *t, uint64_t *s, const char *pidfile)
{
	static unsigned long vma[MAX_VMAS][2];
	pid_t pid = read_pid(pidfile);
	int n = read_vmas(pid, vma, MAX_VMAS), fd, i;
	char text[96], line[1024];
	FILE *f;

	if (n <= 0)
		return;
	i = rnd(s) % n;
	fd = open(DEBUGFS "/target", O_WRONLY);
	if (fd < 0) {
		bad(t, "open target: %s", strerror(errno));
		return;
	}
	snprintf(text, sizeof(text), "%d %lx-%lx", pid, vma[i][0],
		 vma[i][1] - vma[i][0] > (64UL << 20) ? vma[i][0] + (64UL << 20) : vma[i][1]);
	if (write(fd, text, strlen(text)) < 0) {
		errno_seen(t, errno, "write target");
		close(fd);
		return;
	}
	close(fd);
	/* another reader may set the target in between: any target is fine */
	f = fopen(DEBUGFS "/text", "r");
	t->reads++;
	if (!f) {
		errno_seen(t, errno, "open text");
		return;
	}
	while (fgets(line, sizeof(line), f))
		if (line[0] != '#')
			check_text_line(t, line);
	if (ferror(f))
		errno_seen(t, errno, "read text");
	fclose(f);
}

/* A record of the journal: a known kind, in order, with a sane range */
static void check_journal_record(struct tally *t,
				 const struct pagewatch_journal_record *r,
				 uint64_t *seq)
{
	unsigned int kind = le16toh(r->kind);
	uint64_t n = le64toh(r->seq), start = le64toh(r->start),
		 end = le64toh(r->end);

	t->records++;
	if (kind > PAGEWATCH_JOURNAL_EXITED ||
	    (kind > PAGEWATCH_JOURNAL_EXCLUSIVE && kind < PAGEWATCH_JOURNAL_OTHER))
		bad(t, "journal seq %" PRIu64 ": kind %u", n, kind);
	if (n <= *seq)
		bad(t, "journal seq %" PRIu64 " after %" PRIu64, n, *seq);
	if (kind <= PAGEWATCH_JOURNAL_OTHER && start > end)
		bad(t, "journal seq %" PRIu64 ": range %" PRIx64 "-%" PRIx64,
		    n, start, end);
	if (le16toh(r->flags) & ~PAGEWATCH_JOURNAL_F_BLOCKABLE)
		bad(t, "journal seq %" PRIu64 ": flags %x", n, le16toh(r->flags));
	*seq = n;
}

/*
 * Bind a journal (a small ring, so it overflows too) to the target the PID
 * file names and read it, polling, until the target exits or changes
 */
static void read_journal(struct tally *t, const char *pidfile)
{
	static struct pagewatch_journal_record recs[64];
	int fd = open(DEBUGFS "/journal", O_RDWR | O_NONBLOCK);
	pid_t pid = read_pid(pidfile);
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	uint64_t seq = 0;
	char text[16];
	ssize_t got;
	int len;

	if (fd < 0) {
		bad(t, "open journal: %s", strerror(errno));
		return;
	}
	if (write(fd, "size 64", 7) != 7)
		bad(t, "journal size 64: %s", strerror(errno));
	/* the PID file is empty while the next target is written into it */
	if (pid <= 0) {
		close(fd);
		poll(NULL, 0, 10);
		return;
	}
	len = snprintf(text, sizeof(text), "%d", pid);
	if (write(fd, text, len) != len) {
		errno_seen(t, errno, "bind journal");
		close(fd);
		return;
	}
	while (running() && read_pid(pidfile) == pid) {
		t->reads++;
		got = read(fd, recs, sizeof(recs));
		if (got == 0)
			break;		/* the exited record was read */
		if (got < 0 && errno == EAGAIN) {
			poll(&pfd, 1, 100);
			continue;
		}
		if (got < 0) {
			errno_seen(t, errno, "read journal");
			break;
		}
		if (got % sizeof(recs[0]))
			bad(t, "journal read of %zd bytes", got);
		for (ssize_t i = 0; i < got / (ssize_t)sizeof(recs[0]); i++)
			check_journal_record(t, &recs[i], &seq);
	}
	close(fd);
}

static unsigned int count_nodes(void)
{
	char path[64];
	unsigned int n = 0;

	for (;;) {
		snprintf(path, sizeof(path), "/sys/devices/system/node/node%u", n);
		if (access(path, F_OK))
			return n;
		n++;
	}
}

/* PFNs end: the highest "spanned" end of /proc/zoneinfo */
static unsigned long end_pfn(void)
{
	FILE *f = fopen("/proc/zoneinfo", "r");
	unsigned long start = 0, spanned = 0, end = 1UL << 18;
	char line[256];

	if (!f)
		return end;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, " spanned %lu", &spanned) == 1)
			continue;
		if (sscanf(line, " start_pfn: %lu", &start) == 1 && start + spanned > end)
			end = start + spanned;
	}
	fclose(f);
	return end + 4096;	/* a bit past the end: reads there return 0 */
}

static int cmd_reader(const char *mode, const char *pidfile, double seconds)
{
	struct tally t = { 0 };
	uint64_t s = getpid() * 2654435761ULL + 1;
	unsigned long pfns = end_pfn();

	nr_nodes = count_nodes();
	deadline = now() + seconds;
	while (running()) {
		if (!strcmp(mode, "pages"))
			read_pages(&t, pidfile);
		else if (!strcmp(mode, "kpage"))
			read_kpage(&t, &s, pfns);
		else if (!strcmp(mode, "text"))
			read_text(&t, &s, pidfile);
		else if (!strcmp(mode, "journal"))
			read_journal(&t, pidfile);
		else
			return 2;
	}
	printf("reads %lu records %lu esrch %lu enxio %lu eintr %lu bad %lu\n",
	       t.reads, t.records, t.err[0], t.err[1], t.err[2], t.bad);
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 3 && !strcmp(argv[1], "target"))
		return cmd_target(atof(argv[2]));
	if (argc == 3 && !strcmp(argv[1], "spin"))
		return cmd_spin(atof(argv[2]));
	if (argc == 5 && !strcmp(argv[1], "reader"))
		return cmd_reader(argv[2], argv[3], atof(argv[4]));
	fprintf(stderr, "usage: pw-churn target SECONDS | spin SECONDS |\n"
		"       pw-churn reader pages|kpage|text|journal PIDFILE SECONDS\n");
	return 2;
}
