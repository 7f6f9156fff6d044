#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Every row fits its place at any size from the minimum up (issue 16): the
# header never runs into the status line, cut text shows an ellipsis, the
# help wraps its lines and stops scrolling at its end, and closing a popup
# redraws what it covered.
set -u
. "${top_srcdir:-.}/tests/tui/lib.sh"

# gap_blank NAME: the column between the pages and events panes (58% of
# 100 columns: column 59) is blank on every row of those panes (20-29 of 30)
gap_blank() {
	if screen | awk 'NR >= 20 && NR <= 29 && substr($0, 59, 1) != " " && length($0) >= 59 { bad = 1 } END { exit bad }'; then
		pass "$1"
	else
		fail "$1"
	fi
}

start_target
start_tui -x 60 -y 20 LANG=C.UTF-8 -- -p "$target" --no-kmod
wait_session
sleep 1.5
screen | sed -n 4p | grep -qE "^snapshot #[0-9]+, (polling )?every 1s *$" &&
	pass "60x20: the status line holds only the status (no header overflow)" ||
	fail "60x20: the status line holds only the status (no header overflow)"
expect "60x20: cut header text ends in an ellipsis" "…"
keys C-l
sleep 0.5
screen | sed -n 4p | grep -q "^snapshot #" &&
	pass "60x20: Ctrl-L draws the same status line" ||
	fail "60x20: Ctrl-L draws the same status line"
stop_tui

start_tui -x 200 -y 40 -- -p "$target" --no-kmod
wait_session
expect "200 columns: the mappings header ends in 'replaced', whole" "hugetlb replaced"
stop_tui

start_tui -x 80 -y 24 LANG=C.UTF-8 -- -p "$target" --no-kmod
wait_session
screen | grep -qE "…[a-z]*/sleep|…[a-z]*sleep" &&
	pass "80x24: a long path keeps its end and starts with an ellipsis" ||
	fail "80x24: a long path keeps its end and starts with an ellipsis"
stop_tui

for cols in 100 120; do
	start_tui -x "$cols" -y 30 -- -p "$target" --no-kmod
	wait_session
	keys F1
	expect "help at $cols columns: the Enter line is whole" "event: its page"
	for _ in $(seq 60); do keys Down; done
	expect "help at $cols columns: Down stops with the last line in the box" "Page map: 0-9 node"
	expect "help at $cols columns: the first lines scrolled away, the title stays" "pagewatch keys"
	stop_tui
done

start_tui -- -p "$target" --no-kmod
wait_session
keys F1
expect "F1 opens the help" "pagewatch keys"
keys x
expect_gone "any key closes it" "pagewatch keys"
gap_blank "after the help closes the column between the pages and events is blank"
keys Tab Tab Enter
expect "Enter on a page opens its detail" "any key closes"
keys x
expect_gone "any key closes the detail" "any key closes"
gap_blank "after the detail closes the column between the pages and events is blank"
exit $failed
