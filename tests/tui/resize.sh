#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The session follows live resizes: too small says so (no crash), large
# again draws every pane.
set -u
. "${top_srcdir:-.}/tests/tui/lib.sh"

start_target
start_tui -- -p "$target" --no-kmod
wait_session
tm resize-window -t pw -x 50 -y 15
expect "a too small terminal gets a message" "Terminal too small: 50x15."
expect "the message says the minimum" "pagewatch needs at least 60x20."
tm resize-window -t pw -x 120 -y 40
expect "back to a large terminal the panes return" " Page map: "
expect "the events pane returns" " Events ("
tm resize-window -t pw -x 80 -y 24
expect "80x24 after a resize draws the pages pane" " Pages of "
screen | grep -q "pagewatch exited" && fail "resizing never ends the session" ||
	pass "resizing never ends the session"
exit $failed
