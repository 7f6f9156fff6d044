#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# f opens the filter prompt: a filter from filter.c's names narrows the
# mappings and pages, a bad one is refused with the names, empty clears.
set -u
. "${top_srcdir:-.}/tests/tui/lib.sh"

start_target
# one refresh a minute: the session stays at its first snapshot
start_tui -- -p "$target" --no-kmod -i 60
wait_session
keys f
expect "f opens the filter prompt" "Filter (empty clears):"
keys "node=0" Enter
expect "the mappings pane says the filter" "filter: node=0"
keys f C-u "migrated" Enter
expect "migrated on a fresh session leaves no mapping" "Mappings (0), filter: migrated"
expect "a filter known only from the second refresh says so" "filter: migrated (known from the second refresh on)"
keys f "pinned" Enter
expect "the prompt starts empty: typing replaces the filter, never appends" "filter: pinned"
expect "pinned without the module says why it matches nothing" "filter: pinned (needs the module: no page matches)"
keys f C-u "bogus" Enter
expect "a bad filter is refused with the names" "bad filter 'bogus': pinned, protnone"
keys f C-u Enter
expect "an empty filter clears it" "filter cleared"
expect_gone "the mappings pane no longer says a filter" "), filter:"
exit $failed
