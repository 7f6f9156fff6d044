#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# bench/record-size.sh [SECONDS] [MIB]: how large a recording grows. A
# target of MIB (default 512) MiB of 4 KiB pages, 1 % of them replaced a
# minute (pw-target churn), is recorded for SECONDS (default 600) at one
# tick a second, plain and gzip; an idle target of the same size for 60
# ticks gives the cost of a tick where nothing changed. Only the target's
# anonymous memory is recorded (--vma '[anon]'): the shared libraries'
# pages change mapcount whenever a process on the machine starts or ends,
# a real change, but the machine's, not the target's (PW_RECORD_VMA=""
# records every mapping). Prints the sizes measured in this run, with the
# date and the machine; asserts nothing.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
b=${top_builddir:-$top}
pw=$b/src/pagewatch
target=$b/bench/pw-target
secs=${1:-600}
mib=${2:-512}
vma=${PW_RECORD_VMA-[anon]}
tmp=$(mktemp -d /tmp/pw-record-size.XXXXXX)
pids=""
trap 'for p in $pids; do kill $p 2>/dev/null; done; rm -rf "$tmp"' EXIT

[ -x "$target" ] || { echo "record-size: build bench/pw-target first (make check)" >&2; exit 2; }
start() {
	"$target" "$1" "$mib" >"$tmp/$1.range" &
	pid=$!
	pids="$pids $pid"
	while [ ! -s "$tmp/$1.range" ]; do sleep 0.1; done
}
# record NAME PID TICKS: --record FILE and FILE.gz of the same run's ticks
record() {
	"$pw" -p "$2" --snapshot --summary -n "$3" -i 1 --record "$tmp/$1.pwr" \
		${vma:+--vma "$vma"} \
		>/dev/null 2>"$tmp/$1.err" || { cat "$tmp/$1.err" >&2; exit 1; }
	gzip -6 -c "$tmp/$1.pwr" >"$tmp/$1.pwr.gz"
}
size() { wc -c <"$1" | tr -d ' '; }
# bytes up to the second tick line: the header and the first full state
first() { awk '/"type":"tick"/ && ++n == 2 { exit } { b += length($0) + 1 } END { print b }' "$1"; }

start dense
record idle "$pid" 60
start churn
record churn "$pid" "$secs"

echo "record-size: $(date -u +%Y-%m-%dT%H:%MZ), $(uname -r), $(nproc) CPUs, pagewatch $("$pw" --version | cut -d' ' -f2)"
echo "target: $mib MiB, $((mib * 256)) pages of 4 KiB; recorded: --vma '${vma:-(all)}'"
idle=$(size "$tmp/idle.pwr")
idle_first=$(first "$tmp/idle.pwr")
echo "idle, 60 ticks: $idle bytes, first state $idle_first, then $(((idle - idle_first) / 59)) bytes a tick (gzip: $(size "$tmp/idle.pwr.gz") bytes in all)"
all=$(size "$tmp/churn.pwr")
cfirst=$(first "$tmp/churn.pwr")
pages=$(grep -c '^{"p"' "$tmp/churn.pwr")
echo "1 % a minute, $secs ticks: $all bytes ($(size "$tmp/churn.pwr.gz") gzip): first state $cfirst, then $(((all - cfirst) / (secs - 1))) bytes a tick; $((pages - mib * 256)) page lines after the first state"
