// SPDX-License-Identifier: GPL-2.0
/* Sink selection and the helpers sinks share. */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "sinks/output.h"

#define D2(t)	#t "0" #t "1" #t "2" #t "3" #t "4" #t "5" #t "6" #t "7" #t "8" #t "9"
const char output_dec2[200] = D2(0) D2(1) D2(2) D2(3) D2(4) D2(5) D2(6) D2(7)
			      D2(8) D2(9);
#define H2(t)	#t "0" #t "1" #t "2" #t "3" #t "4" #t "5" #t "6" #t "7" \
		#t "8" #t "9" #t "a" #t "b" #t "c" #t "d" #t "e" #t "f"
const char output_hex2[512] = H2(0) H2(1) H2(2) H2(3) H2(4) H2(5) H2(6) H2(7)
			      H2(8) H2(9) H2(a) H2(b) H2(c) H2(d) H2(e) H2(f);

static const struct output_ops *const sinks[] = {
	&out_text_ops,
	&out_csv_ops,
	&out_json_ops,
	&out_openmetrics_ops,
};

void output_print_names(FILE *f)
{
	for (size_t i = 0; i < sizeof(sinks) / sizeof(sinks[0]); i++)
		fprintf(f, "%s%s", i ? "," : "", sinks[i]->name);
}

int output_flush(struct output *out)
{
	return out->ops->flush ? out->ops->flush(out) : 0;
}

const struct output_ops *output_find(const char *name)
{
	for (size_t i = 0; i < sizeof(sinks) / sizeof(sinks[0]); i++)
		if (!strcmp(sinks[i]->name, name))
			return sinks[i];
	return NULL;
}

static int init(struct output *out, const struct output_ops *ops, FILE *f,
		bool summary, bool block)
{
	memset(out, 0, sizeof(*out));
	out->ops = ops;
	out->f = f;
	out->summary = summary;
	return ops->open ? ops->open(out, block) : 0;
}

int output_init(struct output *out, const struct output_ops *ops, FILE *f,
		bool summary)
{
	return init(out, ops, f, summary, false);
}

/*
 * A window of a spooled snapshot's pages, copied from its file, and the
 * view of the snapshot that holds them (pages_from). Read through the
 * file's mapping, each page of it would be mapped into this process,
 * which in a virtual machine whose page tables are dear costs several
 * times the copy: 48 MiB of pages took 27-43 ms mapped and 5-7 ms copied
 * in windows of 48 KiB on the 6.18 host (2026-12-03), which is about the
 * spool of a 4 GiB target.
 */
struct page_window {
	struct snapshot view;
	struct snapshot_page buf[OUTPUT_BLOCK];
};

/*
 * The view of SNAP through which its pages [FROM, TO) (at most a block)
 * are read: W's copy of them for a spooled snapshot, SNAP itself for
 * pages in memory, or where W is NULL or the copy fails (the mapping
 * holds the same pages).
 */
static const struct snapshot *window_load(struct page_window *w,
					  const struct snapshot *snap,
					  size_t from, size_t to)
{
	size_t len = (to - from) * sizeof(w->buf[0]), done = 0;
	off_t at = (off_t)(from * sizeof(w->buf[0]));

	if (!w || !snap->pages_mapped)
		return snap;
	while (done < len) {
		ssize_t n = pread(snap->spool_fd, (char *)w->buf + done,
				  len - done, at + (off_t)done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return snap;
		done += (size_t)n;
	}
	w->view = *snap;
	w->view.pages = w->buf;
	w->view.pages_from = from;
	return &w->view;
}

/*
 * The view of SNAP's block from FROM (window_load()), its end into *TO;
 * block_done() when it is read
 */
static const struct snapshot *block_begin(struct page_window *w,
					  const struct snapshot *snap,
					  size_t from, size_t *to)
{
	*to = snap->nr_pages - from > OUTPUT_BLOCK ? from + OUTPUT_BLOCK :
						     snap->nr_pages;
	return window_load(w, snap, from, *to);
}

/* A block read through the mapping (no window) is given back */
static void block_done(const struct snapshot *snap,
		       const struct snapshot *view, size_t from, size_t to)
{
	if (view == snap)
		snapshot_pages_release(snap, from, to);
}

void output_select(struct output *out, const struct snapshot *snap,
		   bool (*keep)(const struct snapshot_page *, const void *),
		   const void *arg, const char *filter, const char *vma)
{
	struct page_window *w = NULL;
	size_t n = keep ? 0 : snap->nr_pages;

	/* without a filter every page follows: none is read here */
	if (keep && snap->pages_mapped)
		w = malloc(sizeof(*w));
	for (size_t from = 0, to; keep && from < snap->nr_pages; from = to) {
		const struct snapshot *view = block_begin(w, snap, from, &to);

		for (size_t i = from; i < to; i++)
			n += keep(snapshot_page_at(view, i), arg);
		block_done(snap, view, from, to);
	}
	free(w);
	out->sel.counted = true;
	out->sel.pages = n;
	out->sel.filter = filter;
	out->sel.vma = vma;
}

void output_fini(struct output *out)
{
	if (out->ops && out->ops->close)
		out->ops->close(out);
	out->priv = NULL;
}
#define OUTPUT_MAX_THREADS	16
/* by default a thread for every this many pages, one per CPU at most */
#define OUTPUT_PAGES_PER_THREAD	(64 * 1024)

struct page_job {
	struct output *out;
	const struct snapshot *snap;
	bool (*keep)(const struct snapshot_page *, const void *);
	const void *arg;
	size_t nr_blocks;
	atomic_size_t next;	/* the next block to claim */
	pthread_mutex_t lock;
	pthread_cond_t turn;
	size_t written;		/* blocks written so far, in order */
	size_t released;	/* pages given back (a spooled snapshot) */
	int err;
};

/* page() for the pages [FROM, TO) of VIEW that KEEP accepts */
static void pages_to(struct output *out, const struct snapshot *view,
		     bool (*keep)(const struct snapshot_page *, const void *),
		     const void *arg, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++)
		if (!keep || keep(snapshot_page_at(view, i), arg))
			out->ops->page(out, view, i);
}

/* pages_to() a block at a time through W */
static void pages_released(struct output *out, const struct snapshot *snap,
			   bool (*keep)(const struct snapshot_page *,
					const void *),
			   const void *arg, struct page_window *w)
{
	for (size_t from = 0, to; from < snap->nr_pages; from = to) {
		const struct snapshot *view = block_begin(w, snap, from, &to);

		pages_to(out, view, keep, arg, from, to);
		block_done(snap, view, from, to);
	}
}

static bool kept(const struct page_job *job,
		 const struct snapshot_page *page)
{
	return !job->keep || job->keep(page, job->arg);
}

/*
 * The page whose line comes before the first of [FROM, TO) of VIEW that
 * is kept, into *COPY: searched back only through the mapping of that
 * first page (NULL when it is not there), so each page is looked at by
 * one block at most. The pages before are read through BACK in windows
 * of one page, then two, four... up to a block: one small read when no
 * filter leaves pages out, a read per block when one leaves many.
 */
static const struct snapshot_page *last_before(const struct page_job *job,
					       const struct snapshot *view,
					       size_t from, size_t to,
					       struct page_window *back,
					       struct snapshot_page *copy)
{
	size_t first = from, len = 1, start;
	uint32_t mapping;

	while (first < to && !kept(job, snapshot_page_at(view, first)))
		first++;
	if (first == to)
		return NULL;
	mapping = snapshot_page_at(view, first)->mapping;
	for (size_t end = from; end > 0; end = start) {
		const struct snapshot *v;

		start = end > len ? end - len : 0;
		v = window_load(back, job->snap, start, end);
		for (size_t i = end; i-- > start;) {
			const struct snapshot_page *page;

			page = snapshot_page_at(v, i);
			if (page->mapping != mapping)
				return NULL;
			if (kept(job, page)) {
				*copy = *page;
				return copy;
			}
		}
		if (len < OUTPUT_BLOCK)
			len *= 2;
	}
	return NULL;
}

/* Block B of the job through window W, looking back through BACK */
static void format_block(struct page_job *job, struct output *local,
			 struct page_window *w, struct page_window *back,
			 size_t b)
{
	size_t from = b * OUTPUT_BLOCK, to;
	const struct snapshot *view = block_begin(w, job->snap, from, &to);
	struct snapshot_page copy;

	if (local->ops->resume)
		local->ops->resume(local, job->snap,
				   last_before(job, view, from, to, back,
					       &copy));
	pages_to(local, view, job->keep, job->arg, from, to);
}

/* Write what LOCAL made of a block: the stream's text, then the sink's. */
static int write_block(struct page_job *job, struct output *local,
		       const char *text, size_t len)
{
	FILE *f = job->out->f;

	if (len && fwrite(text, 1, len, f) != len)
		return -EIO;
	return local->ops->drain(local, f);
}

/* Claim blocks, format each in memory, write it when its turn comes. */
static void *format_blocks(void *arg)
{
	struct page_job *job = arg;
	bool resumes = job->out->ops->resume;
	struct page_window *w = NULL;
	struct output local;
	char *text = NULL;
	size_t len = 0, b;
	FILE *f;
	int err = 0;

	f = open_memstream(&text, &len);
	if (!f)
		err = -errno;
	/*
	 * The block's window, and the look-back's (last_before()) for a
	 * sink that resumes; without them the pages are read through the
	 * mapping
	 */
	if (job->snap->pages_mapped)
		w = malloc((resumes ? 2 : 1) * sizeof(*w));
	/* a sink that buffers keeps a block in its buffer: no copy through F */
	if (init(&local, job->out->ops, f, job->out->summary, true))
		err = -ENOMEM;
	while ((b = atomic_fetch_add(&job->next, 1)) < job->nr_blocks) {
		/* a failed thread still takes its turns: nobody waits forever */
		if (!err) {
			format_block(job, &local, w,
				     w && resumes ? w + 1 : NULL, b);
			if (fflush(f) || ferror(f))
				err = -ENOMEM;
		}
		pthread_mutex_lock(&job->lock);
		while (job->written != b)
			pthread_cond_wait(&job->turn, &job->lock);
		if (err && !job->err)
			job->err = err;
		if (!job->err)
			job->err = write_block(job, &local, text, len);
		else if (!err)
			local.ops->drain(&local, NULL);	/* lost with the run */
		job->out->nr_lines += local.nr_lines;
		local.nr_lines = 0;
		job->written++;
		/*
		 * What was read through the mapping (a thread without a
		 * window) is given back behind the blocks written; the block
		 * after the last written looks back at its last page
		 * (resume()), so that block stays
		 */
		if ((job->written - 1) * OUTPUT_BLOCK >=
		    job->released + OUTPUT_RELEASE ||
		    job->written == job->nr_blocks) {
			size_t to = job->written == job->nr_blocks ?
				    job->snap->nr_pages :
				    (job->written - 1) * OUTPUT_BLOCK;

			snapshot_pages_release(job->snap, job->released, to);
			job->released = to;
		}
		pthread_cond_broadcast(&job->turn);
		pthread_mutex_unlock(&job->lock);
		if (!err && fseeko(f, 0, SEEK_SET))
			err = -EIO;
	}
	output_fini(&local);
	if (f)
		fclose(f);
	free(text);
	free(w);
	return NULL;
}

int output_pages(struct output *out, const struct snapshot *snap,
		 bool (*keep)(const struct snapshot_page *, const void *),
		 const void *arg, unsigned int threads)
{
	pthread_t thread[OUTPUT_MAX_THREADS];
	bool started[OUTPUT_MAX_THREADS] = { false };
	struct page_job job = {
		.out = out, .snap = snap, .keep = keep, .arg = arg,
		.nr_blocks = (snap->nr_pages + OUTPUT_BLOCK - 1) / OUTPUT_BLOCK,
	};
	long cpus;

	if (!threads) {
		cpus = sysconf(_SC_NPROCESSORS_ONLN);
		threads = cpus > 0 ? (unsigned int)cpus : 1;
		if (threads > snap->nr_pages / OUTPUT_PAGES_PER_THREAD)
			threads = (unsigned int)(snap->nr_pages /
						 OUTPUT_PAGES_PER_THREAD);
	}
	if (threads > OUTPUT_MAX_THREADS)
		threads = OUTPUT_MAX_THREADS;
	if (threads > job.nr_blocks)
		threads = (unsigned int)job.nr_blocks;
	if (threads < 2 || !out->ops->drain) {
		struct page_window *w = NULL;

		if (snap->pages_mapped)
			w = malloc(sizeof(*w));
		pages_released(out, snap, keep, arg, w);
		free(w);
		return 0;
	}
	/* what this sink buffered so far goes first */
	out->ops->drain(out, out->f);
	atomic_init(&job.next, 0);
	pthread_mutex_init(&job.lock, NULL);
	pthread_cond_init(&job.turn, NULL);
	for (unsigned int t = 1; t < threads; t++)
		started[t] = !pthread_create(&thread[t], NULL, format_blocks,
					     &job);
	format_blocks(&job);
	for (unsigned int t = 1; t < threads; t++)
		if (started[t])
			pthread_join(thread[t], NULL);
	pthread_cond_destroy(&job.turn);
	pthread_mutex_destroy(&job.lock);
	return job.err;
}

int output_buffer_init(struct output_buffer *b, size_t cap)
{
	b->len = 0;
	b->cap = cap;
	b->buf = malloc(cap);
	return b->buf ? 0 : -ENOMEM;
}

void output_buffer_free(struct output_buffer *b)
{
	free(b->buf);
	b->buf = NULL;
	b->len = b->cap = 0;
}

char *output_buffer_room(struct output_buffer *b, FILE *f, size_t max)
{
	if (b->len + max > b->cap)
		output_buffer_drain(b, f);
	return b->buf + b->len;
}

int output_buffer_drain(struct output_buffer *b, FILE *f)
{
	int err = 0;

	if (f && b->len && fwrite(b->buf, 1, b->len, f) != b->len)
		err = -EIO;
	b->len = 0;
	return err;
}

/* Length of the valid UTF-8 sequence at S, or 0 if it is not one. */
static size_t utf8_len(const unsigned char *s)
{
	size_t len;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4;
	else
		return 0;
	for (size_t i = 1; i < len; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return len;
}

size_t output_json_escape(const char *s, char *buf)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	size_t n = 0;

	buf[n++] = '"';
	while (*p) {
		size_t len = utf8_len(p);

		if (*p == '"' || *p == '\\') {
			buf[n++] = '\\';
			buf[n++] = (char)*p;
		} else if (*p == '\n') {
			buf[n++] = '\\';
			buf[n++] = 'n';
		} else if (*p == '\t') {
			buf[n++] = '\\';
			buf[n++] = 't';
		} else if (*p < 0x20 || *p == 0x7f) {
			memcpy(buf + n, "\\u00", 4);
			buf[n + 4] = hex[*p >> 4];
			buf[n + 5] = hex[*p & 0xf];
			n += 6;
		} else if (!len) {
			/* paths are bytes, JSON is UTF-8 */
			memcpy(buf + n, "\\ufffd", 6);
			n += 6;
			len = 1;
		} else {
			memcpy(buf + n, p, len);
			n += len;
		}
		p += len ? len : 1;
	}
	buf[n++] = '"';
	buf[n] = '\0';
	return n;
}

void output_json_string(FILE *f, const char *s)
{
	char small[256], *buf = small;
	size_t len = strlen(s);

	if (6 * len + 3 > sizeof(small)) {
		buf = malloc(6 * len + 3);
		if (!buf) {
			fputs("\"\"", f);
			return;
		}
	}
	fwrite(buf, 1, output_json_escape(s, buf), f);
	if (buf != small)
		free(buf);
}

void output_csv_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

void output_time_ns(const struct timespec *ts, char *buf, size_t len)
{
	struct tm tm;

	gmtime_r(&ts->tv_sec, &tm);
	snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%09ldZ",
		 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		 tm.tm_min, tm.tm_sec, ts->tv_nsec);
}

void output_time(const struct timespec *ts, char *buf, size_t len)
{
	struct tm tm;

	gmtime_r(&ts->tv_sec, &tm);
	snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ",
		 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		 tm.tm_min, tm.tm_sec, ts->tv_nsec / 1000000);
}
