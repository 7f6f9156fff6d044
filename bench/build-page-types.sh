#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Build the kernel's own page-types (tools/mm/page-types.c), the peer that
# bench/run.sh measures pagewatch against, from Debian's linux-source
# package (scripts/install-deps installs linux-source-6.12): its five
# source files are taken out of the tarball once, next to OUT, and compiled
# as tools/mm/Makefile does, with the two library files it needs
# (tools/lib/api/fs/fs.c, tools/lib/api/debug.c).
#
# Where no source is found OUT is not made and the reason is printed:
# bench/run.sh then prints its page-types rows as skipped, with it.
#
# Usage: bench/build-page-types.sh OUT   (PW_LINUX_SOURCE: another tarball)
set -eu
out=${1:?usage: build-page-types.sh OUT}
tarball=${PW_LINUX_SOURCE:-$(ls -1 /usr/src/linux-source-*.tar.xz 2>/dev/null | sort -V | tail -n 1)}
if [ -z "$tarball" ] || [ ! -r "$tarball" ]; then
	echo "page-types: not built: no kernel source tarball (/usr/src/linux-source-*.tar.xz; scripts/install-deps installs linux-source-6.12, PW_LINUX_SOURCE names another)" >&2
	exit 0
fi
top=$(basename "$tarball" .tar.xz)
src=$out-src
if [ ! -f "$src/$top/tools/mm/page-types.c" ]; then
	rm -rf "$src"
	mkdir -p "$src"
	if ! tar -xJf "$tarball" -C "$src" \
		"$top/tools/mm/page-types.c" \
		"$top/tools/lib/api" \
		"$top/include/uapi/linux/magic.h" \
		"$top/include/uapi/linux/kernel-page-flags.h"; then
		echo "page-types: not built: $tarball holds no tools/mm/page-types.c" >&2
		rm -rf "$src"
		exit 0
	fi
fi
tools=$src/$top/tools
${CC:-cc} -O2 -Wall -I "$tools/lib" -I "$tools/lib/api" -pthread -o "$out" \
	"$tools/mm/page-types.c" "$tools/lib/api/fs/fs.c" "$tools/lib/api/debug.c"
echo "page-types: built from $tarball ($top/tools/mm/page-types.c)"
