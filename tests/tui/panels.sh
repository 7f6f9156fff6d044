#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The session shows every pane: header with sources, mappings, page map with
# its legend, pages, events and the key bar; at 100x30 and at 80x24.
set -u
. "${top_srcdir:-.}/tests/tui/lib.sh"

start_target
start_tui -- -p "$target" --no-kmod
wait_session
expect "header names the target" "PID $target (sleep)"
expect "header shows the module status" "module not used (--no-kmod)"
expect "header labels the fault rate with its source" "faults "
screen | grep -qE 'faults [-0-9]+(/s)? \[(perf|stat)\]' &&
	pass "fault rate source is perf or stat" ||
	fail "fault rate source is perf or stat"
screen | grep -qE 'hint faults [-0-9]+(/s)? \[[a-z:/]+\]' &&
	pass "hint fault rate says its source" ||
	fail "hint fault rate says its source"
expect "mappings pane is present" " Mappings ("
expect "mappings pane lists the sleep binary" "/sleep"
expect "page map pane is present with its group size" "1 cell = "
expect "page map legend names the marks" "P maybe_pinned"
expect "pages pane is present" " Pages of "
expect "pages pane has the field table's columns" "ADDR NODE"
expect "events pane is present" " Events ("
expect "key bar is present" "F1Help"
stop_tui

# --no-perf: no perf event, the fault rate comes from /proc/PID/stat
start_tui -- -p "$target" --no-kmod --no-perf
wait_session
screen | grep -qE 'faults [-0-9]+(/s)? \[stat\]' &&
	pass "with --no-perf the fault rate comes from /proc/PID/stat" ||
	fail "with --no-perf the fault rate comes from /proc/PID/stat: $(screen | grep -m1 'faults ')"
stop_tui

start_tui -x 80 -y 24 -- -p "$target" --no-kmod
wait_session
for pane in " Mappings (" " Page map: " " Pages of " " Events (" "F1Help"; do
	expect "80x24 shows '$pane'" "$pane"
done
exit $failed
