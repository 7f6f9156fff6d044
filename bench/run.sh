#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Scan speed and memory of pagewatch against the kernel's own page walk
# (issue 7). For each target (LAYOUT x SIZE, built by bench/pw-target) it
# measures, median of RUNS runs:
#   numa_maps  cat /proc/PID/numa_maps (the floor: the kernel's own walk)
#   pagemap    /proc/PID/pagemap alone over the touched range
#   kmod       the module's pages file over the touched range (when loaded)
#   json       pagewatch -p PID --snapshot --format json > /dev/null
#   summary    pagewatch -p PID --snapshot --summary > /dev/null
#   json/1, summary/1  the same with --threads 1 (the default reads with
#              one thread per CPU: compare the CPU times too)
# and prints milliseconds (wall; CPU in brackets), pages per second (pages:
# what pagewatch reports for the whole process) and the ratio to numa_maps,
# then pagewatch's peak RSS (VmHWM) against the budget of 32 MiB + 24 bytes
# per page. Then a 1 TiB PROT_NONE reservation with SIZE_RESERVE MiB
# touched against a plain mapping of that size. Asserts nothing.
#
# Usage: bench/run.sh (from the build tree; make bench)
# Environment: PW_BENCH_SIZES (MiB, default "256 1024 4096"),
# PW_BENCH_LAYOUTS (default "dense sparse thp"), PW_BENCH_RUNS (default 5),
# PW_BENCH_FLAGS (extra pagewatch options, e.g. --no-kmod).
set -eu
builddir=${top_builddir:-$(cd "$(dirname "$0")/.." && pwd)}
pw=${PW_BENCH_PAGEWATCH:-$builddir/src/pagewatch}
tgt=${PW_BENCH_TARGET:-$builddir/bench/pw-target}
sizes=${PW_BENCH_SIZES:-256 1024 4096}
layouts=${PW_BENCH_LAYOUTS:-dense sparse thp}
runs=${PW_BENCH_RUNS:-5}
flags=${PW_BENCH_FLAGS:-}
kmod_dir=${PAGEWATCH_KMOD_DIR:-/sys/kernel/debug/pagewatch}
target=""
tmp=$(mktemp -d /tmp/pw-bench.XXXXXX)
cleanup() {
	[ -n "$target" ] && kill "$target" 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT

[ -x "$pw" ] || { echo "bench: build pagewatch first ($pw)" >&2; exit 1; }
[ -x "$tgt" ] || { echo "bench: build $tgt first (make bench)" >&2; exit 1; }

# start LAYOUT MIB: start a target, set $target, $start and $end
start_target() {
	"$tgt" "$1" "$2" >"$tmp/range" &
	target=$!
	for _ in $(seq 600); do
		[ -s "$tmp/range" ] && break
		sleep 0.05
	done
	read -r start end <"$tmp/range" || { echo "bench: $1 $2 MiB target did not start" >&2; exit 1; }
}

stop_target() {
	kill "$target" 2>/dev/null || true
	wait "$target" 2>/dev/null || true
	target=""
}

# measure NAME CMD...: one result line; the first call of a target (the
# floor) sets $floor
measure() {
	name=$1
	shift
	# warm the caches once, then time
	"$@" >/dev/null 2>&1 || { printf '  %-10s failed: %s\n' "$name" "$*"; return 0; }
	set -- $("$tgt" time "$runs" "$@" 2>/dev/null) || return 0
	wall=$1 cpu=$2 rss=$3
	[ "$name" = numa_maps ] && floor=$wall
	awk -v n="$name" -v w="$wall" -v c="$cpu" -v p="$pages" -v f="$floor" \
	    -v rss="$rss" 'BEGIN {
		printf "  %-10s %9.1f ms [cpu %7.1f] %12.0f pages/s %6.2fx numa_maps  rss %6.1f MiB\n",
		       n, w, c, p / (w / 1000), w / f, rss / 1024
	}'
	last_rss=$rss
}

echo "pagewatch bench: $(uname -r), $(nproc) CPUs, $(awk '/^MemTotal/ {print int($2/1024)}' /proc/meminfo) MiB, runs $runs (median)"
echo "pagewatch: $("$pw" --version)  flags: ${flags:-none}"
for size in $sizes; do
	for layout in $layouts; do
		start_target "$layout" "$size"
		# pages pagewatch reports (the whole process), from its JSON header
		pages=$("$pw" -p "$target" --snapshot --format json $flags 2>/dev/null |
			head -n 1 | sed 's/.*"pages":\([0-9]*\).*/\1/')
		echo "$layout $size MiB: pid $target, $pages pages"
		floor=1
		measure numa_maps cat "/proc/$target/numa_maps"
		measure pagemap "$tgt" pagemap "$target" "$start" "$end"
		if [ -e "$kmod_dir/pages" ]; then
			measure kmod "$tgt" kmod "$target" "$start" "$end"
		fi
		measure json "$pw" -p "$target" --snapshot --format json $flags
		json_rss=$last_rss
		measure json/1 "$pw" -p "$target" --snapshot --format json --threads 1 $flags
		measure summary "$pw" -p "$target" --snapshot --summary $flags
		measure summary/1 "$pw" -p "$target" --snapshot --summary --threads 1 $flags
		awk -v rss="$json_rss" -v p="$pages" 'BEGIN {
			budget = 32 * 1024 + p * 24 / 1024
			printf "  VmHWM json %.1f MiB, budget 32 MiB + 24 B x %d pages = %.1f MiB: %s\n",
			       rss / 1024, p, budget / 1024, rss <= budget ? "met" : "NOT met"
		}'
		stop_target
	done
done

reserve=${PW_BENCH_RESERVE_MIB:-1}
start_target plain "$reserve"
scan=$("$pw" -p "$target" --snapshot --format json $flags 2>/dev/null | head -n 1 |
	grep -cE '"(pagemap_scan|kmod_seek)":true' || true)
stop_target
if [ "$scan" = 0 ]; then
	# neither the ioctl (6.7+) nor the module's SEEK_DATA: every page of
	# the terabyte would be read
	echo "reserve: skipped: no PAGEMAP_SCAN (before 6.7) and no module with SEEK_DATA"
	exit 0
fi
for layout in plain reserve; do
	start_target "$layout" "$reserve"
	pages=$(( reserve * 256 ))
	echo "$layout $reserve MiB$([ $layout = reserve ] && echo ' in a 1 TiB PROT_NONE reservation'): pid $target"
	floor=1
	measure numa_maps cat "/proc/$target/numa_maps"
	measure json "$pw" -p "$target" --snapshot --format json $flags
	eval "json_$layout=\$wall"
	measure summary "$pw" -p "$target" --snapshot --summary $flags
	stop_target
done
awk -v a="$json_plain" -v b="$json_reserve" 'BEGIN {
	printf "reserve vs plain (json): %.2fx\n", b / a
}'
