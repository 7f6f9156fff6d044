#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Terminal handling: works with TERM=linux, uses color where the terminal
# has it and not with NO_COLOR, and refuses to start without a terminal,
# on a terminal that cannot move the cursor, and without ncursesw.
set -u
. "${top_srcdir:-.}/tests/tui/lib.sh"

start_target
start_tui TERM=linux -- -p "$target" --no-kmod
wait_session
expect "TERM=linux draws the panes" " Page map: "
stop_tui

# SGR 3x/4x: foreground or background color
start_tui -- -p "$target" --no-kmod
wait_session
wait_for "F1Help"
screen -e | grep -qE $(printf '\033')'\[([0-9;]*;)?[34][0-7](;|m)' &&
	pass "color is used where the terminal has it" ||
	fail "color is used where the terminal has it"
stop_tui

start_tui NO_COLOR=1 -- -p "$target" --no-kmod
wait_session
wait_for "F1Help"
screen -e | grep -qE $(printf '\033')'\[([0-9;]*;)?[34][0-7](;|m)' &&
	fail "NO_COLOR leaves no color" || pass "NO_COLOR leaves no color"
expect "NO_COLOR still draws every pane" " Events ("
stop_tui

"$pw" -p "$target" --no-kmod </dev/null >"$tmp/out" 2>"$tmp/err"
status=$?
[ "$status" = 2 ] && grep -q "needs a terminal" "$tmp/err" &&
	pass "without a terminal: exit 2 and a message" ||
	{ echo "FAIL: without a terminal: exit 2 and a message (got $status)"; cat "$tmp/err"; failed=1; }

# a terminal that cannot address the cursor is refused like an unknown one
start_tui TERM=dumb -- -p "$target" --no-kmod
wait_for "pagewatch exited with 1" &&
	expect "TERM=dumb: refused, the message says the terminal cannot move the cursor" "it cannot move the cursor" ||
	fail "TERM=dumb: refused with exit 1"
stop_tui

# ncursesw is opened when the session starts: hidden behind an empty file
# (a mount namespace of its own), the session is refused with the reason,
# and a snapshot, which never opens it, still runs
lib=$(ldconfig -p | awk '$1 == "libncursesw.so.6" && /x86-64/ { print $NF; exit }')
if [ "$(id -u)" != 0 ] || [ -z "$lib" ] || ! unshare -m true 2>/dev/null; then
	echo "SKIP: without ncursesw: hiding $lib needs root and unshare -m"
else
	lib=$(readlink -f "$lib")
	hide="mount --bind /dev/null $lib &&"
	sock="$base-$(($(echo $socks | wc -w) + 1))"
	socks="$socks $sock"
	tm -f /dev/null new-session -d -s pw -x 160 -y 30 \
		"unshare -m sh -c '$hide TERM=screen $pw -p $target --no-kmod'; echo pagewatch exited with \$?; sleep 600"
	wait_for "pagewatch exited with 1" &&
		expect "without ncursesw: the session is refused, saying it needs ncursesw" "needs ncursesw: " &&
		expect "without ncursesw: the message names the library and --snapshot" "libncursesw.so.6" ||
		fail "without ncursesw: the session is refused with exit 1"
	stop_tui
	if unshare -m sh -c "$hide $pw -p $target --no-kmod -s --summary" >"$tmp/out" 2>"$tmp/err" &&
	   grep -q '^# ' "$tmp/out"; then
		pass "without ncursesw: a snapshot still runs"
	else
		echo "FAIL: without ncursesw: a snapshot still runs"
		cat "$tmp/err"
		failed=1
	fi
fi
exit $failed
