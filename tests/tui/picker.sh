#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Without -p the session starts with the process picker: sorted by RSS,
# searched incrementally by PID or name; Enter watches the process.
set -u
. "${top_srcdir:-.}/tests/tui/lib.sh"

start_target
start_tui -- --no-kmod
expect "without -p the picker opens, largest RSS first" "pick a process to watch (by RSS"
expect "the picker has the RSS column" "RSS"
expect "the picker has a column per node (numastat's view)" " N0"
expect "the picker shows command lines" "COMMAND LINE"
rows=$(screen | awk '/^ *[0-9]+ / {print $3}' | head -20)
keys "$target"
expect "typing the PID finds the target" "$target root"
expect "the target's row shows its command line" "sleep 600"
# N0: numa_maps' N0= pages times their size, as the session writes sizes
n0=$(awk '{ k = 4; for (i = 1; i <= NF; i++) if ($i ~ /^kernelpagesize_kB=/) { split($i, a, "="); k = a[2] }
	for (i = 1; i <= NF; i++) if ($i ~ /^N0=/) { split($i, a, "="); s += a[2] * k } }
	END { v = s * 1024; u = 0; while (v >= 1024 && u < 6) { v /= 1024; u++ }
	      if (u == 0) printf "%dB", v; else printf (v < 10 ? "%.1f%s" : "%.0f%s"), v, substr("BKMGTPE", u + 1, 1) }' /proc/$target/numa_maps)
screen | grep -qE "^ *$target root +[0-9.]+[BKMG] +$n0 " &&
	pass "the target's N0 is numa_maps' N0 ($n0)" ||
	fail "the target's N0 is numa_maps' N0 ($n0)"
screen | grep -E '^ *[0-9]+ ' | grep -qv "^ *$target " &&
	fail "the search leaves only matching rows" ||
	pass "the search leaves only matching rows"
keys BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace
keys F6
expect "F6 sorts by PID" "(by PID; F6 sorts)"
screen | awk '/^ *[0-9]+ / { print $1 }' | sort -n -c &&
	pass "by PID: the rows' PIDs ascend" || fail "by PID: the rows' PIDs ascend"
keys F6
expect "F6 again sorts by the memory on node 0" "(by memory on node 0; F6 sorts)"
screen | awk '/^ *[0-9]+ / { v = $4; m = 1; if (v ~ /K$/) m = 1024; if (v ~ /M$/) m = 1048576; if (v ~ /G$/) m = 1073741824
		sub(/[BKMG]$/, "", v); printf "%d\n", v * m }' | sort -n -r -c &&
	pass "by node 0: the rows' N0 never grows down the list" ||
	fail "by node 0: the rows' N0 never grows down the list"
while ! screen | grep -q "(by RSS; F6 sorts)"; do keys F6; sleep 0.2; done
keys "zzz-no-such"
expect "a search without match says so" "no process matches"
keys Escape
keys "$target" Enter
expect "Enter watches the chosen process" "PID $target (sleep)"
keys q
expect "q in a session started from the picker returns to the picker" "pick a process to watch"
expect "the picker keeps the watched process selected" "$target root"
keys q
expect "q in the picker with an empty search quits" "pagewatch exited with 0"
stop_tui

# an unprivileged user picks a process it may not read: said in the picker
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null &&
   setpriv --reuid=65534 --regid=65534 --clear-groups "$pw" --version >/dev/null 2>&1; then
	sock="$base-nobody"
	socks="$socks $sock"
	tm -f /dev/null new-session -d -s pw -x 100 -y 30 \
		"env TERM=screen setpriv --reuid=65534 --regid=65534 --clear-groups $pw --no-kmod; echo pagewatch exited with \$?; sleep 600"
	wait_for "pick a process" || fail "the picker opens for an unprivileged user"
	keys "$target"
	expect "the unprivileged picker lists root's target" "$target root"
	keys Enter
	expect "a process that cannot be read is said in the picker" "needs CAP_SYS_PTRACE"
	expect "and the picker stays" "Search (name or PID)"
	screen | grep -q "pagewatch exited" && fail "the program does not end" ||
		pass "the program does not end"
	keys x
	expect_gone "the note goes at the next key" "needs CAP_SYS_PTRACE"
	keys F10
	expect "F10 quits the picker" "pagewatch exited with 0"
	stop_tui
else
	echo "SKIP: an unprivileged pick needs root and setpriv to become nobody"
fi

start_tui -- --no-kmod
wait_for "pick a process" || fail "the picker opens again"
keys Escape
expect "Esc with an empty search quits the picker" "pagewatch exited with 0"
exit $failed
