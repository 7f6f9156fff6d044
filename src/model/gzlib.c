// SPDX-License-Identifier: GPL-2.0
/*
 * zlib, opened when a recording is first read or written. Linked, the
 * dynamic loader mapped and bound it at every start of pagewatch, which
 * under emulation costs a small snapshot several milliseconds for a
 * library only recordings use.
 */
#include "config.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdbool.h>

#include "model/gzlib.h"

static struct gzlib gz;
static const struct gzlib *gz_ready;
static pthread_once_t gz_once = PTHREAD_ONCE_INIT;

static void gz_load(void)
{
	void *lib = dlopen(Z_SONAME, RTLD_NOW | RTLD_LOCAL);

	if (!lib)
		return;
	gz.open = (__typeof__(gz.open))dlsym(lib, "gzopen");
	gz.read = (__typeof__(gz.read))dlsym(lib, "gzread");
	gz.write = (__typeof__(gz.write))dlsym(lib, "gzwrite");
	gz.close = (__typeof__(gz.close))dlsym(lib, "gzclose");
	gz.error = (__typeof__(gz.error))dlsym(lib, "gzerror");
	if (gz.open && gz.read && gz.write && gz.close && gz.error)
		gz_ready = &gz;
}

const struct gzlib *gzlib_get(void)
{
	pthread_once(&gz_once, gz_load);
	return gz_ready;
}
