#!/usr/bin/env bash
# pagewatch(4) documents every page flag of the ABI header's name table,
# and every file the module creates (pw_main.c's table: each is a debugfs
# file and a device under /dev/pagewatch/).
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
man=$top/man/pagewatch.4
missing=0
for name in $(sed -n 's/.*X(PAGEWATCH_PAGE_[A-Z_]*, "\([a-z_]*\)").*/\1/p' "$top/include/pagewatch/abi.h"); do
	if ! grep -qx ".B $name" "$man"; then
		echo "pagewatch.4 does not document the flag '$name'"
		missing=1
	fi
done
files=$(grep -ohE '^[[:space:]]*\{ "[a-z_]+", PAGEWATCH_DEVICE_DIR' "$top"/kmod/*.c 2>/dev/null |
	sed 's/[^"]*"//; s/".*//')
[ "$(echo $files | wc -w)" -ge 5 ] || { echo "no table of files found in kmod/*.c"; exit 1; }
for file in $files; do
	if ! grep -qx ".I $file" "$man"; then
		echo "pagewatch.4 does not document the debugfs file '$file'"
		missing=1
	fi
	if ! grep -q "^\.B /dev/pagewatch/$file\$" "$man"; then
		echo "pagewatch.4 does not name the device /dev/pagewatch/$file"
		missing=1
	fi
done
exit $missing
