#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# --record and --replay on this host's demo: a recording replays the states
# the live run printed, byte for byte, in every format and compressed; its
# changes list the demo's replaced buffer; a damaged, newer or foreign file
# is refused (or replayed up to the damage) with the line that is wrong.
set -u
. "${top_srcdir:-.}/tests/host/lib.sh"

command -v jq >/dev/null || { echo "SKIP: jq is not installed"; exit 77; }

# The live run: 4 snapshots of the demo, JSON Lines, and its recording
"$pw" --demo --snapshot -n 4 -i 0.5 --format json --record "$tmp/demo.pwr" \
	>"$tmp/live.json" 2>"$tmp/err"
check "a recorded run exits 0" [ $? = 0 ]
check "the recording's first line is its header, version 1" \
	sh -c "head -n 1 '$tmp/demo.pwr' | jq -e '.type == \"recording\" and .recording_version == 1 and .format_version == 2'"
check "the recording has 4 ticks and its end line" \
	sh -c "[ \$(grep -c '\"type\":\"tick\"' '$tmp/demo.pwr') = 4 ] && tail -n 1 '$tmp/demo.pwr' | jq -e '.type == \"end\" and .ticks == 4'"
check "the recording names the demo's regions" \
	sh -c "head -n 1 '$tmp/demo.pwr' | jq -e '[.regions[][2]] | index(\"pw-diverge\")'"
# each live snapshot, alone in a file: live.1 ... live.4
awk -v d="$tmp" '/"type":"snapshot"/ { n++ } { print > (d "/live." n) }' "$tmp/live.json"

for tick in 0 1 2 3; do
	"$pw" --replay "$tmp/demo.pwr" --snapshot --tick $tick --format json >"$tmp/rep.$tick"
	check "--replay --snapshot --tick $tick equals live snapshot $((tick + 1)) byte for byte" \
		cmp -s "$tmp/live.$((tick + 1))" "$tmp/rep.$tick"
done
"$pw" --replay "$tmp/demo.pwr" --snapshot --format json >"$tmp/rep.default"
check "--replay --snapshot without a point prints the last tick" \
	cmp -s "$tmp/live.4" "$tmp/rep.default"
t1=$(head -n 1 "$tmp/live.2" | jq -r .time)
"$pw" --replay "$tmp/demo.pwr" --snapshot --at "$t1" --format json >"$tmp/rep.at"
check "--at the recorded time of snapshot 2 ($t1) prints snapshot 2" \
	cmp -s "$tmp/live.2" "$tmp/rep.at"
"$pw" --replay "$tmp/demo.pwr" --snapshot --at +0 --format json >"$tmp/rep.at0"
check "--at +0 prints the first full state" cmp -s "$tmp/live.1" "$tmp/rep.at0"

# The same run written through zlib
"$pw" --demo --snapshot -n 2 -i 0.5 --format csv --record "$tmp/demo.pwr.gz" \
	>"$tmp/live.csv" 2>/dev/null
check "FILE.gz is gzip" sh -c "gzip -t '$tmp/demo.pwr.gz'"
"$pw" --replay "$tmp/demo.pwr.gz" --snapshot --tick 0 --format csv >"$tmp/rep.csv"
"$pw" --replay "$tmp/demo.pwr.gz" --snapshot --tick 1 --format csv |
	tail -n +2 >>"$tmp/rep.csv"
check "a gzip recording replays the live CSV of both snapshots" \
	cmp -s "$tmp/live.csv" "$tmp/rep.csv"

# The snapshot options apply to a replayed state
addr=$(sed -n 's/.*region pw-diverge \(0x[0-9a-f]*\) .*/\1/p' "$tmp/err")
# (the stack: a sanitizer's allocator leaves the heap without pages)
"$pw" --replay "$tmp/demo.pwr" --snapshot --tick 1 --vma '[stack]' --summary >"$tmp/stack"
check "--vma and --summary: one line, the stack's" \
	sh -c "[ \$(grep -c '\\[stack\\]\$' '$tmp/stack') = 1 ] && ! grep -q pw-diverge '$tmp/stack'"
if is_root; then
	"$pw" --replay "$tmp/demo.pwr" --snapshot --tick 1 --filter replaced \
		--format json >"$tmp/replaced"
	check "--filter replaced at tick 1: the 4 pages of pw-diverge ($addr)" \
		jq -e -s --arg a "$addr" '[.[] | select(.type == "page")] | length == 4 and .[0].addr == $a' "$tmp/replaced"
	end=$(printf '0x%x' $((addr + 16384)))
	"$pw" --replay "$tmp/demo.pwr" --snapshot --tick 1 --range "$addr-$end" \
		--format json >"$tmp/range"
	check "--range of pw-diverge: its 4 pages" \
		jq -e -s '[.[] | select(.type == "page")] | length == 4' "$tmp/range"
	"$pw" --replay "$tmp/demo.pwr" --changes --from +0 --to end >"$tmp/changes"
	check "--changes lists each page of pw-diverge with its PFN change" \
		sh -c "[ \$(grep -cE '^ *${addr#0x} +changed .*pfn [0-9a-f]+->[0-9a-f]+' '$tmp/changes') = 1 ]"
	"$pw" --replay "$tmp/demo.pwr" --changes --format json >"$tmp/changes.json"
	check "--changes --format json: one object per page, pfn old and new" \
		jq -e -s --arg a "$addr" '[.[] | select(.addr == $a)] | length == 1 and (.[0].fields.pfn | length == 2)' "$tmp/changes.json"
else
	skip "PFN changes need root"
fi
"$pw" --replay "$tmp/demo.pwr" --changes --from +0 --to +0 >"$tmp/none"
check "--changes from a point to itself lists nothing" [ ! -s "$tmp/none" ]

# Damaged and foreign input: a clear error with the line, never a crash
lines=$(wc -l <"$tmp/demo.pwr")
head -c $(($(wc -c <"$tmp/demo.pwr") - 100)) "$tmp/demo.pwr" >"$tmp/cut.pwr"
"$pw" --replay "$tmp/cut.pwr" --snapshot --tick 0 --format json >"$tmp/cut.out" 2>"$tmp/cut.err"
check "a cut recording exits 8" [ $? = 8 ]
check "its error names the line where it ends" \
	grep -qE "cut.pwr: line [0-9]+: .*cut short.*tick.* before it" "$tmp/cut.err"
check "what was read before the cut still replays (tick 0 equals the live one)" \
	cmp -s "$tmp/live.1" "$tmp/cut.out"
sed '5s/.*/{"p":[1,2,3/' "$tmp/demo.pwr" >"$tmp/bad.pwr"
"$pw" --replay "$tmp/bad.pwr" --snapshot >/dev/null 2>"$tmp/bad.err"
check "a corrupted line in the first tick: exit 1" [ $? = 1 ]
check "its error says line 5" grep -q "bad.pwr: line 5: not a JSON object" "$tmp/bad.err"
# the last page line: in the last tick, whatever follows it there
last_page=$(grep -n '"p":\[' "$tmp/demo.pwr" | tail -n 1 | cut -d: -f1)
sed "${last_page}s/\"p\":\[/\"p\":[\"x\",/" "$tmp/demo.pwr" >"$tmp/bad2.pwr"
"$pw" --replay "$tmp/bad2.pwr" --snapshot --tick 0 >/dev/null 2>"$tmp/bad2.err"
check "a malformed page in the last tick: exit 8, the ticks before replay" [ $? = 8 ]
check "its error says line $last_page and what is wrong" \
	grep -q "bad2.pwr: line $last_page: page: not \[vaddr" "$tmp/bad2.err"
sed '1s/"recording_version":1/"recording_version":99/' "$tmp/demo.pwr" >"$tmp/new.pwr"
"$pw" --replay "$tmp/new.pwr" --snapshot >/dev/null 2>"$tmp/new.err"
check "a newer format version is refused (exit 1)" [ $? = 1 ]
check "with a message naming both versions" \
	grep -q "recording format version 99 is newer than this pagewatch reads (1)" "$tmp/new.err"
"$pw" --replay "$tmp/live.json" --snapshot >/dev/null 2>"$tmp/foreign.err"
check "a JSON Lines snapshot is not a recording" \
	grep -q "line 1: not a pagewatch recording" "$tmp/foreign.err"
"$pw" --replay "$tmp/none" --snapshot >/dev/null 2>"$tmp/empty.err"
check "an empty file is not a recording" grep -q "an empty file" "$tmp/empty.err"
"$pw" --replay "$tmp/missing.pwr" --snapshot >/dev/null 2>"$tmp/missing.err"
check "a missing file: its path and strerror" \
	grep -q "missing.pwr: No such file or directory" "$tmp/missing.err"
head -c 2000 "$tmp/demo.pwr.gz" >"$tmp/cut.gz"
"$pw" --replay "$tmp/cut.gz" --snapshot >/dev/null 2>"$tmp/cutgz.err"
check "a cut gzip file: an error with a line, no crash" \
	grep -qE "cut.gz: (line [0-9]+|gzip)" "$tmp/cutgz.err"

# Options that do not go together
"$pw" --replay "$tmp/demo.pwr" --snapshot --tick 9 >/dev/null 2>"$tmp/e1"
check "--tick past the end: exit 2, the ticks there are" \
	sh -c "[ $? = 2 ] && grep -q 'holds ticks 0 to 3' '$tmp/e1'"
"$pw" --replay "$tmp/demo.pwr" --snapshot --at yesterday >/dev/null 2>"$tmp/e2"
check "--at that is no time: exit 2" [ $? = 2 ]
"$pw" --replay "$tmp/demo.pwr" -p 1 --snapshot >/dev/null 2>"$tmp/e3"
check "--replay with -p: exit 2" [ $? = 2 ]
"$pw" --demo --snapshot --at +1 >/dev/null 2>"$tmp/e4"
check "--at without --replay: exit 2" [ $? = 2 ]
"$pw" --demo --snapshot --record /nonexistent-dir/x.pwr >/dev/null 2>"$tmp/e5"
check "--record into a missing directory: exit 1 with the path" \
	sh -c "[ $? = 1 ] && grep -q '/nonexistent-dir/x.pwr: No such file or directory' '$tmp/e5'"
exit $failed
