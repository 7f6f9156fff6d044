#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Without -p the session starts with the process picker: sorted by RSS,
# searched incrementally by PID or name; Enter watches the process.
set -u
. "${top_srcdir:-.}/tests/tui/lib.sh"

start_target
start_tui -- --no-kmod
expect "without -p the picker opens" "pick a process to watch (largest RSS first)"
expect "the picker has the RSS column" "RSS"
rows=$(screen | awk '/^ *[0-9]+ / {print $3}' | head -20)
keys "$target"
expect "typing the PID finds the target" "$target root"
screen | grep -E '^ *[0-9]+ ' | grep -qv "^ *$target " &&
	fail "the search leaves only matching rows" ||
	pass "the search leaves only matching rows"
keys BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace
keys "zzz-no-such"
expect "a search without match says so" "no process matches"
keys Escape
keys "$target" Enter
expect "Enter watches the chosen process" "PID $target (sleep)"
keys q
expect "q quits" "pagewatch exited with 0"
stop_tui

start_tui -- --no-kmod
wait_for "pick a process" || fail "the picker opens again"
keys Escape
expect "Esc with an empty search quits the picker" "pagewatch exited with 0"
exit $failed
