#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The session on --demo names the demo's regions in the mappings pane,
# from the demo's own table where the kernel names none (no
# CONFIG_ANON_VMA_NAME: "[anon]"), and find knows those names.
set -u
. "${top_srcdir:-.}/tests/tui/lib.sh"

start_tui -x 140 -y 40 -- --demo --no-kmod
wait_session
screen | grep -qE '\[(demo|anon):pw-thp\]' &&
	pass "the THP region is named in the mappings pane" ||
	fail "the THP region is named in the mappings pane"
screen | grep -qE '\[(demo|anon):pw-protnone\]' &&
	pass "the PROT_NONE reservation is named in the mappings pane" ||
	fail "the PROT_NONE reservation is named in the mappings pane"
keys / "pw-pinned" Enter
expect "find selects a demo region by its name" "found mapping ["
expect "the page map names it" "pw-pinned"
exit $failed
