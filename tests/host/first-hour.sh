#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# What a new user's first hour with the command line hit (issue 16): the
# normal end of -n 0, one shortest interval, snapshot-only options without
# -s, empty and unmatched --vma, why a --filter matched nothing, one short
# line without the module, a closed pipe and a full disk, the ABI message,
# header counts, a legend within 100 columns.
set -u
. "${top_srcdir:-.}/tests/host/lib.sh"

command -v jq >/dev/null || { echo "SKIP: jq is not installed"; exit 77; }
start_target

# refused NAME WORDS ARGS...: exit 2, one stderr line holding WORDS
refused() {
	name=$1 words=$2
	shift 2
	"$pw" "$@" >"$tmp/out" 2>"$tmp/err"
	status=$?
	if [ $status = 2 ] && [ ! -s "$tmp/out" ] && [ "$(wc -l <"$tmp/err")" = 1 ] &&
	   grep -qF -- "$words" "$tmp/err"; then
		pass "$name"
	else
		fail "$name (exit $status: $(head -c 200 "$tmp/err"))"
	fi
}

# -n 0 and -i alone run until the target exits: that is the normal end.
# The target is killed right after the first snapshot is written (each is
# flushed whole), seconds before the next one: between two snapshots.
sleep 600 &
short=$!
targets="$targets $short"
"$pw" -p "$short" -s --no-kmod -n 0 -i 5 --format json >"$tmp/n0.json" 2>"$tmp/err" &
runner=$!
for _ in $(seq 100); do
	grep -q '"type":"snapshot"' "$tmp/n0.json" && break
	sleep 0.1
done
kill "$short"
wait "$runner"
check "-n 0: the target's exit between snapshots ends with status 0" [ $? = 0 ]
check "-n 0: stderr says the target exited" grep -q "target $short exited after 1 snapshot" "$tmp/err"
check "-n 0: the printed snapshot is whole" \
	jq -e -s '[.[] | select(.type == "snapshot")] | length == 1 and all(.complete)' "$tmp/n0.json"

# one shortest interval for snapshots and the session
refused "-s -i 0 is refused" "shortest interval is 0.25 s" -p "$target" -s -i 0
refused "-s -i 0.1 is refused" "shortest interval is 0.25 s" -p "$target" -s -i 0.1
refused "the session's -i 0 is refused the same way" "shortest interval is 0.25 s" -p "$target" -i 0

# snapshot-only options without -s
refused "--format without -s: hint to add -s" "add -s" -p "$target" --format json
refused "--summary without -s: hint to add -s" "add -s" -p "$target" --summary
refused "-n without -s: hint to add -s" "add -s" -p "$target" -n 3
refused "--demo --format without -s: hint to add -s" "add -s" --demo --format json

# --vma
refused "--vma '': refused" "--vma needs a pattern" -p "$target" -s --vma ''
"$pw" -p "$target" -s --no-kmod --vma nomatch >/dev/null 2>"$tmp/err"
check "--vma nomatch: exit 0" [ $? = 0 ]
check "--vma nomatch: stderr says no mapping matches" grep -qF -- "--vma 'nomatch': no mapping of pid $target matches" "$tmp/err"

# why a --filter matched nothing
"$pw" -p "$target" -s --no-kmod --filter migrated >/dev/null 2>"$tmp/err"
check "--filter migrated on one snapshot: says two are needed" grep -q "compare two snapshots" "$tmp/err"
"$pw" -p "$target" -s --no-kmod --filter swapped,thp >/dev/null 2>"$tmp/err"
check "--filter that matched nothing: says so" grep -qF -- "--filter swapped,thp: no page matched" "$tmp/err"

# without the module: one short line, none after --no-kmod
"$pw" -p "$target" -s --no-kmod >/dev/null 2>"$tmp/err"
if is_root; then
	check "--no-kmod: nothing on stderr" [ ! -s "$tmp/err" ]
fi
if [ ! -e /sys/kernel/debug/pagewatch/version ]; then
	"$pw" -p "$target" -s >/dev/null 2>"$tmp/err"
	check "without the module: one line of at most 140 characters" \
		sh -c "[ \"\$(wc -l <'$tmp/err')\" = 1 ] && [ \"\$(wc -c <'$tmp/err')\" -le 140 ]"
	if [ ! -e /proc/modules ]; then
		check "without module support: the advice says the kernel cannot load modules" \
			grep -q "this kernel cannot load modules" "$tmp/err"
	fi
fi

# a closed pipe ends the demo like SIGTERM: its file is removed
before=$(ls -d /tmp/pagewatch-demo.* 2>/dev/null | wc -l)
sh -c "'$pw' --demo -s --format json 2>'$tmp/demo.err'; echo \$? >'$tmp/demo.rc'" | head -1 >"$tmp/demo.head"
after=$(ls -d /tmp/pagewatch-demo.* 2>/dev/null | wc -l)
check "--demo | head -1: a snapshot line was read" grep -q '"type":"snapshot"' "$tmp/demo.head"
check "--demo | head -1: exit 0 after the reader left" [ "$(cat "$tmp/demo.rc")" = 0 ]
check "--demo | head -1: no /tmp/pagewatch-demo.* file left" [ "$after" -le "$before" ]

# a full disk says so
if [ -w /dev/full ]; then
	"$pw" -p "$target" -s --no-kmod >/dev/full 2>"$tmp/err"
	check "writing to a full disk: exit 1" [ $? = 1 ]
	check "writing to a full disk: No space left on device" grep -q "No space left on device" "$tmp/err"
fi

# an ABI mismatch names the directory read and what it found
mkdir "$tmp/kmod"
printf 'abi 99\nrecord_size 64\nfeatures kpage\n' >"$tmp/kmod/version"
PAGEWATCH_KMOD_DIR="$tmp/kmod" "$pw" -p "$target" -s >/dev/null 2>"$tmp/err"
check "ABI mismatch: exit 6" [ $? = 6 ]
check "ABI mismatch: names the version file read" grep -qF "$tmp/kmod/version" "$tmp/err"
check "ABI mismatch: says which ABI it found" grep -qF "found ABI 99 with 64-byte records" "$tmp/err"

# the header counts what follows and records the selection
"$pw" -p "$target" -s --no-kmod --format json --filter swapped >"$tmp/f.json" 2>/dev/null
check "JSON header: pages counts the page objects that follow" \
	jq -e -s '.[0].pages == ([.[1:][] | select(.type == "page")] | length) and .[0].pages_read >= .[0].pages' "$tmp/f.json"
check "JSON header: filter, vma, range and format_version" \
	jq -e -s '.[0].filter == "swapped" and .[0].vma == null and .[0].range == null and .[0].format_version == 2' "$tmp/f.json"
"$pw" -p "$target" -s --no-kmod --format json --vma '[stack]' >"$tmp/v.json" 2>/dev/null
check "JSON header: --vma recorded, pages equal to the pages read" \
	jq -e -s '.[0].vma == "[stack]" and .[0].filter == null and .[0].pages == .[0].pages_read and .[0].pages == (.[1:] | length)' "$tmp/v.json"

# text: every line within 100 columns, the header's too
"$pw" -p "$target" -s --no-kmod >"$tmp/out.txt" 2>/dev/null
check "text: every line, the header's included, fits in 100 columns" \
	awk 'length > 100 { bad = 1 } END { exit bad }' "$tmp/out.txt"

# pagewatch(1) documents every key of the snapshot object, has a DEBUGFS
# INTERFACE section with text in it and refers to pagewatch(4)
man="${top_srcdir:-.}/man/pagewatch.1.in"
undocumented=""
for key in $(head -n 1 "$tmp/f.json" | jq -r 'keys[]'); do
	sed -n '/^\.SS JSON/,/^\.SH/p' "$man" | grep -qE "^\.(B|BR) (.* )?\"?$key\"?( |$)" ||
		undocumented="$undocumented $key"
done
check "pagewatch(1) documents every key of the snapshot object (missing:${undocumented:- none})" [ -z "$undocumented" ]
check "pagewatch(1): the DEBUGFS INTERFACE section has text" \
	sh -c "sed -n '/^\.SH DEBUGFS INTERFACE/,/^\.SH/p' '$man' | grep -v '^\.' | grep -q record"
check "pagewatch(1): SEE ALSO names pagewatch(4)" \
	sh -c "sed -n '/^\.SH SEE ALSO/,\$p' '$man' | grep -q '^\.BR pagewatch (4)'"

exit $failed
