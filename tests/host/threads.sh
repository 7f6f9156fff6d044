#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Reader and writer threads (--threads) change nothing but the time a
# snapshot takes: real targets on this host, a dense one (one region, cut
# among the readers) and a sparse one (thousands of one-page regions), read
# with 1, 2, 3 and 7 threads, give the same pages in JSON, CSV and text
# and the same summary. Pages of files are left out: other processes starting and
# exiting meanwhile change their mapcount.
set -u
. "${top_srcdir:-.}/tests/host/lib.sh"

command -v jq >/dev/null || { echo "SKIP: jq is not installed"; exit 77; }
pw_target="${top_builddir:-.}/bench/pw-target"
[ -x "$pw_target" ] || { echo "SKIP: $pw_target is not built"; exit 77; }

# start LAYOUT MIB: a pw-target; sets $target
start_layout() {
	"$pw_target" "$1" "$2" >"$tmp/range.$1" &
	target=$!
	targets="$targets $target"
	for _ in $(seq 100); do
		[ -s "$tmp/range.$1" ] && return 0
		sleep 0.05
	done
	fail "$1 target did not start"
	exit 1
}

# same LAYOUT WHAT ARGS...: pagewatch ARGS with --threads 2, 3 and 7 print
# what --threads 1 prints (the headers, which hold the time, aside)
same() {
	layout=$1 what=$2
	shift 2
	"$pw" -p "$target" --snapshot --vma '[anon]' "$@" --threads 1 2>/dev/null |
		grep -v -e '"type":"snapshot"' -e '^# kernel' >"$tmp/one" || true
	[ -s "$tmp/one" ] || { fail "$layout: $what: --threads 1 printed nothing"; return; }
	for t in 2 3 7; do
		"$pw" -p "$target" --snapshot --vma '[anon]' "$@" --threads $t 2>/dev/null |
			grep -v -e '"type":"snapshot"' -e '^# kernel' >"$tmp/many"
		if cmp -s "$tmp/one" "$tmp/many"; then
			pass "$layout: $what: --threads $t prints what --threads 1 prints ($(wc -l <"$tmp/one") lines)"
		else
			fail "$layout: $what: --threads $t differs from --threads 1: $(diff "$tmp/one" "$tmp/many" | head -n 4)"
		fi
	done
}

for layout in dense sparse; do
	start_layout $layout 64
	same $layout "JSON pages" --format json
	same $layout "CSV pages" --format csv
	same $layout "text pages (mapping headings across blocks)" --format text
	same $layout "text pages, filter node=0" --format text --filter node=0
	same $layout "JSON summary" --format json --summary
	same $layout "text summary" --summary
	same $layout "JSON pages, filter node=0" --format json --filter node=0
	kill "$target"
done

start_target
"$pw" -p "$target" --snapshot --threads 0 >/dev/null 2>&1
check "--threads 0 (one per CPU) exits 0" [ $? = 0 ]
for bad in 17 -1 x ''; do
	"$pw" -p "$target" --snapshot --threads "$bad" >/dev/null 2>"$tmp/err"
	check "--threads '$bad' is a usage error (2) naming the option" \
		[ $? = 2 -a -n "$(grep -- '--threads' "$tmp/err")" ]
done
exit $failed
