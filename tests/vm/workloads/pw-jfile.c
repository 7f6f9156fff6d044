// SPDX-License-Identifier: GPL-2.0
/*
 * pw-jfile: the journal file's semantics, against pw-journal targets, whose
 * SIGRTMIN makes exactly one change (one record) of their probe page.
 *
 *   pw-jfile errors PID        misuse: reads, polls, seeks and writes that
 *                              must fail, each with its errno
 *   pw-jfile overflow PID N    ring of 16, N changes: 15 records, then one
 *                              overflow record counting N - 15; reading
 *                              frees the ring, and seq goes on
 *   pw-jfile twice PID         two files bound to one target see the same
 *                              records
 *   pw-jfile rebind PID1 PID2  after rebinding, PID1's changes are gone and
 *                              PID2's come
 *   pw-jfile block PID         a blocking read waits for the next change;
 *                              a signal interrupts it with EINTR
 *   pw-jfile hold PID          bind, print "bound", read until killed
 *   pw-jfile churn PID START END PCT SECONDS
 *                              every second, move PCT % of the pages of
 *                              [START, END) (hex) to the other node, a
 *                              different share each second (the bench's
 *                              changing target)
 *
 * Prints "check NAME ok" or "check NAME bad: why" lines.
 */
#include "config.h"

#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <pagewatch/abi.h>

#define JOURNAL	"/sys/kernel/debug/pagewatch/journal"

typedef struct pagewatch_journal_record rec_t;

static void check(const char *name, int ok, const char *fmt, ...)
{
	va_list ap;

	printf("check %s %s", name, ok ? "ok" : "bad: ");
	if (!ok) {
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
	}
	putchar('\n');
	fflush(stdout);
}

static int open_journal(int flags)
{
	int fd = open(JOURNAL, O_RDWR | O_CLOEXEC | flags);

	if (fd < 0) {
		perror(JOURNAL);
		exit(1);
	}
	return fd;
}

static int say(int fd, const char *text)
{
	return write(fd, text, strlen(text)) == (ssize_t)strlen(text) ? 0 : errno;
}

static int bind_pid(int fd, pid_t pid)
{
	char text[16];

	snprintf(text, sizeof(text), "%d", (int)pid);
	return say(fd, text);
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

/* PID's voluntary context switches, its shared pending signals, and
 * whether it sleeps in rt_sigtimedwait (sigwait), from /proc */
static int target_state(pid_t pid, unsigned long *nvcsw, unsigned long *pending,
			int *in_sigwait)
{
	char path[64], line[256];
	long nr = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		sscanf(line, "voluntary_ctxt_switches: %lu", nvcsw);
		sscanf(line, "ShdPnd: %lx", pending);
	}
	fclose(f);
	snprintf(path, sizeof(path), "/proc/%d/syscall", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return -1;
	if (fscanf(f, "%ld", &nr) != 1)
		nr = -1;
	fclose(f);
	*in_sigwait = nr == SYS_rt_sigtimedwait;
	return 0;
}

/*
 * One change of PID's probe page: real-time signals queue, none is lost.
 * Returns once the target took the signal, made its change and sleeps in
 * sigwait again (a fixed pause was too short on a loaded emulated guest).
 */
static void probe(pid_t pid)
{
	unsigned long nvcsw = 0, before = 0, pending = 0;
	unsigned long bit = 1UL << (SIGRTMIN - 1);
	union sigval v = { 0 };
	int in_wait = 0;

	target_state(pid, &before, &pending, &in_wait);
	sigqueue(pid, SIGRTMIN, v);
	for (int i = 0; i < 2000; i++) {
		if (target_state(pid, &nvcsw, &pending, &in_wait))
			return;	/* gone: its exit is the record */
		if (nvcsw > before && !(pending & bit) && in_wait)
			return;
		sleep_ms(5);
	}
	fprintf(stderr, "pw-jfile: pid %d did not take its probe within 10 s\n",
		(int)pid);
}

/* Every record there now, without waiting: how many, into RECS */
static int drain(int fd, rec_t *recs, int max)
{
	int n = 0;
	ssize_t got;

	while (n < max) {
		got = read(fd, recs + n, (size_t)(max - n) * sizeof(*recs));
		if (got <= 0)
			break;
		n += (int)(got / (ssize_t)sizeof(*recs));
	}
	return n;
}

static int errno_of(ssize_t ret)
{
	return ret < 0 ? errno : 0;
}

static void errors(pid_t pid)
{
	int fd = open_journal(O_NONBLOCK);
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	char small[32];
	rec_t rec;
	int e;

	e = errno_of(read(fd, &rec, sizeof(rec)));
	check("read_before_bind_is_ENXIO", e == ENXIO, "%s", strerror(e));
	check("poll_before_bind_is_POLLERR",
	      poll(&pfd, 1, 0) == 1 && (pfd.revents & POLLERR), "revents %x",
	      pfd.revents);
	e = say(fd, "abc");
	check("bind_to_text_is_EINVAL", e == EINVAL, "%s", strerror(e));
	e = say(fd, "0");
	check("bind_to_0_is_EINVAL", e == EINVAL, "%s", strerror(e));
	e = say(fd, "size 17");
	check("size_not_a_power_of_two_is_EINVAL", e == EINVAL, "%s", strerror(e));
	e = say(fd, "size 8");
	check("size_below_16_is_EINVAL", e == EINVAL, "%s", strerror(e));
	e = say(fd, "size 2097152");
	check("size_above_1Mi_is_EINVAL", e == EINVAL, "%s", strerror(e));
	e = bind_pid(fd, 4194304);
	check("bind_to_no_process_is_ESRCH", e == ESRCH, "%s", strerror(e));
	e = bind_pid(fd, pid);
	check("bind_to_the_target", e == 0, "%s", strerror(e));
	e = errno_of(read(fd, small, sizeof(small)));
	check("read_smaller_than_a_record_is_EINVAL", e == EINVAL, "%s",
	      strerror(e));
	e = errno_of(read(fd, &rec, sizeof(rec)));
	check("empty_nonblocking_read_is_EAGAIN", e == EAGAIN, "%s", strerror(e));
	pfd.revents = 0;
	check("poll_of_empty_is_0", poll(&pfd, 1, 0) == 0, "revents %x",
	      pfd.revents);
	e = errno_of(lseek(fd, 0, SEEK_SET));
	check("lseek_is_ESPIPE", e == ESPIPE, "%s", strerror(e));
	probe(pid);
	pfd.revents = 0;
	check("poll_after_a_change_is_POLLIN",
	      poll(&pfd, 1, 1000) == 1 && (pfd.revents & POLLIN), "revents %x",
	      pfd.revents);
	/* a buffer of one record and a half gets one whole record */
	{
		char buf[sizeof(rec) * 3 / 2];
		ssize_t got = read(fd, buf, sizeof(buf));

		check("read_returns_whole_records", got == sizeof(rec),
		      "read %zd bytes", got);
	}
	close(fd);
}

static void overflow(pid_t pid, int n)
{
	int fd = open_journal(O_NONBLOCK), got, e;
	rec_t recs[64];
	uint64_t lost;

	e = say(fd, "size 16");
	check("size_16", e == 0, "%s", strerror(e));
	e = bind_pid(fd, pid);
	check("bind", e == 0, "%s", strerror(e));
	for (int i = 0; i < n; i++)
		probe(pid);
	got = drain(fd, recs, 64);
	check("full_ring_gives_16_records", got == 16, "%d records", got);
	if (got < 1)
		return;
	lost = le64toh(recs[got - 1].lost);
	check("last_record_is_overflow",
	      le16toh(recs[got - 1].kind) == PAGEWATCH_JOURNAL_OVERFLOW,
	      "kind %u", le16toh(recs[got - 1].kind));
	check("overflow_counts_what_was_dropped", lost == (uint64_t)n - 15,
	      "lost %llu of %d changes", (unsigned long long)lost, n);
	check("records_before_overflow_are_the_changes",
	      le16toh(recs[0].kind) == PAGEWATCH_JOURNAL_PROTECTION_VMA &&
	      le64toh(recs[0].seq) == 1, "first kind %u seq %llu",
	      le16toh(recs[0].kind), (unsigned long long)le64toh(recs[0].seq));
	probe(pid);
	probe(pid);
	got = drain(fd, recs, 64);
	check("reading_frees_the_ring", got == 2, "%d records", got);
	check("seq_counts_lost_records_too",
	      got >= 1 && le64toh(recs[0].seq) == (uint64_t)n + 1,
	      "seq %llu after %d changes",
	      got ? (unsigned long long)le64toh(recs[0].seq) : 0ULL, n);
	close(fd);
}

static void twice(pid_t pid)
{
	int a = open_journal(O_NONBLOCK), b = open_journal(O_NONBLOCK), na, nb;
	rec_t ra[16], rb[16];

	check("bind_first", bind_pid(a, pid) == 0, "%s", strerror(errno));
	check("bind_second", bind_pid(b, pid) == 0, "%s", strerror(errno));
	for (int i = 0; i < 5; i++)
		probe(pid);
	na = drain(a, ra, 16);
	nb = drain(b, rb, 16);
	check("two_readers_see_five_changes_each", na == 5 && nb == 5,
	      "%d and %d records", na, nb);
	for (int i = 0; i < na && i < nb; i++)
		if (ra[i].start != rb[i].start || ra[i].kind != rb[i].kind) {
			check("two_readers_see_the_same_records", 0,
			      "record %d differs", i);
			break;
		}
	close(a);
	close(b);
}

static void rebind(pid_t first, pid_t second)
{
	int fd = open_journal(O_NONBLOCK), n;
	rec_t recs[16];

	check("bind_first_target", bind_pid(fd, first) == 0, "%s",
	      strerror(errno));
	probe(first);
	n = drain(fd, recs, 16);
	check("first_target_change_seen", n == 1, "%d records", n);
	check("rebind_to_second_target", bind_pid(fd, second) == 0, "%s",
	      strerror(errno));
	probe(first);
	n = drain(fd, recs, 16);
	check("first_target_gone_after_rebind", n == 0, "%d records", n);
	probe(second);
	n = drain(fd, recs, 16);
	check("second_target_change_seen", n == 1 &&
	      le32toh(recs[0].cause_pid) == (uint32_t)second,
	      "%d records", n);
	close(fd);
}

static void on_alarm(int sig)
{
}

static void block(pid_t pid)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	int fd = open_journal(0);
	pid_t child;
	ssize_t got;
	rec_t rec;

	check("bind", bind_pid(fd, pid) == 0, "%s", strerror(errno));
	child = fork();
	if (!child) {
		sleep_ms(500);
		probe(pid);
		_exit(0);
	}
	got = read(fd, &rec, sizeof(rec));
	check("blocking_read_waits_for_the_change", got == sizeof(rec),
	      "read %zd: %s", got, strerror(errno));
	waitpid(child, NULL, 0);
	sigaction(SIGALRM, &sa, NULL);	/* no SA_RESTART */
	alarm(1);
	got = read(fd, &rec, sizeof(rec));
	check("signal_interrupts_a_blocking_read",
	      got < 0 && errno == EINTR, "read %zd: %s", got, strerror(errno));
	close(fd);
}

static void hold(pid_t pid)
{
	int fd = open_journal(0);
	rec_t recs[64];

	if (bind_pid(fd, pid)) {
		perror("bind");
		exit(1);
	}
	printf("bound\n");
	fflush(stdout);
	while (read(fd, recs, sizeof(recs)) > 0)
		;
	close(fd);
}

static void churn(pid_t pid, unsigned long start, unsigned long end,
		  double pct, int seconds)
{
	unsigned long pages = (end - start) / 4096, n = pages * pct / 100, next = 0;
	void **addr = calloc(n ? n : 1, sizeof(*addr));
	int *nodes = calloc(n ? n : 1, sizeof(int));
	int *status = calloc(n ? n : 1, sizeof(int));
	long moved = 0;

	if (!addr || !nodes || !status)
		exit(1);
	for (int s = 0; s < seconds; s++) {
		for (unsigned long i = 0; i < n; i++) {
			addr[i] = (void *)(start + ((next + i * 97) % pages) * 4096);
			nodes[i] = s & 1;
		}
		next += n;
		if (!syscall(SYS_move_pages, pid, n, addr, nodes, status, 2))
			for (unsigned long i = 0; i < n; i++)
				moved += status[i] >= 0;
		sleep_ms(1000);
	}
	printf("moved %ld pages in %d s\n", moved, seconds);
}

int main(int argc, char **argv)
{
	pid_t pid = argc > 2 ? atoi(argv[2]) : 0;

	if (argc == 3 && !strcmp(argv[1], "errors"))
		errors(pid);
	else if (argc == 4 && !strcmp(argv[1], "overflow"))
		overflow(pid, atoi(argv[3]));
	else if (argc == 3 && !strcmp(argv[1], "twice"))
		twice(pid);
	else if (argc == 4 && !strcmp(argv[1], "rebind"))
		rebind(pid, atoi(argv[3]));
	else if (argc == 3 && !strcmp(argv[1], "block"))
		block(pid);
	else if (argc == 3 && !strcmp(argv[1], "hold"))
		hold(pid);
	else if (argc == 7 && !strcmp(argv[1], "churn"))
		churn(pid, strtoul(argv[3], NULL, 16), strtoul(argv[4], NULL, 16),
		      atof(argv[5]), atoi(argv[6]));
	else {
		fprintf(stderr, "usage: pw-jfile errors|twice|block|hold PID | overflow PID N | rebind PID PID\n");
		return 2;
	}
	return 0;
}
