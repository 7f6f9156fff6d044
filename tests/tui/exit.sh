#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# When the target exits, the session says so, keeps its last state on the
# screen and the event log, and quits normally.
set -u
. "${top_srcdir:-.}/tests/tui/lib.sh"

start_target
start_tui -- -p "$target" --no-kmod
wait_session
expect "the target's mappings are shown" "bin/sleep"
kill "$target"
expect "the exit is announced" "Target $target exited at"
expect "the event log records it" "target $target exited"
expect "the last state stays on screen" "bin/sleep"
keys q
expect "q still quits with status 0" "pagewatch exited with 0"
exit $failed
