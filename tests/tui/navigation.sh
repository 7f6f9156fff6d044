#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Keys move through the panes: Down selects the next mapping (the page map
# follows), Tab changes pane, Enter on a page shows every field and its
# history, Esc closes it, space pauses, + lengthens the interval, q quits.
set -u
. "${top_srcdir:-.}/tests/tui/lib.sh"

start_target
start_tui -- -p "$target" --no-kmod
wait_session
first=$(awk '{print $1; exit}' /proc/$target/maps | cut -d- -f1 | sed 's/^0*//')
path=$(awk '{print $6; exit}' /proc/$target/maps)
second=$(awk 'NR == 2 {print $1}' /proc/$target/maps | cut -d- -f1 | sed 's/^0*//')
expect "page map starts on the first mapping" "Page map: $path $first-"
keys Down
expect "Down selects the second mapping in the page map" "Page map: " &&
	wait_for "$second-" && pass "the page map follows the selection" ||
	fail "the page map follows the selection"
keys Tab Tab
keys Down
sleep 0.2
keys Enter
expect "Enter on a page opens its detail" "history: "
expect "detail lists the mapcount field" "mapcount"
expect "detail lists the old_pfn field" "old_pfn"
keys Escape
expect_gone "Esc closes the detail" "history: "
keys Space
expect "space pauses" "PAUSED"
keys Space
expect_gone "space again resumes" "PAUSED"
keys +
expect "+ lengthens the interval" "interval 2s"
keys -
expect "- shortens it again" "interval 1s"
keys q
expect "q quits with status 0" "pagewatch exited with 0"
exit $failed
