# hugetlb: 2 MiB pages reserved at run time on both nodes are reported per
# 4 KiB page like a THP, flag hugetlb (never thp), order 9, with the node,
# mapcount, pins and PFNs the kernel holds. Ground truth: numa_maps ("huge",
# N<node>= counted per huge page), /proc/kpageflags (KPF_HUGE on every page
# of the folio), /proc/kpagecount, pagemap, the node sysfs gives each
# memory block, vmstat's pin counters and the pins and migration this test
# makes itself (pw-huge). Then PMD-table sharing: two processes map the
# same 1 GiB-aligned hugetlb file, one maps and unmaps it in a loop while
# the other is read over and over.

pw_require_module
warnings_before=$(dmesg | grep -cE 'WARNING:|BUG:|Oops|bad pmd|bad pud|Bad page')
hp=hugepages/hugepages-2048kB/nr_hugepages
for n in 0 1; do
	echo 10 > /sys/devices/system/node/node$n/$hp
done
pw_eq two_mib_pages_reserved_on_both_nodes "10 10" \
	"$(cat /sys/devices/system/node/node0/$hp) $(cat /sys/devices/system/node/node1/$hp)" \
	"nr_hugepages of node0 and node1 after writing 10 to each"

pw-huge reg unreg move > /tmp/huge.out 2>&1 &
pid=$!
if ! pw_wait_line /tmp/huge.out '^ready' || ! pw_wait_line /tmp/huge.out '^child .* mapped'; then
	pw_fail huge_workload_ready "pw-huge did not get ready:" "$(cat /tmp/huge.out)"
	kill $pid
	exit 0
fi
cpid=$(sed -n 's/^child \([0-9]*\) .*/\1/p' /tmp/huge.out)

step() {
	kill -USR1 $pid
	if ! pw_wait_line /tmp/huge.out "^done $1\$" 300; then
		pw_fail step_$1 "pw-huge step $1 did not complete:" "$(cat /tmp/huge.out)"
		kill $pid
		exit 0
	fi
}

# facts PID REGION: "COUNT node=N order=O mapcount=M FLAGS" per distinct
# tuple, FLAGS reduced to those that describe the folio and its mapping
facts() {
	pw-verify dump $1 $(pw_region /tmp/huge.out $2) |
		awk '{ f = ""; n = split($8, a, ",")
		       for (i = 1; i <= n; i++)
			       if (a[i] ~ /^(present|pmd|pud|thp|hugetlb|anon|file|write|pin_exact|maybe_pinned|special|skipped)$/)
				       f = f (f == "" ? "" : ",") a[i]
		       k["node=" $3 " order=" $4 " mapcount=" $6 " " f]++ }
		     END { for (x in k) print k[x] " " x }' | sort
}

# numa_maps PID REGION: "huge N0=a N1=b" of the region's VMA (huge pages)
numa_maps() {
	local start=$(pw_region /tmp/huge.out $2 | cut -d' ' -f1)
	awk -v s="$start" '$1 == s { out = ""
		for (i = 2; i <= NF; i++) if ($i == "huge" || $i ~ /^N[0-9]+=/) out = out (out == "" ? "" : " ") $i
		print out }' /proc/$1/numa_maps
}

# -- anon: MAP_HUGETLB bound to node 1
pw_eq anon_numa_maps_says_four_huge_pages_on_node1 "huge N1=4" "$(numa_maps $pid anon)" \
	"numa_maps of the MAP_HUGETLB region (the kernel's count, per huge page)"
pw_eq anon_hugetlb_pages_reported_per_4k_on_node1 \
	"2048 node=1 order=9 mapcount=1 present,pmd,anon,write,pin_exact,hugetlb" "$(facts $pid anon)" \
	"records of the 4 huge pages: (node, order, mapcount, flags) per distinct tuple"
out=$(pw-verify agree $pid $(pw_region /tmp/huge.out anon) 2>&1)
for c in pfn_matches_pagemap mapcount_matches_kpagecount hugetlb_matches_kpageflags_huge \
	 thp_matches_kpageflags order_matches_kpageflags_compound node_matches_sysfs_memory_block \
	 anon_matches_kpageflags; do
	pw_verified anon_$c "$out" $c 2048
done
out=$(pw-verify seek-agree $pid $(pw_region /tmp/huge.out anon) 2>&1)
pw_verified anon_seek_data_agrees_with_records "$out" seek_data +
pw_verified anon_seek_hole_agrees_with_records "$out" seek_hole +

# consecutive PFNs from a 512-aligned head, and kpage says the same
first=$(pw-verify dump $pid $(pw_region /tmp/huge.out anon) | head -n 1 | awk '{ print $2 }')
kp=$(pw-verify kpage $first 512 | awk '{ k[$4 " " ($8 ~ /(^|,)hugetlb(,|$)/ ? "hugetlb" : "-") " node=" $3]++ }
	END { for (x in k) print k[x] " order=" x }')
pw_eq kpage_knows_the_hugetlb_folio "512 order=9 hugetlb node=1" "$kp" \
	"kpage records of the 512 PFNs from $first: count, order, hugetlb, node"
pw_eq anon_head_pfn_is_512_aligned 0 "$(( 0x$first % 512 ))" "first PFN 0x$first modulo 512"

# -- shared: memfd MFD_HUGETLB mapped by the parent and a forked child
pw_eq shared_pages_mapped_by_two_processes \
	"$(numa_maps $pid shared | sed 's/^huge //; s/N\([0-9]\)=\([0-9]*\)/\2 on node \1/g')" \
	"$(pw-verify dump $pid $(pw_region /tmp/huge.out shared) | awk '$6 == 2 && $8 ~ /(^|,)file(,|$)/ && $8 ~ /(^|,)hugetlb(,|$)/ && $4 == 9 { n[$3]++ } END { for (x in n) printf "%s%d on node %s", (c++ ? " " : ""), n[x] / 512, x }')" \
	"huge pages per node with mapcount 2, file, hugetlb, order 9: numa_maps (expected), module (seen)"
out=$(pw-verify agree $pid $(pw_region /tmp/huge.out shared) 2>&1)
pw_verified shared_mapcount_matches_kpagecount "$out" mapcount_matches_kpagecount 1024
pw_verified shared_hugetlb_matches_kpageflags_huge "$out" hugetlb_matches_kpageflags_huge 1024
# the child maps it read-only: the same folios, no write
cstart=$(awk '/pw-huge/ && $2 ~ /^r--s/ { split($1, a, "-"); print a[1]; exit }' /proc/$cpid/maps)
pw_eq child_sees_same_folios_read_only "1024 mapcount=2 present,pmd,file,pin_exact,hugetlb" \
	"$(pw-verify dump $cpid $cstart $(printf '%x' $(( 0x$cstart + 4194304 ))) |
	   awk '{ f = ""; n = split($8, a, ","); for (i = 1; i <= n; i++) if (a[i] ~ /^(present|pmd|file|write|pin_exact|hugetlb)$/) f = f (f == "" ? "" : ",") a[i]
		  k["mapcount=" $6 " " f]++ } END { for (x in k) print k[x] " " x }')" \
	"the child's records of its read-only mapping at $cstart"

# -- pinned: io_uring fixed buffer on a hugetlb page
pins_outstanding() {
	echo 1 > /proc/sys/vm/stat_refresh 2>/dev/null
	awk '$1 == "nr_foll_pin_acquired" { a = $2 } $1 == "nr_foll_pin_released" { r = $2 }
	     END { print a - r }' /proc/vmstat
}
pins() {
	pw-verify dump $pid $(pw_region /tmp/huge.out pinned) |
		awk '{ f = ($8 ~ /maybe_pinned/) ? "maybe_pinned" : "-"
		       k["refcount=" $5 " pincount=" $7 " " f]++ } END { for (x in k) print k[x] " " x }'
}
before=$(pins)
r0=$(echo "$before" | awk '{ sub("refcount=", "", $2); print $2 }')
pw_eq pinned_page_unpinned_before "512 refcount=$r0 pincount=0 -" "$before" \
	"records of the hugetlb page before IORING_REGISTER_BUFFERS"
base=$(pins_outstanding)
step reg
kpins=$(( $(pins_outstanding) - base ))
pw_info "io_uring holds $kpins pins on the 2 MiB hugetlb folio (vmstat)"
pw_eq registered_hugetlb_pincount_is_the_kernels \
	"512 refcount=$((r0 + kpins)) pincount=$kpins maybe_pinned" "$(pins)" \
	"records after registering; the kernel holds $kpins pins (nr_foll_pin_acquired - released)"
[ "$kpins" -ge 1 ] && pw_pass kernel_pinned_the_hugetlb_buffer ||
	pw_fail kernel_pinned_the_hugetlb_buffer "vmstat shows $kpins new pins after IORING_REGISTER_BUFFERS"
step unreg
pw_eq unregistered_hugetlb_page_unpinned "512 refcount=$r0 pincount=0 -" "$(pins)" \
	"records after IORING_UNREGISTER_BUFFERS"

# -- moved: move_pages from node 0 to node 1
pw_eq moved_region_starts_on_node0 "huge N0=2" "$(numa_maps $pid moved)" "numa_maps before move_pages"
pfns_before=$(pw-verify dump $pid $(pw_region /tmp/huge.out moved) | awk '{ print $2 }' | sort | tr '\n' ' ')
step move
pw_eq moved_numa_maps_says_node1 "huge N1=2" "$(numa_maps $pid moved)" "numa_maps after move_pages to node 1"
pw_eq moved_pages_reported_on_node1 "1024 node=1 order=9 mapcount=1 present,pmd,anon,write,pin_exact,hugetlb" \
	"$(facts $pid moved)" "records after move_pages"
pfns_after=$(pw-verify dump $pid $(pw_region /tmp/huge.out moved) | awk '{ print $2 }' | sort | tr '\n' ' ')
[ "$pfns_before" != "$pfns_after" ] && pw_pass moved_pages_have_new_pfns ||
	pw_fail moved_pages_have_new_pfns "PFNs unchanged by move_pages: $pfns_before"
out=$(pw-verify numa-maps $pid 2>&1)
pw_verified every_vma_matches_numa_maps "$out" per_vma_node_counts_match_numa_maps +

# -- the tool: JSON key, --filter hugetlb, --summary, and the /proc path
pagewatch -p $pid --snapshot --format json --filter hugetlb > /tmp/huge.json 2>/tmp/huge.err
seen=$(jq -r 'select(.type == "page") | "\(.hugetlb) \(.thp) \(.order)"' /tmp/huge.json | sort | uniq -c | awk '{ print $1, $2, $3, $4 }')
pw_eq tool_filter_hugetlb_gives_every_hugetlb_page "4608 true false 9" "$seen" \
	"pagewatch --filter hugetlb --format json: count, hugetlb, thp, order (4+2+1+2 huge pages)"
pagewatch -p $pid --snapshot --format json --summary > /tmp/huge-sum.json 2>>/tmp/huge.err
astart=0x$(pw_region /tmp/huge.out anon | cut -d' ' -f1)
pw_eq tool_summary_counts_hugetlb_per_node '2048 {"1":2048}' \
	"$(jq -r --arg s "$astart" 'select(.type == "mapping" and .start == $s) | "\(.hugetlb) \(.hugetlb_nodes | tojson)"' /tmp/huge-sum.json)" \
	"--summary JSON of the anon region: hugetlb, hugetlb_nodes"
pagewatch -p $pid --snapshot --no-kmod --format json --filter hugetlb > /tmp/huge-proc.json 2>>/tmp/huge.err
pw_eq proc_path_knows_hugetlb_from_kpageflags 4608 \
	"$(jq -r 'select(.type == "page" and .hugetlb == true) | .addr' /tmp/huge-proc.json | wc -l)" \
	"pages with hugetlb true, --no-kmod (pagemap + kpageflags KPF_HUGE)"
kill $pid
wait $pid 2>/dev/null

# -- PMD sharing: read one process while another maps and unmaps the
# same 1 GiB-aligned hugetlb file (huge_pmd_share / huge_pmd_unshare)
pw-huge share > /tmp/share.out 2>&1 &
pid=$!
if ! pw_wait_line /tmp/share.out '^ready' || ! pw_wait_line /tmp/share.out '^loops' 600; then
	pw_fail share_workload_ready "pw-huge share did not start looping:" "$(cat /tmp/share.out)"
	kill $pid
	exit 0
fi
set -- $(pw_region /tmp/share.out share)
start=$1
touched_end=$(printf '%x' $(( 0x$start + 4 * 2097152 )))
reads=0 bad=""
end_at=$(( $(date +%s) + ${PW_HUGE_SHARE_SECONDS:-12} ))
while [ "$(date +%s)" -lt "$end_at" ]; do
	seen=$(pw-verify dump $pid $start $touched_end |
		awk '$8 ~ /(^|,)present(,|$)/ && $8 ~ /(^|,)hugetlb(,|$)/ && $4 == 9 && ($6 == 1 || $6 == 2) { n++ } END { print n + 0 }')
	[ "$seen" = 2048 ] || bad="$bad read $reads: $seen of 2048 records present hugetlb order 9 mapcount 1..2;"
	# the rest of the 1 GiB is not faulted: holes, found with SEEK_DATA
	reads=$((reads + 1))
done
loops=$(grep -c '^loops' /tmp/share.out)
pw_info "$reads reads of the shared range while the other process mapped and unmapped it $((loops * 100)) times"
[ -z "$bad" ] && [ "$reads" -gt 0 ] && pw_pass shared_pmd_range_reads_true_while_unshared_in_a_loop ||
	pw_fail shared_pmd_range_reads_true_while_unshared_in_a_loop "$reads reads;$bad"
out=$(pw-verify seek-agree $pid $start $(printf '%x' $(( 0x$start + 64 * 2097152 ))) 2>&1)
pw_verified shared_seek_data_agrees "$out" seek_data +
kill $pid
wait $pid 2>/dev/null
w=$(dmesg | grep -cE 'WARNING:|BUG:|Oops|bad pmd|bad pud|Bad page')
pw_eq no_kernel_warning_during_hugetlb_reads 0 "$((w - warnings_before))" \
	"new WARNING/BUG/Oops/bad pmd lines in dmesg during this test"
for n in 0 1; do
	echo 0 > /sys/devices/system/node/node$n/$hp
done
