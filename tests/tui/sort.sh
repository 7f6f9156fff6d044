#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The mappings pane shows each mapping's permissions, and s sorts it by
# resident, pinned and replaced pages, largest first, then back to address.
set -u
. "${top_srcdir:-.}/tests/tui/lib.sh"

# rows: "START RES" of the mappings pane's rows, in screen order (RES is
# the 7 columns before the node bar and the four counts: 43 columns); a
# row caught while it is redrawn (it does not end in a count) is left out
rows() {
	screen | awk '/^ Mappings \(/ { on = 1; next } on && /^START/ { next }
		on && /^ *[0-9a-f]+ .*[0-9]$/ { res = substr($0, length($0) - 49, 7); gsub(/ /, "", res)
			print $1, res } on && /^ Page map/ { exit }'
}

start_target
start_tui -x 120 -y 50 -- -p "$target" --no-kmod
wait_session
expect "the mappings pane has a PERM column" "SIZE PERM MAPPING"
perm=$(awk '/\/sleep$/ && $2 ~ /x/ { print $2; exit }' /proc/$target/maps)
screen | grep -qE "^ *[0-9a-f]+ +[0-9.]+[KMG]?B? $perm " &&
	pass "a row shows its mapping's permissions ($perm)" ||
	fail "a row shows its mapping's permissions ($perm)"
rows | cut -d' ' -f1 | sort -c 2>/dev/null &&
	pass "by default the mappings are in address order" ||
	fail "by default the mappings are in address order"
keys s
expect "s sorts by resident pages, the title says so" "), by resident"
sleep 0.3
rows | awk 'NR > 1 && $2 + 0 > prev { bad = 1 } { prev = $2 + 0 } END { if (bad || NR < 2) exit 1 }' &&
	pass "by resident: the rows' RES never grows down the pane" ||
	fail "by resident: the rows' RES never grows down the pane"
rows >"$tmp/rows"
awk '$2 !~ /^[0-9]+$/ { bad = 1 } END { if (bad || NR < 2) exit 1 }' "$tmp/rows" &&
	pass "the RES column read for the check holds numbers" ||
	fail "the RES column read for the check holds numbers ($(awk '$2 !~ /^[0-9]+$/' "$tmp/rows" | head -3 | tr '\n' ';'))"
keys s
expect "s again sorts by pinned pages" ", by pinned"
keys s
expect "s again sorts by replaced pages" ", by replaced"
keys s
expect_gone "s again is back to address order" ", by "
exit $failed
