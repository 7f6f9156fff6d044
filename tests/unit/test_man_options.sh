#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# pagewatch --help and the OPTIONS section of pagewatch(1) list the same
# long options.
set -eu
pw="${top_builddir:-.}/src/pagewatch"
man="${top_srcdir:-.}/man/pagewatch.1.in"

help_opts=$("$pw" --help | grep -E '^ +(-[a-zA-Z], )?--[a-z]' |
	sed -E 's/^ +(-[a-zA-Z], )?(--[a-z-]+).*/\2/' | sort -u)
man_opts=$(sed -n '/^\.SH OPTIONS/,/^\.SH [A-Z]/p' "$man" |
	grep -A1 '^\.TP' | grep -E '^\.B' | grep -oE '\\-\\-[a-z][a-z\\-]*' |
	sed 's/\\//g' | sort -u)

if [ "$help_opts" != "$man_opts" ]; then
	echo "FAIL: --help and pagewatch(1) OPTIONS differ:"
	printf '%s\n' "$help_opts" > help.opts.tmp
	printf '%s\n' "$man_opts" > man.opts.tmp
	diff -u help.opts.tmp man.opts.tmp || true
	rm -f help.opts.tmp man.opts.tmp
	exit 1
fi
count=$(printf '%s\n' "$help_opts" | wc -l)
[ "$count" -ge 14 ] || { echo "FAIL: only $count options found"; exit 1; }
echo "PASS: $count long options in both --help and pagewatch(1)"
