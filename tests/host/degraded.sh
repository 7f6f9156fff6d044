#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The degraded path on this host: no module (--no-kmod), no CAP_SYS_ADMIN,
# the documented exit statuses. Output is checked with jq.
set -u
. "${top_srcdir:-.}/tests/host/lib.sh"

command -v jq >/dev/null || { echo "SKIP: jq is not installed"; exit 77; }
start_target

"$pw" -p "$target" --snapshot --no-kmod --format json >"$tmp/out.json" 2>"$tmp/err"
check "no-kmod snapshot exits 0" [ $? = 0 ]
check "no-kmod JSON: header first, complete, module absent" \
	jq -e -s '.[0].type == "snapshot" and .[0].complete and .[0].sources.kmod == false and .[0].kmod_abi == null and .[0].pid == '"$target" "$tmp/out.json"
check "no-kmod JSON: module-only fields are null on every page" \
	jq -e -s '[.[1:][] | .refcount, .pincount, .pinned, .protnone, .savedwrite, .writable, .order] | all(. == null)' "$tmp/out.json"
check "no-kmod JSON: the sleep binary's pages are listed" \
	jq -e -s '[.[1:][] | select(.vma | test("sleep$"))] | length > 0' "$tmp/out.json"
check "no-kmod JSON: every page has its key set" \
	jq -e -s '.[1:] | all(has("addr") and has("vma") and has("pfn") and has("node") and has("present") and has("swapped") and has("thp") and has("mapcount") and has("migrated") and has("diverged"))' "$tmp/out.json"
check "no-kmod: stderr says nothing of the module the user left out" sh -c "! grep -q module '$tmp/err'"

if is_root; then
	check "as root: present pages have a PFN and a node" \
		jq -e -s '[.[1:][] | select(.present)] | length > 0 and all(.pfn != null and .node != null and .mapcount != null)' "$tmp/out.json"
	check "as root: node matches the header's node list" \
		jq -e -s '.[0].nodes as $n | [.[1:][] | select(.present) | .node] | all(. as $x | $n | index($x) != null)' "$tmp/out.json"
else
	skip "PFN checks need root"
fi

if [ -e /sys/module/pagewatch ]; then
	skip "module loaded here: the not-loaded message cannot be checked"
else
	# the one next step that can work on this machine
	if [ ! -e /proc/modules ]; then
		why="this kernel cannot load modules" next="boot one with module support"
	elif grep -q "pagewatch\.ko" "/lib/modules/$(uname -r)/modules.dep" 2>/dev/null; then
		why="module installed but not loaded" next="modprobe pagewatch"
	elif ls /usr/src/pagewatch-*/dkms.conf >/dev/null 2>&1; then
		why="module not built for this kernel" next="linux-headers, then dkms autoinstall"
	else
		why="module not installed" next="install pagewatch-dkms, or make kmod && insmod kmod/pagewatch.ko"
	fi
	"$pw" -p "$target" --snapshot >/dev/null 2>"$tmp/err"
	check "without the module: exit 0" [ $? = 0 ]
	check "without the module: one stderr line saying why ($why)" \
		grep -qF "$why" "$tmp/err"
	check "without the module: the line names the next step that can work here" \
		grep -qF "$next" "$tmp/err"
	check "without the module: that is one line of at most 140 characters" \
		sh -c "[ \"\$(wc -l <\"$tmp/err\")\" = 1 ] && [ \"\$(wc -c <\"$tmp/err\")\" -le 140 ]"
fi

if is_root && command -v setpriv >/dev/null; then
	setpriv --inh-caps=-sys_admin --bounding-set=-sys_admin \
		"$pw" -p "$target" -s --no-kmod --format json >"$tmp/nocap.json" 2>"$tmp/err"
	check "without CAP_SYS_ADMIN: exit 0" [ $? = 0 ]
	check "without CAP_SYS_ADMIN: stderr names the capability" grep -q CAP_SYS_ADMIN "$tmp/err"
	check "without CAP_SYS_ADMIN: pfn and mapcount are null" \
		jq -e -s '.[0].sources.pfn == false and ([.[1:][] | .pfn, .mapcount, .thp] | all(. == null)) and ([.[1:][] | select(.present)] | length > 0)' "$tmp/nocap.json"
	check "without CAP_SYS_ADMIN: every present page has its node from move_pages(2)" \
		jq -e -s '.[0].sources.move_pages and ([.[1:][] | select(.present and .vma != "[vvar]" and .vma != "[vvar_vclock]")] | all(.node != null))' "$tmp/nocap.json"
	# numa_maps is the kernel's own per-node count ([vdso]: reserved pages
	# it does not count; [vvar]: PFN maps without a node)
	setpriv --inh-caps=-sys_admin --bounding-set=-sys_admin \
		"$pw" -p "$target" -s --no-kmod --summary --format json 2>/dev/null |
		jq -r 'select(.type == "mapping" and .vma != "[vdso]") |
			"\(.start | ltrimstr("0x")) \(.nodes // {} | to_entries | map("N\(.key)=\(.value)") | join(" "))"' |
		grep ' N' | sort >"$tmp/nodes.pw"
	awk '$0 !~ /vdso|vvar/ { out = ""; for (i = 2; i <= NF; i++) if ($i ~ /^N[0-9]+=/) out = out " " $i
		if (out != "") print $1 out }' /proc/$target/numa_maps | sort >"$tmp/nodes.kernel"
	check "numa_maps of the target lists pages per node" [ -s "$tmp/nodes.kernel" ]
	check "without CAP_SYS_ADMIN: pages per node of each mapping equal numa_maps" \
		cmp -s "$tmp/nodes.pw" "$tmp/nodes.kernel"
	setpriv --reuid=65534 --regid=65534 --clear-groups "$pw" -p "$target" -s >/dev/null 2>"$tmp/err"
	status=$?
	check "another user's process: exit 5" [ $status = 5 ]
	check "another user's process: stderr names CAP_SYS_PTRACE" grep -q CAP_SYS_PTRACE "$tmp/err"
else
	skip "capability checks need root and setpriv"
fi

"$pw" -p "$target" -s --no-kmod >"$tmp/out.txt" 2>/dev/null
check "text: every page line fits in 100 columns" \
	awk '!/^#/ && length > 100 { bad = 1 } END { exit bad }' "$tmp/out.txt"
check "text: module-only columns show -" grep -qE '^ *[0-9a-f]+ +[0-9a-f-]+ +[0-9-]+ +- +- ' "$tmp/out.txt"

"$pw" -p "$target" -s --no-kmod --format csv >"$tmp/out.csv" 2>/dev/null
check "csv: header row" sh -c "head -1 '$tmp/out.csv' | grep -q '^snapshot,addr,vma,pfn,node,present,swapped'"
check "csv: paths quoted" grep -q ',"/usr/bin/sleep",\|,"/bin/sleep",' "$tmp/out.csv"

"$pw" -p "$target" -s --no-kmod --summary --format json >"$tmp/sum.json" 2>/dev/null
check "summary json: one mapping object per mapping with pages" \
	jq -e -s '.[0].type == "snapshot" and (.[1:] | length > 0 and all(.type == "mapping" and .resident >= 0 and .pinned == null))' "$tmp/sum.json"

"$pw" -p "$target" -s --no-kmod --format json --vma '[stack]' 2>/dev/null >"$tmp/stack.json"
check "--vma [stack] keeps only the stack" jq -e -s '.[1:] | length > 0 and all(.vma == "[stack]")' "$tmp/stack.json"

range=$(awk '/\[stack\]/ { print $1; exit }' /proc/$target/maps)
"$pw" -p "$target" -s --no-kmod --format json --range "$range" 2>/dev/null >"$tmp/range.json"
check "--range keeps only pages inside it" \
	jq -e -s --arg r "$range" '($r | split("-") | map("0x" + .)) as [$s, $e] | .[1:] | length > 0 and all(.vma == "[stack]")' "$tmp/range.json"

# exit statuses
"$pw" -p 999999999 -s >/dev/null 2>"$tmp/err"
check "no such process: exit 3" [ $? = 3 ]
check "no such process: one line" [ "$(wc -l <"$tmp/err")" = 1 ]
"$pw" -p "$target" -s --range 2000-1000 >/dev/null 2>&1
check "reversed --range: exit 2" [ $? = 2 ]
"$pw" -p "$target" -s --filter pinned,bogus >/dev/null 2>&1
check "unknown --filter: exit 2" [ $? = 2 ]
"$pw" -p "$target" -s --format xml >/dev/null 2>&1
check "unknown --format: exit 2" [ $? = 2 ]

mkdir "$tmp/kmod"
printf 'abi 99\nrecord_size 48\nfeatures kpage\n' >"$tmp/kmod/version"
PAGEWATCH_KMOD_DIR="$tmp/kmod" "$pw" -p "$target" -s >/dev/null 2>"$tmp/err"
check "module ABI mismatch: exit 6" [ $? = 6 ]
check "module ABI mismatch: one line naming the ABI" grep -q "ABI mismatch" "$tmp/err"

# the target exits between snapshots of -i alone (until it exits): exit 0,
# and what was printed is whole
# (killed right after the first snapshot is written, seconds before the next)
start_target
"$pw" -p "$target" -s --no-kmod --format json -i 5 >"$tmp/exit.json" 2>"$tmp/err" &
runner=$!
for _ in $(seq 100); do
	grep -q '"type":"snapshot"' "$tmp/exit.json" && break
	sleep 0.1
done
kill "$target"
wait "$runner"
check "target exited between snapshots of -i alone: the normal end, exit 0" [ $? = 0 ]
check "target exited: every printed snapshot is complete" \
	jq -e -s '[.[] | select(.type == "snapshot")] | length >= 1 and all(.complete)' "$tmp/exit.json"

exit $failed
