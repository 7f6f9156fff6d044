// SPDX-License-Identifier: GPL-2.0
/* -o FILE: a temporary file renamed over FILE when complete. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "program/outfile.h"

int outfile_open(struct outfile *of, const char *path)
{
	const char *slash = strrchr(path, '/');
	int dir_len = slash ? (int)(slash - path + 1) : 0;
	mode_t mask;
	int fd, err;

	of->path = path;
	of->f = NULL;
	/*
	 * A dot file in the same folder: the same file system for rename(),
	 * and globs such as the textfile collector's *.prom leave it out.
	 */
	if (snprintf(of->tmp, sizeof(of->tmp), "%.*s.%s.XXXXXX", dir_len, path,
		     path + dir_len) >= (int)sizeof(of->tmp))
		return -ENAMETOOLONG;
	fd = mkstemp(of->tmp);
	if (fd < 0)
		return -errno;
	/* mkstemp makes 0600; the file is for others to read (umask rules) */
	mask = umask(0);
	umask(mask);
	if (fchmod(fd, 0666 & ~mask))
		goto err_close;
	of->f = fdopen(fd, "w");
	if (!of->f)
		goto err_close;
	return 0;

err_close:
	err = -errno;
	close(fd);
	unlink(of->tmp);
	return err;
}

int outfile_commit(struct outfile *of)
{
	int err = 0;

	if (fflush(of->f) || fsync(fileno(of->f)))
		err = -errno;
	if (fclose(of->f) && !err)
		err = -errno;
	of->f = NULL;
	if (!err && rename(of->tmp, of->path))
		err = -errno;
	if (err)
		unlink(of->tmp);
	return err;
}

void outfile_abort(struct outfile *of)
{
	if (!of->f)
		return;
	fclose(of->f);
	of->f = NULL;
	unlink(of->tmp);
}
