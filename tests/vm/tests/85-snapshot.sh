# Scripted snapshots (issue 4, point 8): `pagewatch -p PID --snapshot`
# against workloads whose layout is known, every page of their regions held
# against the kernel's own answers: PFN against /proc/PID/pagemap, node
# against the node sysfs gives the PFN's memory block and, per VMA, against
# /proc/PID/numa_maps; mapcount against /proc/kpagecount; thp, order and the
# zero page against /proc/kpageflags; pinned and pincount against the
# io_uring pins the workload made (and the kernel's count of them); protnone
# and savedwrite where NUMA balancing marked pages, confirmed by the hint
# faults the target then takes. JSON for every field; CSV, text and the
# summary (in every format) on at least one field each.

pw_require_module
PW=/pagewatch/bin/pagewatch

# snap FILE ARGS...: pagewatch --snapshot ARGS into FILE; a failure is a
# check of its own and ends the script (every further check would repeat it)
snap() {
	local file=$1 rc
	shift
	$PW -s "$@" > "$file" 2> "$file.err"
	rc=$?
	if [ $rc -ne 0 ] || [ ! -s "$file" ]; then
		pw_fail snapshot_succeeds "command: pagewatch -s $*" "status:  $rc" \
			"$(head -n 5 "$file.err")"
		exit 0
	fi
}

# agree PID WORKLOAD-OUTPUT PAGES-FILE REGION...: every page of the regions,
# pagewatch's JSON (pw_json_pages lines in PAGES-FILE) against pw-verify
# truth; prints "check NAME checked=N bad=M" lines (pw_verified reads them)
agree() {
	local pid=$1 wl=$2 pages=$3 r
	shift 3
	for r in "$@"; do
		pw-verify truth $pid $(pw_region $wl $r)
	done > /tmp/snap.truth
	awk 'NR == FNR { pw[$1] = $0; next }
	function check(c, ok, msg) {
		n[c]++
		if (ok) return
		if (++b[c] <= 8) d[c] = d[c] "  " c " " $1 ": " msg "\n"
	}
	{
		if ($1 in pw) split(pw[$1], p, " "); else split("- false", p, " ")
		check("present_matches_pagemap", (p[2] == "true") == ($2 == 1),
		      "pagewatch present=" p[2] ", pagemap present=" $2)
		if ($2 != 1 || p[2] != "true") next
		kf = $6 + 0
		check("pfn_matches_pagemap", p[3] == $4, "pagewatch pfn=" p[3] ", pagemap pfn=" $4)
		check("node_matches_sysfs_memory_block", p[4] == $7,
		      "pfn " $4 ": pagewatch node=" p[4] ", memory block node=" $7)
		check("mapcount_matches_kpagecount", p[5] == $5,
		      "pfn " $4 ": pagewatch mapcount=" p[5] ", kpagecount=" $5)
		check("thp_matches_kpageflags", (p[6] == "true") == (int(kf / 4194304) % 2),
		      "pfn " $4 ": pagewatch thp=" p[6] ", kpageflags " $6)
		check("order_matches_kpageflags_compound",
		      (p[7] + 0 > 0) == ((int(kf / 32768) % 2) || (int(kf / 65536) % 2)),
		      "pfn " $4 ": pagewatch order=" p[7] ", kpageflags " $6)
		check("zero_matches_kpageflags",
		      (("," p[17] ",") ~ /,zero,/) == (int(kf / 16777216) % 2),
		      "pfn " $4 ": pagewatch flags=" p[17] ", kpageflags " $6)
	}
	END {
		split("present_matches_pagemap pfn_matches_pagemap node_matches_sysfs_memory_block mapcount_matches_kpagecount thp_matches_kpageflags order_matches_kpageflags_compound zero_matches_kpageflags", c, " ")
		for (i = 1; i in c; i++)
			printf "check %s checked=%d bad=%d\n%s", c[i], n[c[i]], b[c[i]], d[c[i]]
	}' "$pages" /tmp/snap.truth
}

# tally PAGES-FILE WORKLOAD-OUTPUT REGION AWK-EXPR: "COUNT VALUE" per
# distinct value of AWK-EXPR over the region's pagewatch pages, sorted
tally() {
	pw_in_regions $2 $3 < $1 | awk "{ n[$4]++ } END { for (k in n) print n[k] \" \" k }" |
		sort | tr '\n' ';'
}

# --------------------------------------------- nodes: mbind and interleave
pages=64
pw-layout nodes $pages > /tmp/snap-nodes.out 2>&1 &
pid=$!
if ! pw_wait_line /tmp/snap-nodes.out '^ready'; then
	pw_fail layout_nodes_ready "pw-layout nodes did not get ready:" "$(cat /tmp/snap-nodes.out)"
	kill $pid
	exit 0
fi
snap /tmp/snap-nodes.json -p $pid --format json
pw_json_pages /tmp/snap-nodes.json > /tmp/snap-nodes.pages
out=$(agree $pid /tmp/snap-nodes.out /tmp/snap-nodes.pages node0 node1 interleave)
pw_verified nodes_json_present_matches_pagemap "$out" present_matches_pagemap $((3 * pages))
pw_verified nodes_json_pfn_matches_pagemap "$out" pfn_matches_pagemap $((3 * pages))
pw_verified nodes_json_node_matches_sysfs_memory_block "$out" node_matches_sysfs_memory_block $((3 * pages))
pw_verified nodes_json_mapcount_matches_kpagecount "$out" mapcount_matches_kpagecount $((3 * pages))
pw_eq json_node0_bound_pages_on_node_0 "$pages 0;" "$(tally /tmp/snap-nodes.pages /tmp/snap-nodes.out node0 '$4')" \
	"count per JSON node of the MPOL_BIND node 0 region"
pw_eq json_node1_bound_pages_on_node_1 "$pages 1;" "$(tally /tmp/snap-nodes.pages /tmp/snap-nodes.out node1 '$4')" \
	"count per JSON node of the MPOL_BIND node 1 region"
pw_eq json_interleaved_pages_half_on_each_node "$((pages / 2)) 0;$((pages / 2)) 1;" \
	"$(tally /tmp/snap-nodes.pages /tmp/snap-nodes.out interleave '$4')" \
	"count per JSON node of the MPOL_INTERLEAVE region"

# per VMA: the pages pagewatch puts on each node, against numa_maps
# (numa_maps counts only vm_normal_page()s that are not PG_reserved: no
# zero page, no [vvar]/[vdso]; the workload's regions have none of them)
numa_counts() {
	for r in node0 node1 interleave; do
		start=$(pw_region /tmp/snap-nodes.out $r | cut -d' ' -f1)
		echo "$r $(grep "^$start " /proc/$pid/numa_maps | tr ' ' '\n' | grep '^N[0-9]*=' | tr '\n' ' ')"
	done
}
json_counts() {
	for r in node0 node1 interleave; do
		echo "$r $(pw_in_regions /tmp/snap-nodes.out $r < /tmp/snap-nodes.pages |
			awk '$2 == "true" { n[$4]++ } END { for (k in n) print "N" k "=" n[k] }' | sort | tr '\n' ' ')"
	done
}
pw_eq json_per_vma_node_counts_match_numa_maps "$(numa_counts)" "$(json_counts)" \
	"N<node>= of /proc/$pid/numa_maps per region vs. present JSON pages per node"

snap /tmp/snap-nodes-sum.json -p $pid --format json --summary
# summary_nodes START: "N0=a N1=b " of the summary object of mapping START
summary_nodes() {
	jq -r --arg s "0x$1" 'select(.type == "mapping" and .start == $s) |
		.nodes // {} | to_entries | map("N" + .key + "=" + (.value | tostring) + " ") | join("")' \
		/tmp/snap-nodes-sum.json
}
numa_nodes() {
	grep "^$1 " /proc/$pid/numa_maps | tr ' ' '\n' | grep '^N[0-9]*=' | tr '\n' ' '
}
seen="" want=""
for r in node0 node1 interleave; do
	start=$(pw_region /tmp/snap-nodes.out $r | cut -d' ' -f1)
	want="$want$r: $(numa_nodes $start);"
	seen="$seen$r: $(summary_nodes $start);"
done
pw_eq json_summary_nodes_match_numa_maps "$want" "$seen" \
	"nodes of the --summary --format json mapping objects vs. N<node>= of numa_maps, per region"
# every VMA of the process: the summary's nodes against numa_maps
# but the [vdso] and [vvar] ones: numa_maps skips PG_reserved pages (the
# vdso's) and pfnmaps, which pagewatch counts as resident
jq -r 'select(.type == "mapping" and (.vma | test("^\\[(vdso|vvar)") | not)) |
	(.start | sub("^0x"; "")) + " " + .vma +
	(.nodes // {} | to_entries | map(" N" + .key + "=" + (.value | tostring)) | join(""))' \
	/tmp/snap-nodes-sum.json | awk 'NF > 2' | sort > /tmp/snap-sum.nodes
awk 'NR == FNR { start = $1; sub("-.*", "", start); path[start] = $6 == "" ? "[anon]" : $6; next }
	{ l = $1 " " path[$1]; for (i = 2; i <= NF; i++) if ($i ~ /^N[0-9]+=/) l = l " " $i
	  if (path[$1] !~ /^\[(vdso|vvar)/ && l ~ / N[0-9]+=/) print l }' \
	/proc/$pid/maps /proc/$pid/numa_maps | sort > /tmp/snap-numa.nodes
if diff /tmp/snap-numa.nodes /tmp/snap-sum.nodes > /tmp/snap-sum.diff; then
	pw_pass json_summary_nodes_match_numa_maps_for_every_vma
else
	pw_fail json_summary_nodes_match_numa_maps_for_every_vma \
		"numa_maps (<) vs. pagewatch --summary --format json (>), START N<node>=..., every VMA:" \
		"$(head -n 12 /tmp/snap-sum.diff)"
fi
pw_info "summary nodes of $(wc -l < /tmp/snap-sum.nodes) mappings with resident pages, numa_maps $(wc -l < /tmp/snap-numa.nodes)"

# CSV: node and PFN columns, found by the header row's names
snap /tmp/snap-nodes.csv -p $pid --format csv
awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
	{ print $col["addr"], $col["present"], $col["pfn"], $col["node"] }' /tmp/snap-nodes.csv |
	pw_in_regions /tmp/snap-nodes.out node0 node1 interleave > /tmp/snap-nodes.csvpages
seen=$(awk 'NR == FNR { t[$1] = $4 " " $7; next }
	{ n++; if (t[$1] == $3 " " $4 && $2 == 1) ok++ }
	END { print ok + 0 " of " n + 0 " rows agree" }' /tmp/snap.truth /tmp/snap-nodes.csvpages)
pw_eq csv_pfn_and_node_match_pagemap_and_memory_block "$((3 * pages)) of $((3 * pages)) rows agree" "$seen" \
	"CSV rows of the three regions whose present=1, pfn and node equal pagemap's PFN and its memory block's node"
pw_eq csv_node1_bound_pages_on_node_1 "$pages" \
	"$(pw_in_regions /tmp/snap-nodes.out node1 < /tmp/snap-nodes.csvpages | awk '$4 == 1 { n++ } END { print n + 0 }')" \
	"CSV rows of the node 1 region with node 1"

# text: the PFN column (hexadecimal) and NODE
snap /tmp/snap-nodes.txt -p $pid
awk '$1 ~ /^[0-9a-f]+$/ && NF >= 8 { print "0x" $1, $2, $3 }' /tmp/snap-nodes.txt |
	pw_in_regions /tmp/snap-nodes.out node0 node1 interleave > /tmp/snap-nodes.txtpages
seen=$(awk 'NR == FNR { t[$1] = sprintf("%x", $4) " " $7; next }
	{ n++; if (t[$1] == $2 " " $3) ok++ }
	END { print ok + 0 " of " n + 0 " lines agree" }' /tmp/snap.truth /tmp/snap-nodes.txtpages)
pw_eq text_pfn_and_node_match_pagemap_and_memory_block "$((3 * pages)) of $((3 * pages)) lines agree" "$seen" \
	"text page lines of the three regions whose PFN (hex) and NODE equal pagemap's and the memory block's"

# summaries in text and CSV: the NODES column of the interleaved region
snap /tmp/snap-nodes-sum.txt -p $pid --summary
set -- $(pw_region /tmp/snap-nodes.out interleave)
pw_eq text_summary_interleave_nodes "N0=$((pages / 2)),N1=$((pages / 2))" \
	"$(awk -v r="$1-$2" '$1 == r { print $(NF - 1) }' /tmp/snap-nodes-sum.txt)" \
	"NODES column of the $1-$2 line of pagewatch --summary"
snap /tmp/snap-nodes-sum.csv -p $pid --summary --format csv
pw_eq csv_summary_interleave_nodes "\"0=$((pages / 2)) 1=$((pages / 2))\" resident=$pages" \
	"$(awk -F, -v s="0x$1" 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
		$col["start"] == s { print $col["nodes"] " resident=" $col["resident"] }' /tmp/snap-nodes-sum.csv)" \
	"nodes and resident columns of the 0x$1 row of pagewatch --summary --format csv"
# reader and writer threads change nothing but the time: three of each,
# even for this small a target, give the pages and summary one gives
set -- $(pw_region /tmp/snap-nodes.out interleave)
for t in 1 3; do
	snap /tmp/snap-nodes-t$t.json -p $pid --format json --threads $t --range "$1-$2"
	jq -c 'select(.type == "page") | [.addr, .pfn, .node, .present, .thp, .mapcount]' \
		/tmp/snap-nodes-t$t.json > /tmp/snap-nodes-t$t.pages
	snap /tmp/snap-nodes-t$t.sum -p $pid --format json --summary --threads $t
	jq -c 'select(.type == "mapping") | [.start, .resident, .swapped, .nodes]' \
		/tmp/snap-nodes-t$t.sum > /tmp/snap-nodes-t$t.sums
done
pw_eq threads_3_pages_equal_threads_1 "$pages $(md5sum < /tmp/snap-nodes-t1.pages)" \
	"$(wc -l < /tmp/snap-nodes-t3.pages) $(md5sum < /tmp/snap-nodes-t3.pages)" \
	"lines and md5 of [addr, pfn, node, present, thp, mapcount] of the interleaved region's pages, --threads 3 against --threads 1"
pw_eq threads_3_summary_equals_threads_1 "$(md5sum < /tmp/snap-nodes-t1.sums)" \
	"$(md5sum < /tmp/snap-nodes-t3.sums)" \
	"md5 of [start, resident, swapped, nodes] of every mapping of --summary, --threads 3 against --threads 1"
kill $pid
wait $pid 2>/dev/null

# ----------------------------------- maps: mapcount, THP, zero page, shared
pages=16
pw-layout maps $pages > /tmp/snap-maps.out 2>&1 &
pid=$!
if ! pw_wait_line /tmp/snap-maps.out '^ready'; then
	pw_fail layout_maps_ready "pw-layout maps did not get ready:" "$(cat /tmp/snap-maps.out)"
	kill $pid
	exit 0
fi
snap /tmp/snap-maps.json -p $pid --format json
pw_json_pages /tmp/snap-maps.json > /tmp/snap-maps.pages
regions="private zero thp shared_both shared_parent"
n=$((4 * pages + 512))
out=$(agree $pid /tmp/snap-maps.out /tmp/snap-maps.pages $regions)
pw_verified maps_json_present_matches_pagemap "$out" present_matches_pagemap $n
pw_verified maps_json_pfn_matches_pagemap "$out" pfn_matches_pagemap $n
pw_verified maps_json_mapcount_matches_kpagecount "$out" mapcount_matches_kpagecount $n
pw_verified maps_json_thp_matches_kpageflags "$out" thp_matches_kpageflags $n
pw_verified maps_json_order_matches_kpageflags_compound "$out" order_matches_kpageflags_compound $n
pw_verified maps_json_zero_matches_kpageflags "$out" zero_matches_kpageflags $n
pw_verified maps_json_node_matches_sysfs_memory_block "$out" node_matches_sysfs_memory_block $n
pw_eq json_private_pages_mapcount_1 "$pages mapcount=1;" \
	"$(tally /tmp/snap-maps.pages /tmp/snap-maps.out private '"mapcount=" $5')" "JSON mapcount of the private region"
pw_eq json_shared_pages_written_by_both_mapcount_2 "$pages mapcount=2;" \
	"$(tally /tmp/snap-maps.pages /tmp/snap-maps.out shared_both '"mapcount=" $5')" "JSON mapcount of shared_both"
# Debian's PREEMPT_RT build has no THP: its "thp" region is 512 small pages
if pw_have_thp; then
	thp_folio="512 thp=true order=9;" thp_sum="resident=512 thp=512" nothp=""
else
	thp_folio="512 thp=false order=0;" thp_sum="resident=512 thp=0"
	nothp=" (kernel without THP: small pages)"
fi
pw_eq json_thp_region_one_order_9_folio "$thp_folio" \
	"$(tally /tmp/snap-maps.pages /tmp/snap-maps.out thp '"thp=" $6 " order=" $7')" "JSON thp and order of the THP region$nothp"
pw_eq json_read_only_touched_pages_are_zero_page "$pages zero;" \
	"$(tally /tmp/snap-maps.pages /tmp/snap-maps.out zero '(("," $17 ",") ~ /,zero,/ ? "zero" : $17)')" \
	"JSON flags of the read-only touched region"
snap /tmp/snap-maps-sum.json -p $pid --format json --summary
start=$(pw_region /tmp/snap-maps.out thp | cut -d' ' -f1)
pw_eq json_summary_counts_thp_region "$thp_sum" \
	"$(jq -r --arg s "0x$start" 'select(.type == "mapping" and .start <= $s and .end > $s) |
		"resident=\(.resident) thp=\(.thp)"' /tmp/snap-maps-sum.json)" \
	"resident and thp of the --summary object of the mapping holding 0x$start$nothp"
kill $pid
wait $pid 2>/dev/null

# ------------------------------------------------ pins: io_uring buffers
pages=16
pw-pin $pages reg-small reg-thp > /tmp/snap-pin.out 2>&1 &
pid=$!
if ! pw_wait_line /tmp/snap-pin.out '^ready'; then
	pw_fail pin_workload_ready "pw-pin did not get ready:" "$(cat /tmp/snap-pin.out)"
	kill $pid
	exit 0
fi
step() {
	kill -USR1 $pid
	if ! pw_wait_line /tmp/snap-pin.out "^done $1\$"; then
		pw_fail step_$1 "pw-pin step $1 did not complete:" "$(cat /tmp/snap-pin.out)"
		kill $pid
		exit 0
	fi
}
pins_outstanding() {
	echo 1 > /proc/sys/vm/stat_refresh 2>/dev/null
	awk '$1 == "nr_foll_pin_acquired" { a = $2 } $1 == "nr_foll_pin_released" { r = $2 }
	     END { print a - r }' /proc/vmstat
}
base=$(pins_outstanding)
snap /tmp/snap-pin0.json -p $pid --format json
pw_json_pages /tmp/snap-pin0.json > /tmp/snap-pin0.pages
# pins PAGES-FILE REGION: "COUNT pinned=P pincount=C refcount=R" per
# distinct triple; a small page's refcount as a range: below the bias
# (unpinned; an LRU batch may hold one more reference) or one pin on top
pins() {
	tally $1 /tmp/snap-pin.out $2 '"pinned=" $8 " pincount=" $9 " refcount=" ($7 > 0 ? $10 : $10 < 1024 ? "<1024" : ($10 >= 1025 && $10 < 2048) ? "1025..2047" : $10)'
}
r0=$(pw_in_regions /tmp/snap-pin.out thp < /tmp/snap-pin0.pages | awk 'NR == 1 { print $10 }')
pw_have_thp && thp_r0=$r0 || thp_r0="<1024"
pw_eq json_thp_unpinned_before_registering "512 pinned=false pincount=0 refcount=$thp_r0;" "$(pins /tmp/snap-pin0.pages thp)" \
	"JSON pinned, pincount, refcount of the THP region before registering$nothp"
pw_eq json_small_unpinned_before_registering "$pages pinned=false pincount=0 refcount=<1024;" \
	"$(pins /tmp/snap-pin0.pages small)" "JSON pinned, pincount, refcount of the small region before registering"
step reg-small
step reg-thp
kernel_pins=$(( $(pins_outstanding) - base ))
thp_pins=$((kernel_pins - pages))
snap /tmp/snap-pin.json -p $pid --format json
pw_json_pages /tmp/snap-pin.json > /tmp/snap-pin.pages
pw_eq json_registered_small_pages_pinned_once "$pages pinned=true pincount=1 refcount=1025..2047;" \
	"$(pins /tmp/snap-pin.pages small)" \
	"JSON pinned, pincount, refcount of the registered small region (the kernel holds $kernel_pins pins in all)"
pw_have_thp && thp_after="512 pinned=true pincount=$thp_pins refcount=$((r0 + thp_pins));" ||
	thp_after="512 pinned=true pincount=1 refcount=1025..2047;"
pw_eq json_registered_thp_pincount_is_kernels_count "$thp_after" \
	"$(pins /tmp/snap-pin.pages thp)" \
	"JSON pinned, pincount, refcount of the registered THP region; kernel: $kernel_pins pins (vmstat) - $pages small, refcount before $r0"
pw_eq json_unregistered_spare_pages_not_pinned "$pages pinned=false pincount=0 refcount=<1024;" \
	"$(pins /tmp/snap-pin.pages spare)" "JSON pinned, pincount, refcount of the never registered spare region"
pw_eq json_small_pincounts_add_up_to_kernels_small_pins "$pages" \
	"$(pw_in_regions /tmp/snap-pin.out small < /tmp/snap-pin.pages | awk '{ s += $9 } END { print s + 0 }')" \
	"sum of the JSON pincounts of the small region (vmstat: $kernel_pins pins, of them the THP's $thp_pins)"
pw_eq json_pinned_pages_carry_maybe_pinned_flag "$((pages + 512))" \
	"$(pw_in_regions /tmp/snap-pin.out small thp < /tmp/snap-pin.pages | awk '("," $17 ",") ~ /,maybe_pinned,/ { n++ } END { print n + 0 }')" \
	"JSON pages of small and thp whose flags list maybe_pinned"
out=$(agree $pid /tmp/snap-pin.out /tmp/snap-pin.pages small thp spare)
pw_verified pins_json_pfn_matches_pagemap "$out" pfn_matches_pagemap $((2 * pages + 512))
pw_verified pins_json_mapcount_matches_kpagecount "$out" mapcount_matches_kpagecount $((2 * pages + 512))
snap /tmp/snap-pin-sum.json -p $pid --format json --summary
seen=""
for r in small thp; do
	start=$(pw_region /tmp/snap-pin.out $r | cut -d' ' -f1)
	seen="$seen$r: $(jq -r --arg s "0x$start" 'select(.type == "mapping" and .start <= $s and .end > $s) | .pinned' /tmp/snap-pin-sum.json);"
done
# expected: the pinned pages of the regions sharing the VMA of each (on a
# kernel without THP, 6.12-rt, madvise sets no VMA flag and the small and
# thp regions may merge into one VMA)
want=""
for r in small thp; do
	a=$(pw_region /tmp/snap-pin.out $r | cut -d' ' -f1)
	n=0
	for q in small thp; do
		b=$(pw_region /tmp/snap-pin.out $q | cut -d' ' -f1)
		if awk -v a=$a -v b=$b 'BEGIN { a = ("0x" a) + 0; b = ("0x" b) + 0 }
			{ split($1, v, "-"); lo = ("0x" v[1]) + 0; hi = ("0x" v[2]) + 0
			  if (lo <= a && a < hi && lo <= b && b < hi) found = 1 }
			END { exit !found }' /proc/$pid/maps; then
			[ $q = small ] && n=$((n + pages)) || n=$((n + 512))
		fi
	done
	want="$want$r: $n;"
done
pw_eq json_summary_counts_pinned_pages "$want" "$seen" \
	"pinned of the --summary objects of the mappings holding each region"
snap /tmp/snap-pin.csv -p $pid --format csv --filter pinned
pw_eq csv_filter_pinned_lists_exactly_the_pinned_pages "$((pages + 512)) rows, all pinned=1" \
	"$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
		{ n++; if ($col["pinned"] == 1) p++ } END { print n + 0 " rows, " (p == n ? "all" : p + 0) " pinned=1" }' /tmp/snap-pin.csv)" \
	"rows of pagewatch --format csv --filter pinned, and those with pinned=1"
snap /tmp/snap-pin.txt -p $pid --filter pinned
pw_eq text_pin_column_of_small_pages "$pages x PIN 1, FLAGS P" \
	"$(awk '$1 ~ /^[0-9a-f]+$/ && NF >= 8 { print $1, $7, $8 }' /tmp/snap-pin.txt |
		pw_in_regions /tmp/snap-pin.out small |
		awk '{ k = "PIN " $2 ", FLAGS " (substr($3, 10, 1) == "P" ? "P" : substr($3, 10, 1)); n[k]++ }
		     END { for (k in n) print n[k] " x " k }')" \
	"PIN column and the maybe_pinned position of FLAGS in the text lines of the small region"
kill $pid
wait $pid 2>/dev/null

# ------------------------------- protnone: NUMA balancing's hinting PTEs
pages=64
pw_numa_balancing_fast
pw-numa $pages pin > /tmp/snap-numa.out 2>&1 &
pid=$!
if ! pw_wait_line /tmp/snap-numa.out '^ready'; then
	pw_fail numa_workload_ready "pw-numa did not get ready:" "$(cat /tmp/snap-numa.out)"
	kill $pid
	pw_numa_balancing_restore
	exit 0
fi
count() {
	pw-verify dump $pid $(pw_region /tmp/snap-numa.out $1) |
		awk '$8 ~ /(^|,)protnone(,|$)/ { n++ } END { print n + 0 }'
}
# Debian's PREEMPT_RT build has no NUMA balancing: no page becomes
# protnone there, and that is checked instead
if pw_have_numa_balancing; then
	cold_want="$pages protnone=true savedwrite=true;" ro_want="$pages protnone=true savedwrite=false;"
	csv_want=$pages text_want="$pages x NW" nb=""
else
	cold_want="$pages protnone=false savedwrite=false;" ro_want=$cold_want
	csv_want=0 text_want="" nb=" (kernel without NUMA balancing: none)"
fi
# 30 s at most under software emulation (see 60-protnone.sh)
i=0
while [ $i -lt 60 ] && pw_have_numa_balancing; do
	[ "$(count cold) $(count readonly)" = "$pages $pages" ] && break
	sleep 0.5
	i=$((i + 1))
done
pw_stop $pid || pw_fail target_stops "pw-numa $pid did not stop"
snap /tmp/snap-numa.json -p $pid --format json
pw_json_pages /tmp/snap-numa.json > /tmp/snap-numa.pages
pn() {
	tally /tmp/snap-numa.pages /tmp/snap-numa.out $1 '"protnone=" $11 " savedwrite=" $12'
}
pw_eq json_untouched_private_pages_protnone_with_savedwrite "$cold_want" "$(pn cold)" \
	"JSON protnone, savedwrite of the untouched half of the private read-write VMA (polls: $i)$nb"
pw_eq json_readonly_vma_pages_protnone_without_savedwrite "$ro_want" "$(pn readonly)" \
	"JSON protnone, savedwrite of the mprotect(PROT_READ) region$nb"
pw_eq json_prot_none_vma_pages_never_protnone "$pages protnone=false savedwrite=false;" "$(pn none)" \
	"JSON protnone, savedwrite of the mprotect(PROT_NONE) region"
pw_eq json_prot_none_vma_pages_flagged_vma_protnone "$pages" \
	"$(pw_in_regions /tmp/snap-numa.out none < /tmp/snap-numa.pages | awk '("," $17 ",") ~ /,vma_protnone,/ { n++ } END { print n + 0 }')" \
	"JSON pages of the PROT_NONE region whose flags list vma_protnone"
pw_eq json_pinned_pages_not_made_protnone "$pages pinned=true protnone=false;" \
	"$(tally /tmp/snap-numa.pages /tmp/snap-numa.out pinned '"pinned=" $8 " protnone=" $11')" \
	"JSON pinned, protnone of the io_uring-registered region (the scanner skips maybe-pinned pages)"
out=$(agree $pid /tmp/snap-numa.out /tmp/snap-numa.pages hot cold readonly shared none pinned)
pw_verified protnone_json_pfn_matches_pagemap "$out" pfn_matches_pagemap $((6 * pages))
pw_verified protnone_json_mapcount_matches_kpagecount "$out" mapcount_matches_kpagecount $((6 * pages))
pw_verified protnone_json_node_matches_sysfs_memory_block "$out" node_matches_sysfs_memory_block $((6 * pages))
snap /tmp/snap-numa-sum.json -p $pid --format json --summary
start=$(pw_region /tmp/snap-numa.out cold | cut -d' ' -f1)
pw_eq json_summary_protnone_count_matches_pages \
	"protnone=$(pw_in_regions /tmp/snap-numa.out hot cold < /tmp/snap-numa.pages | awk '$11 == "true" { n++ } END { print n + 0 }')" \
	"$(jq -r --arg s "0x$start" 'select(.type == "mapping" and .start <= $s and .end > $s) | "protnone=\(.protnone)"' /tmp/snap-numa-sum.json)" \
	"protnone of the --summary object of the hot+cold VMA vs. its JSON pages with protnone true"
snap /tmp/snap-numa.csv -p $pid --format csv --filter protnone
pw_eq csv_filter_protnone_lists_cold_pages "$csv_want" \
	"$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
		$col["protnone"] == 1 && $col["savedwrite"] == 1 { print $col["addr"] }' /tmp/snap-numa.csv |
		pw_in_regions /tmp/snap-numa.out cold | wc -l)" \
	"CSV rows of the cold region with protnone=1 and savedwrite=1 (--filter protnone)$nb"
snap /tmp/snap-numa.txt -p $pid --filter protnone
pw_eq text_flags_show_protnone_and_savedwrite "$text_want" \
	"$(awk '$1 ~ /^[0-9a-f]+$/ && NF >= 8 { print $1, $8 }' /tmp/snap-numa.txt |
		pw_in_regions /tmp/snap-numa.out cold | awk '{ n[substr($2, 11, 2)]++ } END { for (k in n) print n[k] " x " k }')" \
	"protnone and savedwrite positions (N, W) of FLAGS in the text lines of the cold region$nb"
# the kernel's word: with scanning off, reading each page once faults
# exactly on the protnone ones (see 60-protnone.sh)
want_cold=$(pw_in_regions /tmp/snap-numa.out cold < /tmp/snap-numa.pages | awk '$11 == "true" { n++ } END { print n + 0 }')
pw_numa_scan_pause
kill -CONT $pid
kill -USR1 $pid
if pw_wait_line /tmp/snap-numa.out '^faults shared'; then
	pw_eq json_protnone_pages_each_take_a_hint_fault "$want_cold" \
		"$(sed -n 's/^faults cold //p' /tmp/snap-numa.out)" \
		"minor faults of pw-numa reading each cold page once (pagewatch: $want_cold protnone)"
else
	pw_fail json_protnone_pages_each_take_a_hint_fault "pw-numa did not report its faults:" "$(cat /tmp/snap-numa.out)"
fi
kill $pid
wait $pid 2>/dev/null
pw_numa_balancing_restore
true
