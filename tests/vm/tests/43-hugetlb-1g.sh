# A 1 GiB hugetlb page, mapped by a PUD leaf: reported (never skipped) per
# 4 KiB page with pud and hugetlb, order 18, its node, mapcount and PFNs as
# numa_maps (kernelpagesize_kB=1048576, N<node>=1), pagemap, kpagecount and
# kpageflags say. The rig boots every guest with hugepagesz=1G hugepages=1
# and node 1 large enough for it (tests/vm/run).

pw_require_module
giga=/sys/kernel/mm/hugepages/hugepages-1048576kB
pw_eq one_gib_page_reserved_at_boot 1 "$(cat $giga/nr_hugepages 2>/dev/null || echo none)" \
	"$giga/nr_hugepages (kernel command line hugepagesz=1G hugepages=1)"
pw-huge giga > /tmp/giga.out 2>&1 &
pid=$!
if ! pw_wait_line /tmp/giga.out '^ready' 600; then
	pw_fail giga_workload_ready "pw-huge giga did not get ready:" "$(cat /tmp/giga.out)"
	kill $pid
	exit 0
fi
set -- $(pw_region /tmp/giga.out giga)
start=$1 end=$2
node=$(awk -v s="$start" '$1 == s { for (i = 2; i <= NF; i++) if ($i ~ /^N[0-9]+=1$/) { sub("N", "", $i); sub("=1", "", $i); print $i } }' /proc/$pid/numa_maps)
pw_eq numa_maps_says_one_gib_huge_page "huge N$node=1 kernelpagesize_kB=1048576" \
	"$(awk -v s="$start" '$1 == s { out = ""; for (i = 2; i <= NF; i++) if ($i == "huge" || $i ~ /^kernelpagesize_kB=/ || $i ~ /^N[0-9]+=/) out = out (out == "" ? "" : " ") $i; print out }' /proc/$pid/numa_maps)" \
	"numa_maps of the 1 GiB region"

# the first, a middle and the last 2 MiB of the page
hex() { printf '%x' "$1"; }
slices="$start $(hex $((0x$start + 2097152))) $(hex $((0x$start + 512 * 1048576))) $(hex $((0x$start + 514 * 1048576))) $(hex $((0x$end - 2097152))) $end"
seen=$(set -- $slices; while [ $# -gt 0 ]; do pw-verify dump $pid $1 $2; shift 2; done |
	awk '{ f = ""; n = split($8, a, ",")
	       for (i = 1; i <= n; i++) if (a[i] ~ /^(present|pmd|pud|thp|hugetlb|anon|write|pin_exact|special|skipped)$/) f = f (f == "" ? "" : ",") a[i]
	       k["node=" $3 " order=" $4 " mapcount=" $6 " " f]++ }
	     END { for (x in k) print k[x] " " x }')
pw_eq one_gib_page_reported_per_4k_with_pud_and_order_18 \
	"1536 node=$node order=18 mapcount=1 present,anon,write,pin_exact,hugetlb,pud" "$seen" \
	"records of 3 slices of 2 MiB: (node, order, mapcount, flags) per distinct tuple"
first=$(pw-verify dump $pid $start $(hex $((0x$start + 4096))) | awk '{ print $2 }')
last=$(pw-verify dump $pid $(hex $((0x$end - 4096))) $end | awk '{ print $2 }')
pw_eq pfns_span_one_aligned_gib "0 262143" "$(( 0x$first % 262144 )) $(( 0x$last - 0x$first ))" \
	"first PFN modulo 262144, last PFN - first PFN"
out=$(set -- $slices; while [ $# -gt 0 ]; do pw-verify agree $pid $1 $2; shift 2; done 2>&1)
for c in pfn_matches_pagemap mapcount_matches_kpagecount hugetlb_matches_kpageflags_huge \
	 order_matches_kpageflags_compound node_matches_sysfs_memory_block anon_matches_kpageflags; do
	n=$(printf '%s\n' "$out" | awk -v c="$c" '$1 == "check" && $2 == c { split($3, a, "="); split($4, b, "="); n += a[2]; bad += b[2] } END { print n + 0 " bad=" bad + 0 }')
	pw_eq giga_$c "1536 bad=0" "$n" "pw-verify agree $c over the 3 slices: pages checked, disagreeing"
done
kp=$(pw-verify kpage $(hex $((0x$first + 131072))) 4 | awk '{ print $4 " " ($8 ~ /(^|,)hugetlb(,|$)/ ? "hugetlb" : "-") }' | sort -u)
pw_eq kpage_knows_the_1g_folio "18 hugetlb" "$kp" "order and hugetlb of kpage records in the middle of the folio"
pagewatch -p $pid --snapshot --format json --summary > /tmp/giga-sum.json 2>/tmp/giga.err
pw_eq tool_summary_counts_262144_hugetlb_pages "262144 {\"$node\":262144}" \
	"$(jq -r --arg s "0x$start" 'select(.type == "mapping" and .start == $s) | "\(.hugetlb) \(.hugetlb_nodes | tojson)"' /tmp/giga-sum.json)" \
	"--summary JSON of the 1 GiB region: hugetlb, hugetlb_nodes"
kill $pid
wait $pid 2>/dev/null
