#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The session on --demo names the demo's regions in the mappings pane,
# from the demo's own table where the kernel names none (no
# CONFIG_ANON_VMA_NAME: "[anon]"), and find knows those names.
set -u
. "${top_srcdir:-.}/tests/tui/lib.sh"

# named_row NAME: the mappings pane shows the row of region NAME (found
# first: under ASan its shadow mappings push the demo's below the pane)
named_row() {
	keys / "$1" Enter
	wait_for "found mapping [" 50 &&
		screen | grep -qE "^ *[0-9a-f]+ +[0-9.]+[KMGT]?B? +[-r][-w][-x][ps] \[(demo|anon):$1\] "
}

start_tui -x 140 -y 40 -- --demo --no-kmod
wait_session
named_row pw-thp &&
	pass "the THP region is named in the mappings pane" ||
	fail "the THP region is named in the mappings pane"
named_row pw-protnone &&
	pass "the PROT_NONE reservation is named in the mappings pane" ||
	fail "the PROT_NONE reservation is named in the mappings pane"
screen | grep -qE " ---p \[(demo|anon):pw-protnone\] " &&
	pass "its permissions tell the reservation apart (---p)" ||
	fail "its permissions tell the reservation apart (---p)"
keys / "pw-pinned" Enter
expect "find selects a demo region by its name" "found mapping ["
expect "the page map names it" "pw-pinned"
exit $failed
