#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# / finds a mapping by part of its path, or a page by its address; n
# repeats the search; a miss says so.
set -u
. "${top_srcdir:-.}/tests/tui/lib.sh"

start_target
start_tui -- -p "$target" --no-kmod
wait_session
keys /
expect "/ opens the find prompt" "Find address or mapping:"
libc=$(awk '$6 ~ /libc[.-]/ {print $6; exit}' /proc/$target/maps)
keys "libc" Enter
expect "a mapping is found by part of its path" "found mapping $libc"
expect "the page map shows the found mapping" "Page map: $libc"
keys n
expect "n finds the next match" "found mapping"
stack=$(awk '/\[stack\]/ {print $1}' /proc/$target/maps | cut -d- -f2)
addr=$(printf '%x' $((0x$stack - 4096)))
keys / "$addr" Enter
expect "an address is found in its mapping" "Pages of [stack]"
expect "the found page is named" "found page $addr"
keys / "1000" Enter
expect "an address below every mapping says so and selects the next mapping" "no mapping holds 1000: the next one,"
# a mapping without a listed page (a gap of ---p, an untouched reservation)
"$pw" -p "$target" -s --no-kmod --format json 2>/dev/null |
	jq -r 'select(.type == "page") | .addr' >"$tmp/pages"
empty=""
while IFS=' -' read -r start end _; do
	case $start in ffffffffff*) continue ;; esac
	s=$((0x$start)) e=$((0x$end)) n=0
	while read -r a; do
		[ $((a)) -ge $s ] && [ $((a)) -lt $e ] && { n=1; break; }
	done <"$tmp/pages"
	[ $n = 0 ] && { empty=$start; break; }
done </proc/$target/maps
if [ -n "$empty" ]; then
	keys / "$empty" Enter
	expect "an address in a mapping without pages selects the next listed page" " or above in its mapping: "
	screen | grep -qF "Pages of" && ! screen | grep -q "no listed page at $empty or above" &&
		pass "the cursor leaves the empty mapping for the next page" ||
		fail "the cursor leaves the empty mapping for the next page"
else
	echo "SKIP: the target has no mapping without pages here"
fi
keys / "no-such-mapping" Enter
expect "a miss says not found" "not found: 'no-such-mapping'"
exit $failed
