// SPDX-License-Identifier: GPL-2.0
/* The pagewatch module's debugfs files (include/pagewatch/abi.h). */
#include "config.h"

#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "kernel/kmod_client.h"
#include "kernel/kpage.h"
#include "kernel/textfile.h"

static bool word_is(const char *word, size_t len, const char *name)
{
	return len == strlen(name) && !strncmp(word, name, len);
}

int kmod_parse_version(const char *text, struct kmod_version *version)
{
	bool have_abi = false;
	const char *line = text;

	memset(version, 0, sizeof(*version));
	while (line && *line) {
		const char *next = strchr(line, '\n');
		size_t len = next ? (size_t)(next - line) : strlen(line);
		char buf[512];

		if (len >= sizeof(buf))
			len = sizeof(buf) - 1;
		memcpy(buf, line, len);
		buf[len] = '\0';
		if (sscanf(buf, "abi %u", &version->abi) == 1) {
			have_abi = true;
		} else if (sscanf(buf, "record_size %u", &version->record_size) == 1) {
			;
		} else if (!strncmp(buf, "features", 8)) {
			const char *list = buf + 8 + strspn(buf + 8, " \t");

			snprintf(version->features, sizeof(version->features),
				 "%s", list);
		}
		line = next ? next + 1 : NULL;
	}
	if (!have_abi)
		return -EINVAL;
	/* features are space- or comma-separated words */
	for (char *w = version->features; *w; ) {
		size_t n = strcspn(w, " ,\t");

		if (word_is(w, n, PAGEWATCH_FEATURE_KPAGE))
			version->feature_kpage = true;
		if (word_is(w, n, PAGEWATCH_FEATURE_SAVEDWRITE_BIT) ||
		    word_is(w, n, PAGEWATCH_FEATURE_SAVEDWRITE_DERIVED))
			version->feature_savedwrite = true;
		if (word_is(w, n, PAGEWATCH_FEATURE_SEEK_DATA))
			version->feature_seek_data = true;
		if (word_is(w, n, PAGEWATCH_FEATURE_JOURNAL))
			version->feature_journal = true;
		if (word_is(w, n, PAGEWATCH_FEATURE_COUNT))
			version->feature_count = true;
		w += n;
		w += strspn(w, " ,\t");
	}
	return 0;
}

/*
 * What the module's version file says, for a refusal's message: the device
 * is read first as kmod_open(NULL) does.
 */
void kmod_describe_version(const char *dir, char *buf, size_t len)
{
	struct kmod_version version;
	char path[320], text[4096];
	int err;

	snprintf(path, sizeof(path), "%s/version", dir ? dir : KMOD_DEVICE_DIR);
	err = textfile_read(path, text, sizeof(text));
	if (err == -ENOENT && !dir) {
		snprintf(path, sizeof(path), "%s/version", KMOD_DEFAULT_DIR);
		err = textfile_read(path, text, sizeof(text));
	}
	if (err)
		snprintf(buf, len, "%s", strerror(-err));
	else if (kmod_parse_version(text, &version))
		snprintf(buf, len, "no abi line");
	else
		snprintf(buf, len, "ABI %u with %u-byte records", version.abi,
			 version.record_size);
}

static int open_dir(struct kmod *kmod, const char *dir)
{
	char path[320], text[4096];
	int err;

	kmod->pages_fd = kmod->kpage_fd = -1;
	snprintf(kmod->dir, sizeof(kmod->dir), "%s", dir);

	snprintf(path, sizeof(path), "%s/version", kmod->dir);
	err = textfile_read(path, text, sizeof(text));
	if (err)
		return err;
	err = kmod_parse_version(text, &kmod->version);
	if (err)
		return -EPROTO;
	if (kmod->version.abi != PAGEWATCH_ABI_VERSION ||
	    kmod->version.record_size != PAGEWATCH_RECORD_SIZE)
		return -EPROTO;

	snprintf(path, sizeof(path), "%s/pages", kmod->dir);
	kmod->pages_fd = open(path, O_RDWR | O_CLOEXEC);
	if (kmod->pages_fd < 0)
		return -errno;
	if (kmod->version.feature_kpage) {
		snprintf(path, sizeof(path), "%s/kpage", kmod->dir);
		kmod->kpage_fd = open(path, O_RDONLY | O_CLOEXEC);
	}
	return 0;
}

int kmod_open(struct kmod *kmod, const char *dir)
{
	int err;

	memset(kmod, 0, sizeof(*kmod));
	if (dir)
		return open_dir(kmod, dir);
	/*
	 * The device first: it needs no debugfs mount, and lockdown, which
	 * refuses writable debugfs files, leaves it open. An older module
	 * has only debugfs.
	 */
	kmod->device_err = open_dir(kmod, KMOD_DEVICE_DIR);
	if (!kmod->device_err || kmod->device_err == -EPROTO) {
		kmod->device = !kmod->device_err;
		return kmod->device_err;
	}
	kmod_close(kmod);
	kmod->debugfs_err = open_dir(kmod, KMOD_DEFAULT_DIR);
	err = kmod->debugfs_err;
	/* the device's own refusal says more than a missing debugfs */
	if (err == -ENOENT)
		err = kmod->device_err;
	return err;
}

void kmod_close(struct kmod *kmod)
{
	if (kmod->pages_fd >= 0)
		close(kmod->pages_fd);
	if (kmod->kpage_fd >= 0)
		close(kmod->kpage_fd);
	kmod->pages_fd = kmod->kpage_fd = -1;
}

int kmod_bind(struct kmod *kmod, pid_t pid)
{
	char text[32];
	int len;

	len = snprintf(text, sizeof(text), "%d\n", (int)pid);
	if (pwrite(kmod->pages_fd, text, (size_t)len, 0) != len)
		return -errno;
	return 0;
}

void kmod_decode(const struct pagewatch_page *raw, struct kmod_page *page)
{
	page->pfn = le64toh(raw->pfn);
	page->flags = le64toh(raw->flags);
	page->refcount = le32toh(raw->refcount);
	page->mapcount = le32toh(raw->mapcount);
	page->pincount = le32toh(raw->pincount);
	page->node = le16toh(raw->node);
	page->order = raw->order;
	page->swap_type = raw->swap_type;
}

static long read_records(int fd, uint64_t index, struct kmod_page *pages,
			 size_t nr, struct pagewatch_page *buf)
{
	size_t done = 0;

	while (done < nr) {
		size_t want = nr - done < KMOD_BATCH ? nr - done : KMOD_BATCH;
		ssize_t got;

		got = pread(fd, buf, want * PAGEWATCH_RECORD_SIZE,
			    (off_t)((index + done) * PAGEWATCH_RECORD_SIZE));
		if (got < 0)
			return -errno;
		got /= PAGEWATCH_RECORD_SIZE;
		for (ssize_t i = 0; i < got; i++)
			kmod_decode(&buf[i], &pages[done + (size_t)i]);
		done += (size_t)got;
		if ((size_t)got < want)
			break;
	}
	return (long)done;
}

int kmod_count(const struct kmod *kmod, uint64_t start, uint64_t end,
	       struct pagewatch_count *count)
{
	if (!kmod->version.feature_count)
		return -EOPNOTSUPP;
	memset(count, 0, sizeof(*count));
	count->start = start;
	count->end = end;
	return ioctl(kmod->pages_fd, PAGEWATCH_IOC_COUNT, count) ? -errno : 0;
}

long kmod_read_pages(const struct kmod *kmod, uint64_t vaddr,
		     struct kmod_page *pages, size_t nr,
		     struct pagewatch_page *buf)
{
	return read_records(kmod->pages_fd, vaddr / 4096, pages, nr, buf);
}

int kmod_seek(const struct kmod *kmod, uint64_t vaddr, bool data,
	      uint64_t *found)
{
	off_t off;

	if (!kmod->version.feature_seek_data)
		return -EOPNOTSUPP;
	/* the file position is not used by the readers (pread) */
	off = lseek(kmod->pages_fd,
		    (off_t)(vaddr / 4096 * PAGEWATCH_RECORD_SIZE),
		    data ? SEEK_DATA : SEEK_HOLE);
	if (off < 0)
		return -errno;
	*found = (uint64_t)off / PAGEWATCH_RECORD_SIZE * 4096;
	return 0;
}

struct pfn_slot {
	uint64_t pfn;
	size_t index;
};

static int cmp_slot(const void *a, const void *b)
{
	const struct pfn_slot *x = a, *y = b;

	return x->pfn < y->pfn ? -1 : x->pfn > y->pfn;
}

int kmod_pfns_pinned(const struct kmod *kmod, const uint64_t *pfns,
		     bool *pinned, size_t nr)
{
	struct pagewatch_page *buf = NULL;
	struct pfn_slot *slots = NULL;
	struct kmod_page *recs = NULL;
	struct kpage_run *runs = NULL;
	uint64_t *sorted = NULL;
	size_t nr_runs, at = 0;
	int err = -ENOMEM;

	if (kmod->kpage_fd < 0)
		return -EOPNOTSUPP;
	if (!nr)
		return 0;
	slots = malloc(nr * sizeof(*slots));
	sorted = malloc(nr * sizeof(*sorted));
	runs = malloc(nr * sizeof(*runs));
	recs = malloc(KPAGE_BATCH * sizeof(*recs));
	buf = malloc(KMOD_BATCH * sizeof(*buf));
	if (!slots || !sorted || !runs || !recs || !buf)
		goto out_free;
	for (size_t i = 0; i < nr; i++) {
		slots[i].pfn = pfns[i];
		slots[i].index = i;
		pinned[i] = false;
	}
	qsort(slots, nr, sizeof(*slots), cmp_slot);
	for (size_t i = 0; i < nr; i++)
		sorted[i] = slots[i].pfn;
	nr_runs = kpage_runs(sorted, nr, runs);

	for (size_t r = 0; r < nr_runs; r++) {
		long got;

		got = read_records(kmod->kpage_fd, runs[r].start, recs,
				   runs[r].end - runs[r].start, buf);
		if (got < 0) {
			err = (int)got;
			goto out_free;
		}
		for (; at < nr && slots[at].pfn < runs[r].end; at++) {
			uint64_t off = slots[at].pfn - runs[r].start;

			if (off < (uint64_t)got)
				pinned[slots[at].index] = recs[off].flags &
					(1ULL << PAGEWATCH_PAGE_MAYBE_PINNED);
		}
	}
	err = 0;
out_free:
	free(slots);
	free(sorted);
	free(runs);
	free(recs);
	free(buf);
	return err;
}
