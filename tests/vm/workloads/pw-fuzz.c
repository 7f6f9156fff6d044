// SPDX-License-Identifier: GPL-2.0
/*
 * pw-fuzz ITERATIONS SEED: hostile input to every file of the pagewatch
 * module, for tests/vm/tests/89-fuzz.sh. Each iteration picks a file
 * (pages, kpage, target, text, version), sometimes reopens it (any access
 * mode), and writes malformed or hostile text to it (garbage, NULs, huge
 * and negative numbers, the PIDs of init, kthreadd, a zombie, itself, a
 * missing process, ranges past TASK_SIZE, reversed, unaligned, too long,
 * bad buffer pointers), then reads it with random offsets and sizes (zero,
 * unaligned, huge, past the end, into a bad pointer) and seeks at random
 * (every whence, SEEK_DATA and SEEK_HOLE included), and asks for counts
 * (PAGEWATCH_IOC_COUNT) of random ranges: aligned or not, reversed,
 * empty, huge, past TASK_SIZE, through a bad pointer.
 * Every call must return a value or an errno from the list allowed for
 * that call; alarm() turns a call that blocks for 60 s into a failure.
 *
 * Prints "seed S", then "calls N ok N" and one "errno NAME N" line per
 * errno seen, then "bad N" (a "bad ..." line for each of the first 20:
 * iteration, call, input and errno).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <pagewatch/abi.h>

#define DEBUGFS		"/sys/kernel/debug/pagewatch"
#define BUF_SZ		(1UL << 20)
/*
 * A text read or seek at offset N formats the N lines before it (seq_file),
 * up to the 1 << 20 pages a target may span: seconds under emulation
 */
#define HANG_SECONDS	60
/* random_size() tries up to 1 << 31 bytes */
#define GUARD_SZ	(1UL << 32)

enum file { F_PAGES, F_KPAGE, F_TARGET, F_TEXT, F_VERSION, F_JOURNAL, NR_FILES };
static const char *const file_names[NR_FILES] = {
	"pages", "kpage", "target", "text", "version", "journal",
};

static uint64_t seed_state;
static unsigned long iteration, calls, ok, nr_bad;
static unsigned long errno_count[256];
static const char *current_call = "";
static char *buf;
static pid_t pids[8];
static unsigned int nr_pids;

static uint64_t rnd(void)
{
	seed_state ^= seed_state << 13;
	seed_state ^= seed_state >> 7;
	seed_state ^= seed_state << 17;
	return seed_state;
}

static uint64_t pick(uint64_t n)
{
	return rnd() % n;
}

static void on_alarm(int sig)
{
	char msg[160];
	int len = snprintf(msg, sizeof(msg), "bad hang: iteration %lu: %s blocked %d s\n",
			   iteration, current_call, HANG_SECONDS);

	(void)sig;
	if (write(1, msg, len) < 0)
		_exit(4);
	_exit(3);
}

/* errno numbers allowed per call, 0-terminated */
static const int allowed_write[] = { EINVAL, ESRCH, EFAULT, EBADF, 0 };
/*
 * EAGAIN: an empty journal (always opened O_NONBLOCK here); ESPIPE: a
 * pread() of the journal, which is not seekable
 */
static const int allowed_read[] = { EINVAL, ESRCH, ENXIO, EINTR, EFAULT, EBADF,
				    EAGAIN, ESPIPE, 0 };
/* text binds a PID target at open: ESRCH once that process has exited */
static const int allowed_open[] = { ENXIO, ESRCH, 0 };
/* text: seq_lseek() formats the lines before the offset, reading the target */
/* ENXIO: SEEK_DATA/SEEK_HOLE past the end, before a PID, no data left */
/* ESPIPE: the journal is not seekable */
static const int allowed_seek[] = { EINVAL, ENXIO, ESRCH, EINTR, ESPIPE, 0 };
static const int allowed_misc[] = { ENOTTY, ENODEV, EINVAL, EACCES, EBADF, 0 };
/* PAGEWATCH_IOC_COUNT: ENOTTY on every file but pages */
static const int allowed_count[] = { EINVAL, ENXIO, ESRCH, EINTR, EFAULT,
				     ENOTTY, EBADF, 0 };

static void result(long ret, const int *allowed, const char *what,
		   const char *input)
{
	int err = errno;

	alarm(0);
	calls++;
	if (ret >= 0) {
		ok++;
		return;
	}
	if (err > 0 && err < 256)
		errno_count[err]++;
	for (const int *a = allowed; *a; a++)
		if (*a == err)
			return;
	if (nr_bad++ < 20)
		printf("bad iteration %lu: %s: input '%.80s': %s\n", iteration,
		       what, input ? input : "", strerror(err));
}

#define CALL(what) (current_call = (what), alarm(HANG_SECONDS))

/* ------------------------------------------------------------- inputs */

static const char *const interesting_numbers[] = {
	"0", "-1", "-0", "+1", "1", "2", "2147483647", "2147483648",
	"-2147483648", "4294967297", "18446744073709551615",
	"18446744073709551616", "99999999999999999999999", "0x10", "010",
	"1e3", " ", "", "\n", "-", "--1", "1-", "1 2", "1\n2",
};

static const char *const interesting_addrs[] = {
	"0", "1", "fff", "1000", "1001", "7fffffffe000", "7ffffffff000",
	"7fffffffffff", "800000000000", "ffff800000000000",
	"ffffffffffffffff", "10000000000000000", "0x400000", "-1000",
	"fffffffffffff000", "100000", "100000000",
};

/* A PID, as text: hostile or real */
static void pid_text(char *out, size_t len)
{
	if (pick(3))
		snprintf(out, len, "%d", (int)pids[pick(nr_pids)]);
	else
		snprintf(out, len, "%s",
			 interesting_numbers[pick(sizeof(interesting_numbers) /
						  sizeof(interesting_numbers[0]))]);
}

static const char *addr_text(void)
{
	static char a[4][32];
	static unsigned int i;
	char *s = a[i++ % 4];

	if (pick(2))
		return interesting_addrs[pick(sizeof(interesting_addrs) /
					      sizeof(interesting_addrs[0]))];
	snprintf(s, 32, "%" PRIx64, rnd() >> pick(64));
	return s;
}

/* Fill @out with one hostile input for @f; returns its length */
static size_t make_input(enum file f, char *out, size_t max)
{
	char pid[32];
	size_t len;

	switch (pick(8)) {
	case 0:		/* binary garbage, NULs included */
		len = pick(128);
		for (size_t i = 0; i < len; i++)
			out[i] = (char)rnd();
		return len;
	case 1:		/* too long for any parser */
		len = 90 + pick(200);
		memset(out, pick(2) ? '1' : ' ', len);
		return len;
	case 2:
		pid_text(out, max);
		return strlen(out);
	default:
		break;
	}
	pid_text(pid, sizeof(pid));
	if (f == F_JOURNAL && pick(3) == 0)	/* ring sizes, good and bad */
		return (size_t)snprintf(out, max, "size %s%" PRIu64 "%s",
					pick(4) ? "" : " ",
					pick(2) ? (uint64_t)1 << pick(24) : rnd() >> pick(64),
					pick(2) ? "\n" : "");
	if (f != F_TARGET && pick(2))
		return (size_t)snprintf(out, max, "%s%s", pid,
					pick(2) ? "\n" : "");
	switch (pick(6)) {
	case 0:
		return (size_t)snprintf(out, max, "none%s", pick(2) ? "\n" : " x");
	case 1:
		return (size_t)snprintf(out, max, "pfn %s-%s", addr_text(), addr_text());
	case 2:		/* missing or doubled dash, extra words */
		return (size_t)snprintf(out, max, "%s %s%s%s%s", pid, addr_text(),
					pick(2) ? "--" : "", addr_text(),
					pick(2) ? " extra" : "");
	default:
		return (size_t)snprintf(out, max, "%s %s-%s", pid, addr_text(),
					addr_text());
	}
}

/* ------------------------------------------------------------- calls */

static int open_file(enum file f)
{
	static const int modes[] = { O_RDONLY, O_WRONLY, O_RDWR };
	char path[128];
	int fd;

	snprintf(path, sizeof(path), DEBUGFS "/%s", file_names[f]);
	CALL("open");
	/* a blocking read of a quiet journal would wait for ever */
	fd = open(path, modes[pick(3)] |
		  (f == F_JOURNAL || !pick(4) ? O_NONBLOCK : 0));
	result(fd, allowed_open, "open", file_names[f]);
	return fd;
}

static off_t random_offset(void)
{
	switch (pick(6)) {
	case 0: return 0;
	case 1: return (off_t)pick(1 << 20);				/* unaligned */
	case 2: return (off_t)(pick(1UL << 30) * PAGEWATCH_RECORD_SIZE);	/* a PFN */
	case 3: return (off_t)((0x7ffffffff000UL >> 12) - pick(64)) *
			PAGEWATCH_RECORD_SIZE;				/* top of user space */
	case 4: return (off_t)(rnd() >> 1);				/* huge */
	default: return (off_t)(pick(0x7f0000000UL) * PAGEWATCH_RECORD_SIZE);
	}
}

static size_t random_size(void)
{
	switch (pick(5)) {
	case 0: return 0;
	case 1: return pick(100);
	case 2: return PAGEWATCH_RECORD_SIZE * (1 + pick(64));
	case 3: return BUF_SZ;
	default: return (size_t)1 << (20 + pick(12));	/* more than the buffer */
	}
}

static void one_iteration(int *fds)
{
	enum file f = pick(NR_FILES);
	char input[512];
	size_t len;

	if (fds[f] < 0 || pick(4) == 0) {
		if (fds[f] >= 0)
			close(fds[f]);
		fds[f] = open_file(f);
		if (fds[f] < 0)
			return;
	}
	for (int n = pick(4); n >= 0; n--) {
		long ret;
		off_t off;

		switch (pick(9)) {
		case 0: case 1: case 2:
			len = make_input(f, input, sizeof(input) - 1);
			input[len] = '\0';
			CALL("write");
			ret = pick(16) ? write(fds[f], input, len) :
				write(fds[f], NULL, len + 1);
			result(ret, allowed_write, "write", input);
			break;
		case 3: case 4: case 5:
			off = random_offset();
			/* far into text costs seconds under emulation: rarely */
			if (f == F_TEXT && pick(64))
				off %= 1 << 16;
			len = random_size();
			CALL("pread");
			ret = pick(16) ? pread(fds[f], buf, len, off) :
				pread(fds[f], (void *)8, len, off);
			snprintf(input, sizeof(input), "%s offset %lld size %zu",
				 file_names[f], (long long)off, len);
			result(ret, allowed_read, "pread", input);
			break;
		case 6:
			CALL("read");
			ret = read(fds[f], buf, random_size());
			result(ret, allowed_read, "read", file_names[f]);
			break;
		case 7:
			off = pick(2) ? random_offset() : -(off_t)pick(1000);
			if (f == F_TEXT && off > 0 && pick(64))
				off %= 1 << 16;
			CALL("lseek");
			/* SEEK_SET, _CUR, _END, _DATA, _HOLE */
			ret = lseek(fds[f], off, (int)pick(5));
			snprintf(input, sizeof(input), "%s offset %lld",
				 file_names[f], (long long)off);
			result(ret < 0 ? -1 : 0, allowed_seek, "lseek", input);
			break;
		default:
			CALL("ioctl/mmap/poll");
			if (pick(3) == 0) {
				struct pollfd pfd = { .fd = fds[f], .events = POLLIN };

				ret = poll(&pfd, 1, 0) < 0 ? -1 : 0;
			} else if (pick(2)) {
				struct pagewatch_count *c = (void *)buf;
				uint64_t start = random_offset() /
						 PAGEWATCH_RECORD_SIZE * 4096;

				/* ranges: aligned or not, reversed, empty, huge */
				memset(c, 0, sizeof(*c));
				c->start = pick(4) ? start : start + pick(4096);
				c->end = pick(4) ? c->start + pick(1 << 24) :
					 (pick(2) ? rnd() : c->start - pick(1 << 20));
				if (pick(2))
					c->end &= ~4095ULL;
				CALL("ioctl count");
				ret = ioctl(fds[f], PAGEWATCH_IOC_COUNT,
					    pick(16) ? (void *)c : (void *)8);
				snprintf(input, sizeof(input), "%s count %#llx-%#llx",
					 file_names[f], (unsigned long long)c->start,
					 (unsigned long long)c->end);
				result(ret, allowed_count, "ioctl count", input);
				break;
			} else if (pick(2)) {
				ret = ioctl(fds[f], (unsigned long)rnd(), buf);
			} else {
				void *p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fds[f], 0);

				ret = p == MAP_FAILED ? -1 : 0;
				if (p != MAP_FAILED)
					munmap(p, 4096);
			}
			result(ret, allowed_misc, "ioctl/mmap", file_names[f]);
			break;
		}
	}
}

static const char *errno_label(int err)
{
	static char other[16];

	switch (err) {
	case EINVAL: return "EINVAL";
	case ESRCH: return "ESRCH";
	case ENXIO: return "ENXIO";
	case EINTR: return "EINTR";
	case EFAULT: return "EFAULT";
	case EBADF: return "EBADF";
	case ENOTTY: return "ENOTTY";
	case ENODEV: return "ENODEV";
	case EACCES: return "EACCES";
	case EAGAIN: return "EAGAIN";
	case ESPIPE: return "ESPIPE";
	default:
		snprintf(other, sizeof(other), "E%d", err);
		return other;
	}
}

int main(int argc, char **argv)
{
	unsigned long iterations = argc > 1 ? strtoul(argv[1], NULL, 0) : 20000;
	uint64_t seed = argc > 2 ? strtoull(argv[2], NULL, 0) : (uint64_t)getpid();
	int fds[NR_FILES];
	pid_t zombie, live;

	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("seed %" PRIu64 "\n", seed);
	seed_state = seed * 2654435761ULL + 88172645463325252ULL;
	signal(SIGALRM, on_alarm);
	signal(SIGPIPE, SIG_IGN);
	/* reads larger than the buffer must fault (EFAULT or a short read),
	 * not overwrite whatever is mapped after it: a PROT_NONE guard larger
	 * than the largest size tried follows the buffer
	 */
	buf = mmap(NULL, BUF_SZ + GUARD_SZ, PROT_NONE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (buf == MAP_FAILED || mprotect(buf, BUF_SZ, PROT_READ | PROT_WRITE))
		return 2;

	zombie = fork();
	if (zombie == 0)
		_exit(0);
	live = fork();
	if (live == 0) {
		for (;;)
			pause();
	}
	/* init, kthreadd, a zombie (never reaped), a live child, ourselves,
	 * a PID that is not in use, pid_max and past it
	 */
	pids[nr_pids++] = 1;
	pids[nr_pids++] = 2;
	pids[nr_pids++] = zombie;
	pids[nr_pids++] = live;
	pids[nr_pids++] = getpid();
	pids[nr_pids++] = 4194303;
	pids[nr_pids++] = 4194304;
	pids[nr_pids++] = INT_MAX;

	for (int f = 0; f < NR_FILES; f++)
		fds[f] = -1;
	for (iteration = 0; iteration < iterations; iteration++)
		one_iteration(fds);

	kill(live, SIGKILL);
	waitpid(live, NULL, 0);
	waitpid(zombie, NULL, 0);
	printf("calls %lu ok %lu\n", calls, ok);
	for (int e = 1; e < 256; e++)
		if (errno_count[e])
			printf("errno %s %lu\n", errno_label(e), errno_count[e]);
	printf("bad %lu\n", nr_bad);
	return nr_bad ? 1 : 0;
}
