#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Scan speed and memory of pagewatch against the kernel's own page walk and
# against the floor of what each of its paths must read (issues 7 and 18).
# For each target (LAYOUT x SIZE, built by bench/pw-target) it measures,
# median of RUNS runs, wall and CPU (user + system) time:
#   numa_maps  cat /proc/PID/numa_maps: the kernel's own walk
#   pagemap    /proc/PID/pagemap alone over the touched range
#   floor      the /proc floor of the path without the module: pagemap,
#              then kpageflags and kpagecount of the present pages' PFNs,
#              sorted and batched, one thread (pw-target floor)
#   kmod       the module's pages file over the touched range, a raw read
#              (when the module is loaded): the floor of the module path
#              These three raw reads run from pw-target-static, the same
#              program linked statically, as the guest's cat (BusyBox) is:
#              their rows are the walks, not the dynamic loader's start-up,
#              which the exec row measures on its own
#   exec       pw-target noop, a program linked against the C library
#              alone that does nothing (1 MiB targets): the start-up floor
#   json, csv, text   pagewatch -p PID --snapshot --format F > /dev/null
#   json/1     the same with --threads 1
#   json-n2    two JSON snapshots 0.25 s apart (-n 2 -i 0.25), the second
#              compared with the first: its peak RSS beyond 32 MiB, per
#              page, is the memory repeated snapshots hold (<= 16 bytes)
#   summary, summary/1   pagewatch -p PID --snapshot --summary
#   ptypes-L   the kernel's tools/mm/page-types -p PID -L > /dev/null: the
#              peer that lists every page (bench/build-page-types.sh
#              builds it from Debian's linux-source)
#   ptypes     page-types -p PID: its table of pages by flags, the peer
#              of --summary
# Every pagewatch row shows its wall and CPU time as a ratio to numa_maps
# and to its path's floor (kmod with the module, floor without; exec for
# the 1 MiB start-up targets), and its peak RSS (VmHWM, from wait4). After
# each target, one line per target of issue 18 says "met" or "NOT met"
# with the figures it compares, and a "peer:" line gives page-types'
# times over pagewatch's (above 1: page-types takes longer). Then the
# 1 MiB start-up targets (a plain 1 MiB mapping, and 1 MiB in a 1 TiB
# PROT_NONE reservation), the scale lines (16 GiB against 4 GiB), and
# --all over PW_BENCH_ALL_GIB GiB of the reservation (default 64; 0: none).
# It asserts nothing: the lines say what holds.
#
# Usage: bench/run.sh (from the build tree; make bench)
# Environment: PW_BENCH_SIZES (MiB, default "256 1024 4096"),
# PW_BENCH_LAYOUTS (default "dense sparse thp"), PW_BENCH_SCALE_MIB (a
# dense target of this size for the scale lines, default 16384; 0: none;
# skipped with the reason when the machine lacks the memory),
# PW_BENCH_RUNS (default 5), PW_BENCH_STARTUP_RUNS (the 1 MiB start-up
# targets, default 15), PW_BENCH_FLAGS (extra pagewatch options, e.g.
# --no-kmod), PW_BENCH_GUEST (1 in the QEMU guest: its start-up target is
# 3x numa_maps, not 2x), PW_BENCH_PAGE_TYPES (the page-types binary,
# default bench/page-types of the build tree).
set -eu
builddir=${top_builddir:-$(cd "$(dirname "$0")/.." && pwd)}
pw=${PW_BENCH_PAGEWATCH:-$builddir/src/pagewatch}
tgt=${PW_BENCH_TARGET:-$builddir/bench/pw-target}
raw=${PW_BENCH_READER:-$builddir/bench/pw-target-static}
ptypes=${PW_BENCH_PAGE_TYPES:-$builddir/bench/page-types}
sizes=${PW_BENCH_SIZES:-256 1024 4096}
layouts=${PW_BENCH_LAYOUTS:-dense sparse thp}
scale=${PW_BENCH_SCALE_MIB:-16384}
runs=${PW_BENCH_RUNS:-5}
flags=${PW_BENCH_FLAGS:-}
guest=${PW_BENCH_GUEST:-0}
kmod_dir=${PAGEWATCH_KMOD_DIR:-/sys/kernel/debug/pagewatch}
target=""
tmp=$(mktemp -d /tmp/pw-bench.XXXXXX)
results=$tmp/results	# LAYOUT MIB NAME WALL CPU RSS, one line per row
: >"$results"
cleanup() {
	[ -n "$target" ] && kill "$target" 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT

[ -x "$pw" ] || { echo "bench: build pagewatch first ($pw)" >&2; exit 1; }
[ -x "$tgt" ] || { echo "bench: build $tgt first (make bench)" >&2; exit 1; }
# no static build (configure found no way to link one): the dynamic one
raw_note=""
if [ ! -x "$raw" ]; then
	raw_note="reader: $raw not built (configure: no static link here): the raw reads run from $tgt and hold its start-up"
	raw=$tgt
fi

# the module path: the module is loaded and not turned off by the flags
kmod_path=0
if [ -e "$kmod_dir/pages" ]; then
	case " $flags " in
	*" --no-kmod "*) ;;
	*) kmod_path=1 ;;
	esac
fi

# start LAYOUT MIB: start a target, set $target, $start and $end; 1 (and
# the reason printed) when it has not touched its memory within 300 s
start_target() {
	"$tgt" "$1" "$2" >"$tmp/range" &
	target=$!
	for _ in $(seq 6000); do
		[ -s "$tmp/range" ] && break
		sleep 0.05
	done
	if ! read -r start end <"$tmp/range"; then
		echo "$1 $2 MiB: skipped: the target had not touched its memory after 300 s ($(awk '/^VmRSS/ { print $2 / 1024 " MiB" }' "/proc/$target/status" 2>/dev/null) resident)"
		stop_target
		return 1
	fi
}

stop_target() {
	kill "$target" 2>/dev/null || true
	wait "$target" 2>/dev/null || true
	target=""
}

# figure LAYOUT MIB NAME FIELD: a measured figure (FIELD 4 wall, 5 cpu,
# 6 rss), empty when not measured
figure() {
	awk -v l="$1" -v m="$2" -v n="$3" -v f="$4" \
	    '$1 == l && $2 == m && $3 == n { print $f }' "$results"
}

# measure NAME CMD...: one result line; numa_maps and the path's floor
# are measured first and are what the later rows divide by
measure() {
	name=$1
	shift
	# warm the caches once, then time
	"$@" >/dev/null 2>&1 || { printf '  %-10s failed: %s\n' "$name" "$*"; return 0; }
	set -- $("$tgt" time "$runs" "$@" 2>/dev/null) || return 0
	echo "$layout $size $name $1 $2 $3" >>"$results"
	awk -v n="$name" -v w="$1" -v c="$2" -v rss="$3" -v p="$pages" \
	    -v nw="$(figure "$layout" "$size" numa_maps 4)" \
	    -v nc="$(figure "$layout" "$size" numa_maps 5)" \
	    -v fw="$(figure "$layout" "$size" "$floor" 4)" \
	    -v fc="$(figure "$layout" "$size" "$floor" 5)" 'BEGIN {
		printf "  %-10s wall %8.1f ms  cpu %8.1f ms  %11.0f pages/s", n, w, c, p / (w / 1000)
		if (n != "numa_maps")
			printf "  numa_maps %6.2fx wall %6.2fx cpu", w / nw, c / nc
		if (n != "numa_maps" && n != "pagemap" && fw != "")
			printf "  floor %5.2fx wall %5.2fx cpu", w / fw, c / fc
		printf "  rss %6.1f MiB\n", rss / 1024
	}'
}

# verdict TEXT VALUE LIMIT: "met" when VALUE <= LIMIT
verdict() {
	awk -v t="$1" -v v="$2" -v l="$3" 'BEGIN {
		if (v == "") { printf "  target: %s: not measured\n", t; exit }
		printf "  target: %s %.2f (<= %s): %s\n", t, v, l, v <= l ? "met" : "NOT met"
	}'
}

# ratio A B: A / B, empty when either is missing
ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { if (a != "" && b != "" && b > 0) printf "%.4f", a / b }'
}

# the lines of issue 18 for the target just measured
targets_of() {
	nw=$(figure "$layout" "$size" numa_maps 4)
	fw=$(figure "$layout" "$size" "$floor" 4)
	fc=$(figure "$layout" "$size" "$floor" 5)
	if [ "$floor" = floor ]; then
		for f in json csv text; do
			verdict "/proc path: $f cpu / floor cpu" \
				"$(ratio "$(figure "$layout" "$size" $f 5)" "$fc")" 1.5
		done
		for f in json csv text; do
			verdict "/proc path: $f wall (default threads) / floor's one-thread wall" \
				"$(ratio "$(figure "$layout" "$size" $f 4)" "$fw")" 1
		done
	else
		verdict "module path: raw read of pages wall / numa_maps" \
			"$(ratio "$fw" "$nw")" 1.5
		verdict "module path: json wall / numa_maps" \
			"$(ratio "$(figure "$layout" "$size" json 4)" "$nw")" 3
		verdict "module path: summary wall / numa_maps" \
			"$(ratio "$(figure "$layout" "$size" summary 4)" "$nw")" 1.5
	fi
	for f in json csv text summary; do
		verdict "memory: $f peak RSS MiB" \
			"$(ratio "$(figure "$layout" "$size" $f 6)" 1024)" 32
	done
	# repeated snapshots: a base of the last one, beyond one's 32 MiB
	verdict "memory: json -n 2 peak RSS beyond 32 MiB, bytes a page" \
		"$(awk -v r="$(figure "$layout" "$size" json-n2 6)" -v p="$pages" 'BEGIN {
			if (r != "" && p > 0) printf "%.2f", (r > 32768 ? r - 32768 : 0) * 1024 / p }')" 16
}

# the peer line of the target just measured: page-types' wall and CPU
# over pagewatch's, listing every page (json, csv, text) and counting
# (summary)
peers_of() {
	[ -x "$ptypes" ] || return 0
	line="  peer: page-types over pagewatch (wall, cpu):" sep=""
	for f in json csv text summary; do
		peer=ptypes-L label=-L/$f
		[ "$f" = summary ] && peer=ptypes label=-p/summary
		w=$(ratio "$(figure "$layout" "$size" $peer 4)" "$(figure "$layout" "$size" $f 4)")
		c=$(ratio "$(figure "$layout" "$size" $peer 5)" "$(figure "$layout" "$size" $f 5)")
		[ -n "$w" ] && [ -n "$c" ] || continue
		line="$line$sep $label $(awk -v w="$w" -v c="$c" 'BEGIN { printf "%.1fx %.1fx", w, c }')"
		sep=,
	done
	echo "$line"
}

# bench_target LAYOUT MIB: every row of one target, then its lines
bench_target() {
	layout=$1 size=$2
	start_target "$layout" "$size" || return 0
	# pages pagewatch reports (the whole process), from its JSON header
	pages=$("$pw" -p "$target" --snapshot --format json $flags 2>/dev/null |
		head -n 1 | sed 's/.*"pages":\([0-9]*\).*/\1/')
	echo "$layout $size MiB: pid $target, $pages pages"
	floor=floor
	[ "$kmod_path" = 1 ] && floor=kmod
	measure numa_maps cat "/proc/$target/numa_maps"
	measure pagemap "$raw" pagemap "$target" "$start" "$end"
	[ "$kmod_path" = 1 ] && measure kmod "$raw" kmod "$target" "$start" "$end"
	measure floor "$raw" floor "$target" "$start" "$end"
	for f in json csv text; do
		measure $f "$pw" -p "$target" --snapshot --format $f $flags
	done
	measure json/1 "$pw" -p "$target" --snapshot --format json --threads 1 $flags
	# two snapshots 0.25 s apart, the second compared with the first
	measure json-n2 "$pw" -p "$target" --snapshot -n 2 -i 0.25 --format json $flags
	measure summary "$pw" -p "$target" --snapshot --summary $flags
	measure summary/1 "$pw" -p "$target" --snapshot --summary --threads 1 $flags
	if [ -x "$ptypes" ]; then
		measure ptypes-L "$ptypes" -p "$target" -L
		measure ptypes "$ptypes" -p "$target"
	fi
	targets_of
	peers_of
	stop_target
}

echo "pagewatch bench: $(uname -r), $(nproc) CPUs, $(awk '/^MemTotal/ {print int($2/1024)}' /proc/meminfo) MiB, runs $runs (median)"
echo "pagewatch: $("$pw" --version)  flags: ${flags:-none}  path: $([ "$kmod_path" = 1 ] && echo module || echo /proc)"
echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')  machine: $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
aslr=$(cat /proc/sys/kernel/randomize_va_space 2>/dev/null || echo unknown)
[ "$aslr" = 2 ] || echo "address-space randomisation: kernel.randomize_va_space $aslr"
if [ -x "$ptypes" ]; then
	echo "peer: $ptypes (the kernel's tools/mm/page-types)"
else
	echo "peer: page-types skipped: $ptypes was not built (bench/build-page-types.sh says why)"
fi
[ -n "$raw_note" ] && echo "$raw_note"
for size in $sizes; do
	for layout in $layouts; do
		bench_target "$layout" "$size"
	done
	# THP targets no worse than dense ones relative to their floor
	if [ "$kmod_path" = 1 ]; then
		verdict "module path, $size MiB: thp json/floor over dense json/floor" \
			"$(ratio "$(ratio "$(figure thp "$size" json 4)" "$(figure thp "$size" kmod 4)")" \
				 "$(ratio "$(figure dense "$size" json 4)" "$(figure dense "$size" kmod 4)")")" 1
	fi
done

# scale: a dense target four times the largest of 4 GiB
if [ "$scale" != 0 ]; then
	avail=$(awk '/^MemAvailable/ { print int($2 / 1024) }' /proc/meminfo)
	if [ "$avail" -lt $((scale + 2048)) ]; then
		echo "scale: skipped: a dense $scale MiB target needs $((scale + 2048)) MiB available (target and margin), $avail MiB are"
	else
		runs_saved=$runs
		runs=${PW_BENCH_SCALE_RUNS:-3}
		bench_target dense "$scale"
		runs=$runs_saved
		base=$(awk '$1 == "dense" && $2 == 4096 { print 4096; exit }' "$results")
		if [ -z "$base" ]; then
			echo "scale: no dense 4096 MiB target in this run: nothing to compare $scale MiB with"
		else
			for n in numa_maps floor json csv text json/1 summary summary/1; do
				for field in 4 5; do
					verdict "scale: $n $([ $field = 4 ] && echo wall || echo cpu) $scale MiB / 4096 MiB" \
						"$(ratio "$(figure dense "$scale" $n $field)" "$(figure dense 4096 $n $field)")" 4.4
				done
			done
		fi
	fi
fi

reserve=${PW_BENCH_RESERVE_MIB:-1}
start_target plain "$reserve" || exit 1
scan=$("$pw" -p "$target" --snapshot --format json $flags 2>/dev/null | head -n 1 |
	grep -cE '"(pagemap_scan|kmod_seek)":true' || true)
stop_target
limit=2
[ "$guest" = 1 ] && limit=3
for layout in plain reserve; do
	if [ "$layout" = reserve ] && [ "$scan" = 0 ]; then
		# neither the ioctl (6.7+) nor the module's SEEK_DATA: every
		# page of the terabyte would be read
		echo "reserve: skipped: no PAGEMAP_SCAN (before 6.7) and no module with SEEK_DATA"
		continue
	fi
	size=$reserve
	start_target "$layout" "$reserve" || continue
	# a run takes milliseconds here: more of them steady the median
	runs_saved=$runs
	runs=${PW_BENCH_STARTUP_RUNS:-15}
	pages=$(( reserve * 256 ))
	echo "$layout $reserve MiB$([ $layout = reserve ] && echo ' in a 1 TiB PROT_NONE reservation'): pid $target"
	floor=exec
	measure numa_maps cat "/proc/$target/numa_maps"
	measure exec "$tgt" noop
	measure json "$pw" -p "$target" --snapshot --format json $flags
	measure summary "$pw" -p "$target" --snapshot --summary $flags
	verdict "start-up: $layout $reserve MiB json wall / numa_maps" \
		"$(ratio "$(figure "$layout" "$reserve" json 4)" "$(figure "$layout" "$reserve" numa_maps 4)")" $limit
	runs=$runs_saved
	stop_target
done
if [ "$scan" != 0 ]; then
	verdict "reserve vs plain json wall" \
		"$(ratio "$(figure reserve "$reserve" json 4)" "$(figure plain "$reserve" json 4)")" 1.5
fi
# --all lists every page of the reservation, 268 M pages for the whole
# terabyte: over its first PW_BENCH_ALL_GIB GiB (default 64), once, as CSV
all_gib=${PW_BENCH_ALL_GIB:-64}
if [ "$all_gib" != 0 ]; then
	start_target reserve "$reserve" || exit 1
	layout=reserve-all size=$all_gib pages=$(( all_gib * 262144 )) floor=none
	echo "--all over $all_gib GiB of the 1 TiB PROT_NONE reservation: pid $target, $pages pages"
	runs_saved=$runs
	runs=1
	measure numa_maps cat "/proc/$target/numa_maps"
	measure csv "$pw" -p "$target" --snapshot --all --format csv $flags \
		--range "0x$start-$(printf '0x%x' $(( 0x$start + all_gib * 1073741824 )))"
	runs=$runs_saved
	verdict "memory: --all over $all_gib GiB of the reservation, csv peak RSS MiB" \
		"$(ratio "$(figure reserve-all "$all_gib" csv 6)" 1024)" 32
	stop_target
fi
