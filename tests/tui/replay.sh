#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# A session recorded with --record replays in the same panes: at two ticks
# the live session showed (paused there), the replay shows the same
# mappings, page map cells, pages and event log, and the same page detail;
# its keys play, step, jump and seek, and the header says where it is.
set -u
. "${top_srcdir:-.}/tests/tui/lib.sh"

rec="$tmp/session.pwr"

# panes: the screen without the header (4 lines) and the footer
panes() { screen | sed -n "5,$(($1 - 1))p"; }
# the detail window's text, without the replay's recording line
detail() {
	screen | sed -n 's/^[^|]*|\([^|]*\)|.*$/\1/p' | grep -v -e '^recording: ' -e '^ *$'
}
# a screen that no longer changes (a refresh in flight has landed)
settle() {
	last=""
	for _ in $(seq 30); do
		now=$(screen)
		[ "$now" = "$last" ] && return 0
		last=$now
		sleep 0.3
	done
}

# capture NAME: panes and pw-diverge's first page's detail into $tmp/NAME.*
capture() {
	settle
	panes 44 >"$tmp/$1.panes"
	keys / pw-diverge Enter
	wait_for "found mapping [" 50
	settle
	panes 44 >"$tmp/$1.found"
	keys Tab Tab
	keys Enter
	wait_for "any key closes" 50
	detail >"$tmp/$1.detail"
	keys Escape
	wait_gone "any key closes" 50
	tm send-keys -t pw Home
}

# The live session, paused at two points
start_tui -x 180 -y 44 -- --demo --no-kmod -i 0.5 --record "$rec"
wait_session
# shown: the live session's snapshot number
shown() { screen | sed -n 's/.*snapshot #\([0-9]*\), polling.*/\1/p' | head -n 1; }
# reach N: wait until the live session is at snapshot N or later
reach() {
	for _ in $(seq 100); do
		[ "$(shown)" -ge "$1" ] 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}
reach 3 && pass "the live session reaches snapshot #3" ||
	fail "the live session reaches snapshot #3"
keys Space
expect "it pauses" "PAUSED"
settle
seq1=$(shown)
capture live1
keys Space
expect_gone "it resumes" "PAUSED"
reach $((seq1 + 3)) && pass "it goes on to snapshot #$((seq1 + 3))" ||
	fail "it goes on to snapshot #$((seq1 + 3))"
keys Space
expect "it pauses again" "PAUSED"
settle
seq2=$(shown)
capture live2
keys q
expect "quitting the live session exits 0 and closes the recording" "pagewatch exited with 0"
stop_tui
grep -q '"type":"end"' "$rec" &&
	pass "the recording has its end line" ||
	fail "the recording has its end line"

# The replay at the same ticks (tick = snapshot - 1: one frame a refresh)
start_tui -x 180 -y 44 -- --replay "$rec"
expect "the replay opens at tick 0" "tick 0/"
expect "its header gives the recorded time" "recorded 20"
expect "its footer lists the replay's keys" "SpacePlay ]Next [Prev tSeek"
for n in 1 2; do
	eval seq=\$seq$n
	keys t "#$((seq - 1))" Enter
	expect "seek to tick $((seq - 1)): snapshot #$seq" "(snapshot #$seq)"
	capture rep$n
	if cmp -s "$tmp/live$n.panes" "$tmp/rep$n.panes"; then
		pass "snapshot #$seq: mappings, page map, pages and event log equal the live ones"
	else
		fail "snapshot #$seq: panes equal the live ones"
		diff "$tmp/live$n.panes" "$tmp/rep$n.panes" | head -n 20
	fi
	cmp -s "$tmp/live$n.found" "$tmp/rep$n.found" &&
		pass "snapshot #$seq: pw-diverge's page map cells and pages equal the live ones" ||
		fail "snapshot #$seq: pw-diverge's panes equal the live ones"
	if [ -s "$tmp/rep$n.detail" ] && cmp -s "$tmp/live$n.detail" "$tmp/rep$n.detail"; then
		pass "snapshot #$seq: the page detail equals the live one"
	else
		fail "snapshot #$seq: the page detail equals the live one"
		diff "$tmp/live$n.detail" "$tmp/rep$n.detail" | head -n 20
	fi
done
grep -q "replaced" "$tmp/rep2.panes" &&
	pass "the replayed event log shows pw-diverge replaced" ||
	fail "the replayed event log shows pw-diverge replaced"
keys / pw-diverge Enter Tab Tab Enter
expect "the detail lists the page's steps across the whole recording" "recording: "
keys Escape
keys G
expect "G jumps to the end" "end: tick"
keys g
expect "g jumps to the start" "tick 0/"
keys ]
expect "] steps to the next change" "next change: tick"
keys .
expect ". steps one tick" "next tick: tick"
keys ,
expect ", steps back one tick" "previous tick: tick"
keys G '['
expect "[ steps to the previous change" "previous change: tick"
keys t +0 Enter
expect "t +0 seeks to the start" "seek: tick 0"
keys t nonsense Enter
expect "a bad time is refused with the forms it takes" "bad time 'nonsense'"
keys '>' '>'
expect "> plays faster" "speed x4"
keys Space
expect "Space plays" "PLAYING"
expect "playing stops at the end" "paused x4"
expect "... which is the last tick" "tick $(($(grep -c '"type":"tick"' "$rec") - 1))/"
keys F1
expect "F1 lists the replay's keys" "replay: play or pause"
keys Escape q
expect "quitting the replay exits 0" "pagewatch exited with 0"
stop_tui
exit $failed
