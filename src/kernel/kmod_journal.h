/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PW_KMOD_JOURNAL_H
#define PW_KMOD_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <pagewatch/abi.h>

/* struct pagewatch_journal_record in host byte order */
struct kmod_journal_record {
	uint64_t time_ns;	/* CLOCK_MONOTONIC */
	uint64_t seq;
	uint64_t start;
	uint64_t end;
	uint64_t lost;		/* overflow records */
	uint32_t cause_pid;
	uint16_t kind;		/* PAGEWATCH_JOURNAL_* */
	uint16_t flags;
	char cause_comm[17];
};

/* Records per read(): 16 KiB */
#define KMOD_JOURNAL_BATCH	256

struct kmod_journal {
	int fd;
	struct pagewatch_journal_record buf[KMOD_JOURNAL_BATCH];
};

/*
 * Open DIR's journal file (KMOD_DEFAULT_DIR when NULL) and bind it to PID,
 * with a ring of RING records (0: the module's default). -ENOENT without
 * the file (a module before the journal), -EPERM/-EACCES, -ESRCH.
 */
int kmod_journal_open(struct kmod_journal *j, const char *dir, pid_t pid,
		      unsigned int ring);
void kmod_journal_close(struct kmod_journal *j);

/*
 * Up to NR records (at most KMOD_JOURNAL_BATCH) into RECS without waiting:
 * the number read, 0 once the journal ended (its exited record was read),
 * -EAGAIN when none is there yet, or -errno.
 */
long kmod_journal_read(struct kmod_journal *j, struct kmod_journal_record *recs,
		       size_t nr);

/* Wait up to TIMEOUT_MS (-1: no limit) until a record is there: 1, 0 or -errno */
int kmod_journal_wait(const struct kmod_journal *j, int timeout_ms);

void kmod_journal_decode(const struct pagewatch_journal_record *raw,
			 struct kmod_journal_record *rec);

/* "unmap", "clear"... from the ABI's one table; NULL for no kind */
const char *kmod_journal_kind_name(unsigned int kind);

#endif
