#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# CPU share of the interactive session on a large target: pagewatch -p
# TARGET at a 1 s interval in a detached tmux session for DURATION seconds
# (default 20), its utime + stime from /proc/PID/stat divided by its
# lifetime (start-up and first snapshot included: on a large target the
# session spaces snapshots out, so a window that starts later could miss
# them all and read too low). The target holds SIZE MiB (default 4096, less when the host lacks
# the memory) of touched anonymous memory. Prints the figure; asserts
# nothing (issue 5 asks for under 5% of one CPU on 4 GiB).
#
# Usage: bench/tui-cpu.sh [SIZE_MIB [DURATION]]   (from the build tree)
set -eu
size=${1:-4096}
duration=${2:-20}
builddir=${top_builddir:-$(cd "$(dirname "$0")/.." && pwd)}
pw="$builddir/src/pagewatch"
tmp=$(mktemp -d /tmp/pw-bench.XXXXXX)
sock="pw-bench-$$"
target=""
cleanup() {
	tmux -L "$sock" kill-server 2>/dev/null || true
	[ -n "$target" ] && kill "$target" 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT

command -v tmux >/dev/null || { echo "bench: tmux is not installed" >&2; exit 1; }
[ -x "$pw" ] || { echo "bench: build pagewatch first ($pw)" >&2; exit 1; }

avail=$(awk '/^MemAvailable:/ {print int($2 / 1024)}' /proc/meminfo)
if [ $((size + 1024)) -gt "$avail" ]; then
	echo "bench: only $avail MiB available: the target holds $((avail / 2)) MiB instead of $size" >&2
	size=$((avail / 2))
fi

# The target: SIZE MiB touched once (4 KiB pages, no THP), then asleep.
cat >"$tmp/target.c" <<'C'
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>
int main(int argc, char **argv)
{
	size_t len = strtoull(argv[1], NULL, 10) << 20;
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return 1;
	madvise(p, len, MADV_NOHUGEPAGE);
	for (size_t i = 0; i < len; i += 4096)
		p[i] = 1;
	write(1, "ready\n", 6);
	for (;;)
		pause();
}
C
${CC:-cc} -O2 -o "$tmp/target" "$tmp/target.c"
"$tmp/target" "$size" >"$tmp/ready" &
target=$!
for _ in $(seq 600); do
	grep -qs ready "$tmp/ready" && break
	sleep 0.1
done
grep -q ready "$tmp/ready" || { echo "bench: the target did not start" >&2; exit 1; }
rss=$(awk '/^VmRSS:/ {print int($2 / 1024)}' /proc/$target/status)

tmux -L "$sock" -f /dev/null new-session -d -s bench -x 120 -y 40 \
	"env TERM=screen $pw -p $target -i 1 ${PW_BENCH_FLAGS:-}; sleep 600"
pid=""
for _ in $(seq 100); do
	pid=$(pgrep -P "$(tmux -L "$sock" list-panes -t bench -F '#{pane_pid}')" -x pagewatch || true)
	[ -n "$pid" ] && break
	sleep 0.1
done
[ -n "$pid" ] || { echo "bench: pagewatch did not start" >&2; exit 1; }

hz=$(getconf CLK_TCK)
sleep "$duration"
# utime + stime (14, 15) and starttime (22) after the command's last ')'
stat=$(sed 's/.*) //' "/proc/$pid/stat")
uptime=$(cut -d' ' -f1 /proc/uptime)
status=$(tmux -L "$sock" capture-pane -p -t bench | sed -n 4p)

echo "$stat" | awk -v up="$uptime" -v hz="$hz" -v rss="$rss" '{
	cpu = ($12 + $13) / hz; life = up - $20 / hz;
	printf "pagewatch TUI, 1 s interval, target RSS %d MiB (%d pages): %.2f s CPU in %.0f s = %.1f%% of one CPU\n",
	       rss, rss * 256, cpu, life, 100 * cpu / life
}'
echo "status line: $status"
