// SPDX-License-Identifier: GPL-2.0
/* pagewatch --demo: a target with one of everything pagewatch can show. */
#include "config.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include <liburing.h>
#include <linux/mempolicy.h>

#include "kernel/numa_topo.h"
#include "program/demo.h"

#define NODE_BYTES	(1UL << 20)
#define THP_BYTES	(4UL << 20)
#define THP_ALIGN	(2UL << 20)
#define FILE_BYTES	(64UL << 10)
#define SHARED_BYTES	(256UL << 10)
#define PINNED_BYTES	(64UL << 10)
#define DIVERGE_BYTES	(16UL << 10)
#define PROTNONE_BYTES	(16UL << 20)

#ifndef PR_SET_VMA
#define PR_SET_VMA		0x53564d41
#define PR_SET_VMA_ANON_NAME	0
#endif

struct child {
	int out;		/* to the parent */
	char *remote;		/* the first node's buffer, for the thread */
	int remote_node;
};

static void say(int fd, const char *fmt, ...)
{
	char line[256];
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (len > 0 && write(fd, line, (size_t)len) < 0)
		_exit(1);
}

/* Name an anonymous region (5.17+, CONFIG_ANON_VMA_NAME); best effort. */
static void name_region(void *addr, size_t len, const char *name)
{
	(void)!prctl(PR_SET_VMA, PR_SET_VMA_ANON_NAME, (unsigned long)addr, len,
		     (unsigned long)name);
}

static char *map_anon(struct child *c, size_t len, int prot, int flags,
		      const char *name)
{
	char *p;

	p = mmap(NULL, len, prot, flags | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		say(c->out, "note cannot map %s: %s\n", name, strerror(errno));
		return NULL;
	}
	name_region(p, len, name);
	return p;
}

static void layout_nodes(struct child *c)
{
	struct numa_topo topo;
	int nr = 0;

	if (numa_topo_load(&topo, NULL)) {
		say(c->out, "note cannot read the NUMA nodes from sysfs\n");
		return;
	}
	for (int i = 0; i < topo.nr_online; i++) {
		int node = topo.online[i];
		unsigned long mask = 1UL << node;
		char name[32];
		char *p;

		snprintf(name, sizeof(name), "pw-node%d", node);
		p = map_anon(c, NODE_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE, name);
		if (!p)
			continue;
		if (node < (int)(8 * sizeof(mask)) &&
		    syscall(SYS_mbind, p, NODE_BYTES, MPOL_BIND, &mask,
			    sizeof(mask) * 8, 0))
			say(c->out, "note mbind to node %d: %s\n", node, strerror(errno));
		memset(p, node + 1, NODE_BYTES);
		say(c->out, "region %s %p %lu bound to node %d\n", name, p,
		    NODE_BYTES / 4096, node);
		if (!nr) {
			c->remote = p;
			c->remote_node = node;
		}
		nr++;
	}
	numa_topo_free(&topo);
	if (nr < 2)
		say(c->out, "note one NUMA node: no memory on other nodes, no remote-touching thread, nothing for NUMA balancing to migrate\n");
}

static void layout_thp(struct child *c)
{
	char *p, *aligned;

	p = map_anon(c, THP_BYTES + THP_ALIGN, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE, "pw-thp");
	if (!p)
		return;
	aligned = (char *)(((uintptr_t)p + THP_ALIGN - 1) & ~(THP_ALIGN - 1));
	if (madvise(aligned, THP_BYTES, MADV_HUGEPAGE))
		say(c->out, "note MADV_HUGEPAGE: %s: no THP region\n", strerror(errno));
	memset(aligned, 0x5a, THP_BYTES);
	say(c->out, "region pw-thp %p %lu 2 MiB-aligned, MADV_HUGEPAGE\n",
	    aligned, THP_BYTES / 4096);
}

static void layout_file(struct child *c, const char *path)
{
	volatile char sum = 0;
	char *p;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		say(c->out, "note %s: %s: no file mapping\n", path, strerror(errno));
		return;
	}
	p = mmap(NULL, FILE_BYTES, PROT_READ, MAP_SHARED, fd, 0);
	close(fd);
	if (p == MAP_FAILED) {
		say(c->out, "note mmap %s: %s\n", path, strerror(errno));
		return;
	}
	for (size_t i = 0; i < FILE_BYTES; i += 4096)
		sum += p[i];
	say(c->out, "region file %p %lu %s\n", p, FILE_BYTES / 4096, path);
}

static void layout_shared(struct child *c)
{
	char *p;
	pid_t pid;

	p = map_anon(c, SHARED_BYTES, PROT_READ | PROT_WRITE, MAP_SHARED,
		     "pw-shared");
	if (!p)
		return;
	memset(p, 0x11, SHARED_BYTES);
	pid = fork();
	if (pid < 0) {
		say(c->out, "note fork: %s: region not shared\n", strerror(errno));
		return;
	}
	if (pid == 0) {
		/* the grandchild maps the same pages and waits to be killed */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		for (size_t i = 0; i < SHARED_BYTES; i += 4096)
			p[i]++;
		for (;;)
			pause();
	}
	say(c->out, "region pw-shared %p %lu shared with grandchild %d\n", p,
	    SHARED_BYTES / 4096, (int)pid);
}

/*
 * liburing, opened by the demo's child alone: linked, every start of
 * pagewatch mapped it for this one use. NULL functions when it cannot be
 * opened; *WHY says why.
 */
static struct {
	__typeof__(io_uring_queue_init) *queue_init;
	__typeof__(io_uring_register_buffers) *register_buffers;
} uring;

static bool uring_load(const char **why)
{
	void *lib = dlopen(URING_SONAME, RTLD_NOW | RTLD_LOCAL);

	if (!lib) {
		*why = dlerror();
		return false;
	}
	uring.queue_init = (__typeof__(uring.queue_init))
		dlsym(lib, "io_uring_queue_init");
	uring.register_buffers = (__typeof__(uring.register_buffers))
		dlsym(lib, "io_uring_register_buffers");
	*why = URING_SONAME " lacks io_uring_queue_init or io_uring_register_buffers";
	return uring.queue_init && uring.register_buffers;
}

/* io_uring fixed buffers: FOLL_LONGTERM pins on every page. */
static char *layout_pins(struct child *c, struct io_uring *ring)
{
	struct iovec iov[2];
	char *pinned, *diverge;
	const char *why;
	int err;

	if (!uring_load(&why)) {
		say(c->out, "note liburing: %s: no pinned buffers\n", why);
		return NULL;
	}

	pinned = map_anon(c, PINNED_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE,
			  "pw-pinned");
	diverge = map_anon(c, DIVERGE_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE,
			   "pw-diverge");
	if (!pinned || !diverge)
		return NULL;
	memset(pinned, 0x22, PINNED_BYTES);
	memset(diverge, 0x33, DIVERGE_BYTES);
	err = uring.queue_init(4, ring, 0);
	if (err) {
		say(c->out, "note io_uring: %s: no pinned buffers\n", strerror(-err));
		return NULL;
	}
	iov[0].iov_base = pinned;
	iov[0].iov_len = PINNED_BYTES;
	iov[1].iov_base = diverge;
	iov[1].iov_len = DIVERGE_BYTES;
	err = uring.register_buffers(ring, iov, 2);
	if (err) {
		say(c->out, "note io_uring_register_buffers: %s: no pinned buffers\n",
		    strerror(-err));
		return NULL;
	}
	say(c->out, "region pw-pinned %p %lu pinned by io_uring fixed buffers\n",
	    pinned, PINNED_BYTES / 4096);
	say(c->out, "region pw-diverge %p %lu pinned; replaced after snapshot 1\n",
	    diverge, DIVERGE_BYTES / 4096);
	return diverge;
}

static void *remote_toucher(void *arg)
{
	struct child *c = arg;

	for (;;) {
		for (size_t i = 0; i < NODE_BYTES; i += 4096)
			c->remote[i]++;
		usleep(10000);
	}
	return NULL;
}

static void start_remote_thread(struct child *c)
{
	struct numa_topo topo;
	int other = -1, err;
	pthread_t thread;

	if (numa_topo_load(&topo, NULL))
		return;
	for (int i = topo.nr_online - 1; i >= 0 && topo.nr_online > 1; i--)
		if (topo.online[i] != c->remote_node) {
			other = topo.online[i];
			break;
		}
	numa_topo_free(&topo);
	if (other < 0 || !c->remote)
		return;
	/* the thread is pinned to OTHER; its faults pull pages there */
	err = numa_run_on(other);
	if (err) {
		say(c->out, "note cannot run on node %d: %s\n", other, strerror(-err));
		return;
	}
	if (pthread_create(&thread, NULL, remote_toucher, c)) {
		say(c->out, "note cannot start the remote thread\n");
		return;
	}
	numa_run_on(-1);
	say(c->out, "thread on node %d touches node %d's region\n", other,
	    c->remote_node);
}

static void child_main(int in, int out, const char *path)
{
	struct child c = { .out = out, .remote_node = -1 };
	struct io_uring ring;
	char *diverge, *protnone, cmd;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	prctl(PR_SET_NAME, "pagewatch-demo");
	layout_nodes(&c);
	layout_thp(&c);
	layout_file(&c, path);
	layout_shared(&c);
	diverge = layout_pins(&c, &ring);
	protnone = map_anon(&c, PROTNONE_BYTES, PROT_NONE,
			    MAP_PRIVATE | MAP_NORESERVE, "pw-protnone");
	if (protnone)
		say(out, "region pw-protnone %p %lu PROT_NONE reservation\n",
		    protnone, PROTNONE_BYTES / 4096);
	start_remote_thread(&c);
	say(out, "ready\n");

	while (read(in, &cmd, 1) == 1) {
		if (cmd == 'd' && diverge) {
			/* the pins keep the old pages; the next touch maps new ones */
			madvise(diverge, DIVERGE_BYTES, MADV_DONTNEED);
			memset(diverge, 0x44, DIVERGE_BYTES);
		}
		say(out, "done\n");
	}
	_exit(0);
}

static int make_file(struct demo *demo)
{
	char buf[4096];
	int fd;

	snprintf(demo->file_path, sizeof(demo->file_path),
		 "/tmp/pagewatch-demo.XXXXXX");
	fd = mkstemp(demo->file_path);
	if (fd < 0)
		return -errno;
	memset(buf, 'p', sizeof(buf));
	for (size_t i = 0; i < FILE_BYTES; i += sizeof(buf)) {
		if (write(fd, buf, sizeof(buf)) != (ssize_t)sizeof(buf)) {
			int err = -errno;

			close(fd);
			unlink(demo->file_path);
			return err;
		}
	}
	close(fd);
	return 0;
}

/* "region NAME ADDR PAGES ...": the demo's own table of its regions */
static void keep_region(struct demo *demo, const char *line)
{
	struct demo_region *r = &demo->regions[demo->nr_regions];
	unsigned long long addr;
	unsigned long pages;

	if (demo->nr_regions == DEMO_MAX_REGIONS ||
	    sscanf(line, "region %23s %llx %lu", r->name, &addr, &pages) != 3)
		return;
	r->start = addr;
	r->end = addr + (uint64_t)pages * 4096;
	demo->nr_regions++;
}

/* Relay the child's lines to LOG until "ready" or "done". */
static int relay(struct demo *demo, FILE *log)
{
	char line[256];
	size_t len = 0;

	for (;;) {
		char ch;

		if (read(demo->from_child, &ch, 1) != 1)
			return -EPIPE;
		if (ch != '\n') {
			if (len < sizeof(line) - 1)
				line[len++] = ch;
			continue;
		}
		line[len] = '\0';
		len = 0;
		keep_region(demo, line);
		if (!strcmp(line, "ready") || !strcmp(line, "done"))
			return 0;
		if (!strncmp(line, "note ", 5))
			fprintf(log, "pagewatch: demo: cannot show: %s\n", line + 5);
		else
			fprintf(log, "pagewatch: demo: %s\n", line);
	}
}

int demo_start(struct demo *demo, FILE *log)
{
	int to_child[2], from_child[2], err;

	memset(demo, 0, sizeof(*demo));
	err = make_file(demo);
	if (err)
		return err;
	if (pipe2(to_child, O_CLOEXEC))
		goto err_unlink;
	if (pipe2(from_child, O_CLOEXEC))
		goto err_close_to;
	fflush(NULL);
	demo->pid = fork();
	if (demo->pid < 0)
		goto err_close_from;
	if (demo->pid == 0) {
		close(to_child[1]);
		close(from_child[0]);
		child_main(to_child[0], from_child[1], demo->file_path);
	}
	close(to_child[0]);
	close(from_child[1]);
	demo->to_child = to_child[1];
	demo->from_child = from_child[0];
	fprintf(log, "pagewatch: demo: started pid %d\n", (int)demo->pid);
	err = relay(demo, log);
	if (err) {
		demo_stop(demo);
		return err;
	}
	return 0;

err_close_from:
	err = -errno;
	close(from_child[0]);
	close(from_child[1]);
	errno = -err;
err_close_to:
	err = -errno;
	close(to_child[0]);
	close(to_child[1]);
	errno = -err;
err_unlink:
	err = -errno;
	unlink(demo->file_path);
	return err;
}

int demo_diverge(struct demo *demo, FILE *log)
{
	if (write(demo->to_child, "d", 1) != 1)
		return -errno;
	fprintf(log, "pagewatch: demo: pw-diverge freed with MADV_DONTNEED and touched again: its pages change PFN while the old ones stay pinned\n");
	return relay(demo, log);
}

void demo_stop(struct demo *demo)
{
	if (demo->pid > 0) {
		kill(demo->pid, SIGKILL);
		waitpid(demo->pid, NULL, 0);
		demo->pid = 0;
	}
	if (demo->to_child > 0)
		close(demo->to_child);
	if (demo->from_child > 0)
		close(demo->from_child);
	demo->to_child = demo->from_child = -1;
	if (demo->file_path[0])
		unlink(demo->file_path);
	demo->file_path[0] = '\0';
}
