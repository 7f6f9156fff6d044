#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# pagewatch --demo --snapshot on this host: it runs, shows its regions,
# sees the replaced pinned buffer, and leaves no process behind.
set -u
. "${top_srcdir:-.}/tests/host/lib.sh"

command -v jq >/dev/null || { echo "SKIP: jq is not installed"; exit 77; }

"$pw" --demo --snapshot --format json >"$tmp/demo.json" 2>"$tmp/err"
check "demo --snapshot exits 0" [ $? = 0 ]
check "demo: two complete snapshots" \
	jq -e -s '[.[] | select(.type == "snapshot")] | length == 2 and all(.complete) and .[1].tracked' "$tmp/demo.json"
check "demo: stderr lists its regions" grep -q "region pw-thp" "$tmp/err"
check "demo: the PROT_NONE reservation's line gives its address" grep -qE "region pw-protnone 0x[0-9a-f]+ [0-9]+ PROT_NONE" "$tmp/err"
check "demo: the THP region is 2 MiB-aligned" grep -qE "region pw-thp 0x[0-9a-f]*[02468ace]00000 " "$tmp/err"
demo_pid=$(jq -s '.[0].pid' "$tmp/demo.json")
check "demo: the child is gone afterwards" sh -c "! kill -0 $demo_pid 2>/dev/null"
check "demo: no file left in /tmp" sh -c "! grep -o '/tmp/pagewatch-demo\.[A-Za-z0-9]*' '$tmp/err' | head -1 | xargs -r test -e"
if [ "$(id -u)" = 0 ]; then
	addr=$(sed -n 's/.*region pw-diverge \(0x[0-9a-f]*\) .*/\1/p' "$tmp/err")
	check "demo: the buffer freed and touched again shows as replaced, not migrated, in snapshot 2" \
		jq -e -s --arg a "$addr" '[.[] | select(.type == "page" and .seq == 2 and .addr == $a)] | length == 1 and .[0].replaced == true and .[0].migrated == false' "$tmp/demo.json"
else
	skip "PFN changes need root"
fi
if [ "$(cat /sys/devices/system/node/online)" = 0 ]; then
	check "demo: one node: says what it cannot show" grep -q "one NUMA node" "$tmp/err"
fi
exit $failed
