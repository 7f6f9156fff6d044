#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# One snapshot streams: its pages go through a spool file, not pagewatch's
# memory. A dense target of 2 GiB (524,288 pages: 24 MiB of page records)
# is read in every format and with --all; the peak RSS (getrusage, from
# pw-target time) stays under 24 MiB, the records' size; repeated
# snapshots (-n 3) hold at most 16 bytes a page beyond 32 MiB; the
# spooled output is byte for byte the kept one's. Then --all over
# 16 GiB of a PROT_NONE reservation (4 Mi pages, 192 MiB of records).
set -u
. "${top_srcdir:-.}/tests/host/lib.sh"

pw_target="${top_builddir:-.}/bench/pw-target"
[ -x "$pw_target" ] || { echo "SKIP: $pw_target is not built"; exit 77; }
avail=$(awk '/^MemAvailable/ { print int($2 / 1024) }' /proc/meminfo)
[ "$avail" -ge 4096 ] ||
	{ echo "SKIP: a 2 GiB target needs 4 GiB available, $avail MiB are"; exit 77; }

# start LAYOUT MIB: a pw-target; sets $target, $start, $end
start_layout() {
	"$pw_target" "$1" "$2" >"$tmp/range" &
	target=$!
	targets="$targets $target"
	for _ in $(seq 600); do
		read -r start end <"$tmp/range" 2>/dev/null && return 0
		sleep 0.05
	done
	fail "$1 target did not start"
	exit 1
}

# rss_kib ARGS...: the peak RSS of one pagewatch run, in KiB
rss_kib() {
	"$pw_target" time 1 "$pw" -p "$target" --snapshot "$@" 2>/dev/null |
		awk '{ print $3 }'
}

start_layout dense 2048
pages=$("$pw" -p "$target" --snapshot --format json --vma '[anon]' 2>/dev/null |
	head -n 1 | sed 's/.*"pages":\([0-9]*\).*/\1/')
records=$((pages * 48 / 1024))
# Under AddressSanitizer the peak RSS is the sanitizer's (shadow memory,
# quarantine), not pagewatch's: the plain build checks it, this one still
# checks that spooled and kept pages print the same
sanitized=
grep -q __asan_init "$pw" 2>/dev/null && sanitized=yes
# rss_check TEXT TEST...: a peak RSS check, or the reason it cannot be one
rss_check() {
	if [ -n "$sanitized" ]; then
		skip "$1: AddressSanitizer build, its RSS is not pagewatch's"
	else
		check "$@"
	fi
}
check "the dense target has its 524,288 pages ($pages)" [ "$pages" -ge 524288 ]
for args in "--format json" "--format csv" "--format text" \
	"--format text --threads 3" "--format json --filter node=0" \
	"--format csv --all --range 0x$start-0x$end"; do
	kib=$(rss_kib $args)
	rss_check "$args: peak RSS $kib KiB, under the pages' $records KiB of records" \
		[ "${kib:-999999999}" -lt "$records" ]
done
# Repeated snapshots spool each one too, and keep of the last only what
# the next is compared with: 16 bytes a page (issue 18: at most that
# beyond 32 MiB)
base=$((pages * 16 / 1024))
kib=
[ -z "$sanitized" ] && kib=$("$pw_target" time 1 "$pw" -p "$target" --snapshot \
	-n 3 -i 0.25 --format csv 2>/dev/null | awk '{ print $3 }')
rss_check "-n 3: peak RSS $kib KiB, within 32 MiB and 16 bytes a page ($base KiB)" \
	[ "${kib:-999999999}" -le $((32768 + base)) ]
# the spool is the same whatever the format: repeated ones in JSON only
for f in json csv text; do
	for n in 1 $([ $f = json ] && echo 2); do
		"$pw" -p "$target" --snapshot -n $n -i 0.25 --format $f \
			--vma '[anon]' 2>/dev/null |
			grep -v -e '"type":"snapshot"' -e '^# kernel' >"$tmp/spooled"
		TMPDIR=/nonexistent "$pw" -p "$target" --snapshot -n $n -i 0.25 \
			--format $f --vma '[anon]' 2>/dev/null |
			grep -v -e '"type":"snapshot"' -e '^# kernel' >"$tmp/kept"
		check "$f -n $n: spooled pages print what pages kept in memory print ($(wc -l <"$tmp/kept") lines)" \
			cmp -s "$tmp/spooled" "$tmp/kept"
	done
done
kill "$target"

start_layout reserve 1
range="0x$start-$(printf '0x%x' $((0x$start + 16 * 1073741824)))"
kib=$(rss_kib --format csv --all --range "$range")
rss_check "--all over 16 GiB of a reservation: peak RSS $kib KiB, under 32 MiB" \
	[ "${kib:-999999999}" -lt 32768 ]
exit $failed
