#!/usr/bin/env bash
# pagewatch(4) documents every page flag of the ABI header's name table,
# and every file the module creates.
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
for file in $(grep -ohE 'debugfs_create_file\("[a-z_]+"' "$top"/kmod/*.c 2>/dev/null | sed 's/.*("//; s/"//'); do
	if ! grep -qx ".I $file" "$man"; then
		echo "pagewatch.4 does not document the debugfs file '$file'"
		missing=1
	fi
done
exit $missing
