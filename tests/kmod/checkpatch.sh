#!/usr/bin/env bash
# The module and the ABI header follow the kernel's coding style:
# scripts/checkpatch.pl (from Debian's linux-source-6.12) reports nothing.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cache=${PW_CACHE:-$top/.cache}/checkpatch
tarball=$(ls /usr/src/linux-source-6.12.tar.xz 2>/dev/null | head -n 1)

if [ ! -x "$cache/scripts/checkpatch.pl" ]; then
	if [ -z "$tarball" ]; then
		echo "checkpatch: /usr/src/linux-source-6.12.tar.xz missing: run scripts/install-deps"
		exit 1
	fi
	mkdir -p "$cache"
	tar -xJf "$tarball" -C "$cache" --strip-components=1 --wildcards \
		'*/scripts/checkpatch.pl' '*/scripts/spelling.txt' \
		'*/scripts/const_structs.checkpatch' || exit 1
fi

files=$(ls "$top"/kmod/*.c "$top"/kmod/*.h 2>/dev/null | grep -v '/compat\.h$' | grep -v '\.mod\.c$')
[ -n "$files" ] || { echo "checkpatch: no module sources under kmod/"; exit 1; }
status=0
# --no-tree: an out-of-tree module; SPDX and file-path checks stay on
"$cache/scripts/checkpatch.pl" --no-tree --show-types --terse -f $files || status=1
# The ABI header's flag-name table is an X-macro (one table for the module
# and the tool); an X-macro list cannot be parenthesized as COMPLEX_MACRO asks.
"$cache/scripts/checkpatch.pl" --no-tree --show-types --terse \
	--ignore COMPLEX_MACRO -f "$top/include/pagewatch/abi.h" || status=1
exit $status
