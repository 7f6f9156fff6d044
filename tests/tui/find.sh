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
keys / "no-such-mapping" Enter
expect "a miss says not found" "not found: 'no-such-mapping'"
exit $failed
