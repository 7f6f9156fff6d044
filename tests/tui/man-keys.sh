#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Every key of the session's key table (src/tui/keys.c) is documented in
# the INTERACTIVE COMMANDS section of pagewatch(1).
set -uf
keys="${top_srcdir:-.}/src/tui/keys.c"
man="${top_srcdir:-.}/man/pagewatch.1.in"

names=$(sed -n 's/^	{ [^,]*, "\([^"]*\)", .*/\1/p' "$keys" | sort -u)
section=$(sed -n '/^\.SH INTERACTIVE COMMANDS/,/^\.SH [A-Z]/p' "$man" |
	grep -E '^\.BR? ' | sed 's/\\-/-/g')
[ -n "$names" ] || { echo "FAIL: no key found in $keys"; exit 1; }
failed=0
for name in $names; do
	if printf '%s\n' "$section" | grep -qF -- "$name"; then
		echo "PASS: key $name is documented"
	else
		echo "FAIL: key $name is not in pagewatch(1) INTERACTIVE COMMANDS"
		failed=1
	fi
done
exit $failed
