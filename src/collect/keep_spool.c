// SPDX-License-Identifier: GPL-2.0
/*
 * Keeping the pages of one snapshot in a spool file, not in memory: a
 * snapshot written once to a sink (--snapshot, any format, --all too)
 * holds at most a buffer per reader while it is read, whatever the
 * target's size, and its sink then reads the pages back from the file a
 * window at a time (output.c); the snapshot also maps the file, for what
 * looks at pages out of order or marks them (a comparison), giving back
 * what it read (snapshot_pages_release()).
 *
 * The header of a snapshot counts the pages that follow, and those are
 * only known once all are read: that is why the pages go through a file
 * rather than straight to the sink. A file costs 48 bytes a page of page
 * cache (or disk), not of the process; the text made of them is ten times
 * that.
 *
 * Each reader's window has its place in the file from the counted page
 * list (its pages follow the previous window's); a window whose share
 * grew while it was read writes the rest past the end, and the file is
 * then copied once, in order, into a new one (rare: the target changed
 * during the snapshot). Where no spool file can be made ($TMPDIR missing,
 * read-only or full), the pages are kept in memory as keep_pages.c keeps
 * them: the snapshot costs memory, not its output.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "collect/keep.h"

/* pages a reader fills before they are written: kpageflags' sort window */
#define SPOOL_BUF	(32 * 1024)
/* room of each window's overflow, past the counted pages */
#define SPOOL_STRIDE	(1ULL << 37)
#define PAGE_BYTES	((off_t)sizeof(struct snapshot_page))

struct spool_window {
	struct page_consumer c;	/* first: the consumer is the window */
	struct keep_spool *ks;
	struct keep_room room;	/* SPOOL_BUF pages, while it is read */
	off_t base;		/* of its first page */
	size_t cap;		/* pages in place from base; SIZE_MAX: the last */
	off_t overflow;		/* where its pages past cap go */
	size_t nr;		/* pages written */
};

struct keep_spool {
	struct keeper k;	/* first */
	/* no spool file could be made: the pages are kept in memory */
	struct keeper *mem;
	int fd;
	/*
	 * Held over each write. The kernel serialises buffered writes to one
	 * file under its inode lock, and a writer that finds it taken spins
	 * while the owner copies (rwsem optimistic spinning); a reader that
	 * finds this lock taken sleeps instead. Under the rig's emulation,
	 * with the spool in the guest's tmpfs, two readers' JSON of the dense
	 * 512 MiB target took 382-397 ms of CPU with it and 508-516 ms
	 * without (6.12, two runs of five each); on the host (ext4) the same
	 * either way.
	 */
	pthread_mutex_t write_lock;
	struct keep_rooms rooms;
	struct spool_window *w;
	unsigned int n;
};

/* An unnamed file in $TMPDIR (or /tmp): it goes with its last user. */
static int spool_file(void)
{
	const char *dir = getenv("TMPDIR");
	char path[4096];
	int fd;

	if (!dir || !*dir)
		dir = "/tmp";
	fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd >= 0)
		return fd;
	/* a file system without O_TMPFILE: a named file, unlinked at once */
	if ((size_t)snprintf(path, sizeof(path), "%s/pagewatch-XXXXXX", dir) >=
	    sizeof(path))
		return -ENAMETOOLONG;
	fd = mkostemp(path, O_CLOEXEC);
	if (fd < 0)
		return -errno;
	unlink(path);
	return fd;
}

static int write_all(int fd, const void *buf, size_t len, off_t at)
{
	const char *p = buf;

	while (len) {
		ssize_t n = pwrite(fd, p, len, at);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EIO;
		p += n;
		len -= (size_t)n;
		at += n;
	}
	return 0;
}

static struct snapshot_page *spool_room(struct page_consumer *c, size_t want,
					size_t *room)
{
	struct spool_window *w = (struct spool_window *)c;

	if (!w->room.buf && keep_room_get(&w->ks->rooms, &w->room))
		return NULL;
	*room = want < SPOOL_BUF ? want : SPOOL_BUF;
	keep_make_present(w->room.buf, sizeof(struct snapshot_page), *room,
			  SPOOL_BUF, &w->room.present);
	return w->room.buf;
}

static int spool_take(struct page_consumer *c, struct snapshot_page *pages,
		      size_t nr)
{
	struct spool_window *w = (struct spool_window *)c;
	size_t in_place = 0;
	int err = 0;

	if (w->nr < w->cap)
		in_place = w->cap - w->nr < nr ? w->cap - w->nr : nr;
	pthread_mutex_lock(&w->ks->write_lock);
	if (in_place)
		err = write_all(w->ks->fd, pages, in_place * PAGE_BYTES,
				w->base + (off_t)w->nr * PAGE_BYTES);
	if (!err && nr > in_place)
		err = write_all(w->ks->fd, pages + in_place,
				(nr - in_place) * PAGE_BYTES,
				w->overflow + (off_t)(w->nr + in_place - w->cap) *
					      PAGE_BYTES);
	pthread_mutex_unlock(&w->ks->write_lock);
	if (!err)
		w->nr += nr;
	return err;
}

static int keep_spool_split(struct keeper *k, unsigned int n,
			    const uint64_t *pages, bool exact)
{
	struct keep_spool *ks = (struct keep_spool *)k;
	off_t base = 0, end;

	ks->fd = spool_file();
	if (ks->fd < 0) {
		/* $TMPDIR missing, read-only or full: as if not spooled */
		ks->mem = keep_pages_new(k->snap);
		if (!ks->mem)
			return -ENOMEM;
		return ks->mem->ops->split(ks->mem, n, pages, exact);
	}
	ks->w = calloc(n, sizeof(*ks->w));
	if (!ks->w)
		return -ENOMEM;
	ks->n = n;
	for (unsigned int i = 0; i < n; i++)
		base += (off_t)pages[i] * PAGE_BYTES;
	end = (base + (1 << 20)) & ~(off_t)((1 << 20) - 1);
	base = 0;
	for (unsigned int i = 0; i < n; i++) {
		struct spool_window *w = &ks->w[i];

		w->c.room = spool_room;
		w->c.take = spool_take;
		w->ks = ks;
		w->base = base;
		/* a count or a guess, the last window has no end */
		w->cap = i + 1 < n ? pages[i] : SIZE_MAX;
		w->overflow = end + (off_t)(i * SPOOL_STRIDE);
		base += (off_t)pages[i] * PAGE_BYTES;
	}
	return 0;
}

static struct page_consumer *keep_spool_consumer(struct keeper *k,
						 unsigned int i)
{
	struct keep_spool *ks = (struct keep_spool *)k;

	if (ks->mem)
		return ks->mem->ops->consumer(ks->mem, i);
	return &ks->w[i].c;
}

static void keep_spool_done(struct keeper *k, unsigned int i)
{
	struct keep_spool *ks = (struct keep_spool *)k;

	if (!ks->mem)
		keep_room_put(&ks->rooms, &ks->w[i].room);
}

/* LEN bytes at FROM of IN to TO of OUT */
static int copy_part(int in, off_t from, int out, off_t to, size_t len)
{
	char buf[64 * 1024];

	while (len) {
		ssize_t n = copy_file_range(in, &from, out, &to, len, 0);

		if (n < 0 && (errno == EXDEV || errno == ENOSYS ||
			      errno == EOPNOTSUPP || errno == EINVAL)) {
			/* no copy in the kernel: through a buffer */
			n = pread(in, buf, len < sizeof(buf) ? len : sizeof(buf),
				  from);
			if (n > 0 && write_all(out, buf, (size_t)n, to))
				return -EIO;
			if (n > 0) {
				from += n;
				to += n;
			}
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EIO;
		len -= (size_t)n;
	}
	return 0;
}

/* The windows' pages, in order, into a new spool that replaces the old. */
static int close_up(struct keep_spool *ks)
{
	off_t at = 0;
	int fd, err = 0;

	fd = spool_file();
	if (fd < 0)
		return fd;
	for (unsigned int i = 0; i < ks->n && !err; i++) {
		struct spool_window *w = &ks->w[i];
		size_t in_place = w->nr < w->cap ? w->nr : w->cap;

		err = copy_part(ks->fd, w->base, fd, at, in_place * PAGE_BYTES);
		at += (off_t)in_place * PAGE_BYTES;
		if (!err && w->nr > in_place)
			err = copy_part(ks->fd, w->overflow, fd, at,
					(w->nr - in_place) * PAGE_BYTES);
		at += (off_t)(w->nr - in_place) * PAGE_BYTES;
	}
	if (err) {
		close(fd);
		return err;
	}
	close(ks->fd);
	ks->fd = fd;
	return 0;
}

static int keep_spool_finish(struct keeper *k)
{
	struct keep_spool *ks = (struct keep_spool *)k;
	struct snapshot *snap = k->snap;
	size_t total = 0, len;
	bool in_order = true;
	void *pages;
	int err;

	if (ks->mem)
		return ks->mem->ops->finish(ks->mem);
	for (unsigned int i = 0; i < ks->n; i++) {
		total += ks->w[i].nr;
		in_order &= ks->w[i].nr == ks->w[i].cap || i + 1 == ks->n;
	}
	if (!in_order) {
		err = close_up(ks);
		if (err)
			return err;
	}
	if (!total)
		return 0;
	len = total * sizeof(struct snapshot_page);
	/* writable: repeated snapshots mark what changed in their pages */
	pages = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, ks->fd, 0);
	if (pages == MAP_FAILED)
		return -errno;
	/* the sink reads them once, in order */
	madvise(pages, len, MADV_SEQUENTIAL);
	snap->pages = pages;
	snap->nr_pages = total;
	snap->cap_pages = total;
	snap->pages_mapped = len;
	/* the snapshot keeps the file: its sink reads windows of it */
	snap->spool_fd = ks->fd;
	ks->fd = -1;
	return 0;
}

static void keep_spool_free(struct keeper *k)
{
	struct keep_spool *ks = (struct keep_spool *)k;

	if (ks->mem)
		ks->mem->ops->free(ks->mem);
	for (unsigned int i = 0; ks->w && i < ks->n; i++)
		free(ks->w[i].room.buf);
	free(ks->w);
	keep_rooms_fini(&ks->rooms);
	/* unless the snapshot took it (finish()) */
	if (ks->fd >= 0)
		close(ks->fd);
	pthread_mutex_destroy(&ks->write_lock);
	free(ks);
}

static const struct keeper_ops keep_spool_ops = {
	.split = keep_spool_split,
	.consumer = keep_spool_consumer,
	.done = keep_spool_done,
	.finish = keep_spool_finish,
	.free = keep_spool_free,
};

struct keeper *keep_spool_new(struct snapshot *snap)
{
	struct keep_spool *ks = calloc(1, sizeof(*ks));

	if (!ks)
		return NULL;
	ks->k.ops = &keep_spool_ops;
	ks->k.snap = snap;
	ks->fd = -1;
	pthread_mutex_init(&ks->write_lock, NULL);
	keep_rooms_init(&ks->rooms, SPOOL_BUF * sizeof(struct snapshot_page));
	/* every format shows the mapcount and pagemap's bits */
	ks->k.need_mapcount = true;
	ks->k.need_pagemap = true;
	return &ks->k;
}
