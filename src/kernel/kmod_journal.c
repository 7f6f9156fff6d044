// SPDX-License-Identifier: GPL-2.0
/* The module's journal file: MMU notifier records of one address space. */
#include "config.h"

#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "kernel/kmod_client.h"
#include "kernel/kmod_journal.h"

_Static_assert(sizeof(struct pagewatch_journal_record) ==
	       PAGEWATCH_JOURNAL_RECORD_SIZE, "journal record size");

#define KIND_NAME(k, n) [k] = n,
static const char *const kind_names[PAGEWATCH_JOURNAL_EXITED + 1] = {
	PAGEWATCH_JOURNAL_KIND_NAMES(KIND_NAME)
};
#undef KIND_NAME

const char *kmod_journal_kind_name(unsigned int kind)
{
	return kind < sizeof(kind_names) / sizeof(kind_names[0]) ?
	       kind_names[kind] : NULL;
}

static int write_text(int fd, const char *text)
{
	ssize_t len = (ssize_t)strlen(text);

	return write(fd, text, (size_t)len) == len ? 0 : -errno;
}

int kmod_journal_open(struct kmod_journal *j, const char *dir, pid_t pid,
		      unsigned int ring)
{
	char path[320], text[32];
	int err;

	snprintf(path, sizeof(path), "%s/journal", dir ? dir : KMOD_DEFAULT_DIR);
	j->fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (j->fd < 0)
		return -errno;
	if (ring) {
		snprintf(text, sizeof(text), "size %u", ring);
		err = write_text(j->fd, text);
		if (err)
			goto err_close;
	}
	snprintf(text, sizeof(text), "%d", (int)pid);
	err = write_text(j->fd, text);
	if (err)
		goto err_close;
	return 0;

err_close:
	close(j->fd);
	j->fd = -1;
	return err;
}

void kmod_journal_close(struct kmod_journal *j)
{
	if (j->fd >= 0)
		close(j->fd);
	j->fd = -1;
}

void kmod_journal_decode(const struct pagewatch_journal_record *raw,
			 struct kmod_journal_record *rec)
{
	rec->time_ns = le64toh(raw->time_ns);
	rec->seq = le64toh(raw->seq);
	rec->start = le64toh(raw->start);
	rec->end = le64toh(raw->end);
	rec->lost = le64toh(raw->lost);
	rec->cause_pid = le32toh(raw->cause_pid);
	rec->kind = le16toh(raw->kind);
	rec->flags = le16toh(raw->flags);
	memcpy(rec->cause_comm, raw->cause_comm, sizeof(raw->cause_comm));
	rec->cause_comm[sizeof(raw->cause_comm)] = '\0';
}

long kmod_journal_read(struct kmod_journal *j, struct kmod_journal_record *recs,
		       size_t nr)
{
	ssize_t got;

	if (nr > KMOD_JOURNAL_BATCH)
		nr = KMOD_JOURNAL_BATCH;
	do {
		got = read(j->fd, j->buf, nr * sizeof(j->buf[0]));
	} while (got < 0 && errno == EINTR);
	if (got < 0)
		return -errno;
	/* the module returns whole records only */
	got /= (ssize_t)sizeof(j->buf[0]);
	for (ssize_t i = 0; i < got; i++)
		kmod_journal_decode(&j->buf[i], &recs[i]);
	return (long)got;
}

int kmod_journal_wait(const struct kmod_journal *j, int timeout_ms)
{
	struct pollfd pfd = { .fd = j->fd, .events = POLLIN };
	int n = poll(&pfd, 1, timeout_ms);

	if (n < 0)
		return errno == EINTR ? 0 : -errno;
	if (n && (pfd.revents & (POLLERR | POLLNVAL)))
		return -ENXIO;
	return n > 0;
}
