# NUMA nodes: pages bound to node 0 and to node 1 report those nodes, every
# page's node is the node sysfs gives its PFN's memory block, and per VMA the
# pages on each node add up to /proc/PID/numa_maps' N<node>= counts.

pw_require_module
pages=64

pw-layout nodes $pages > /tmp/nodes.out 2>&1 &
pid=$!
if ! pw_wait_line /tmp/nodes.out '^ready'; then
	pw_fail layout_ready "pw-layout nodes did not get ready:" "$(cat /tmp/nodes.out)"
	kill $pid
	exit 0
fi

# dump_nodes NAME: the NODE column of every present page of region NAME
dump_nodes() {
	pw-verify dump $pid $(pw_region /tmp/nodes.out $1) | awk '/present/ { print $3 }'
}

seen=$(dump_nodes node0 | sort | uniq -c | awk '{ print $1 " on node " $2 }')
pw_eq node0_bound_pages_report_node_0 "$pages on node 0" "$seen" \
	"NODE column of the present pages of the MPOL_BIND node 0 region (count on node)"
seen=$(dump_nodes node1 | sort | uniq -c | awk '{ print $1 " on node " $2 }')
pw_eq node1_bound_pages_report_node_1 "$pages on node 1" "$seen" \
	"NODE column of the present pages of the MPOL_BIND node 1 region (count on node)"

# MPOL_INTERLEAVE places a page by its offset in the mapping: node =
# (vm_pgoff + index) % 2, and an anonymous VMA's vm_pgoff is its address
# >> 12, so the page at ADDR is on node (ADDR / 4096) % 2 (both kernels)
seen=$(pw-verify dump $pid $(pw_region /tmp/nodes.out interleave) |
	awk '{ n++; if ($8 ~ /(^|,)present(,|$)/ && $3 == int(("0x" $1) / 4096) % 2) ok++ }
	     END { print ok + 0 " of " n + 0 " pages on node (address / 4096) % 2" }')
pw_eq interleaved_pages_alternate_nodes "$pages of $pages pages on node (address / 4096) % 2" "$seen" \
	"NODE column of the interleave region's present pages against their address"

start=$(pw_region /tmp/nodes.out interleave | cut -d' ' -f1)
line=$(grep "^$start " /proc/$pid/numa_maps)
seen=$(echo "$line" | tr ' ' '\n' | grep '^N[0-9]*=' | tr '\n' ' ')
pw_eq numa_maps_counts_interleaved_pages_on_both_nodes "N0=$((pages / 2)) N1=$((pages / 2)) " \
	"$seen" "N<node>= of /proc/$pid/numa_maps line: $line"

out=$(pw-verify numa-maps $pid 2>&1)
pw_verified every_vma_node_counts_match_numa_maps "$out" per_vma_node_counts_match_numa_maps +
out=$(pw-verify agree $pid 2>&1)
pw_verified every_page_node_matches_its_memory_block "$out" node_matches_sysfs_memory_block +
pw_verified every_page_pfn_matches_pagemap "$out" pfn_matches_pagemap +
pw_verified every_page_presence_matches_pagemap "$out" present_matches_pagemap +
echo "$out"

kill $pid
wait $pid 2>/dev/null

# Without root (numastat's view, issue 16): nobody reads its own process.
# The kernel hides PFNs; move_pages(2) with no target nodes tells each
# page's node, and per VMA they add up to numa_maps' N<node>= counts.
PW=/pagewatch/bin/pagewatch
rm -f /tmp/nodes-nobody.out
npid=$(su nobody -s /bin/sh -c "$(command -v pw-layout) nodes $pages > /tmp/nodes-nobody.out 2>&1 & echo \$!")
if ! pw_wait_line /tmp/nodes-nobody.out '^ready'; then
	pw_fail nobody_layout_ready "pw-layout nodes as nobody did not get ready:" "$(cat /tmp/nodes-nobody.out)"
else
	for n in 0 1; do
		range=$(pw_region /tmp/nodes-nobody.out node$n | tr ' ' '-')
		seen=$(su nobody -s /bin/sh -c "$PW -p $npid -s --no-kmod --format json --range $range" 2>/dev/null |
			jq -r 'select(.type == "page" and .present) | "\(.pfn) \(.node)"' | sort | uniq -c |
			awk '{ print $1 " pages pfn " $2 " node " $3 }')
		pw_eq nobody_sees_node${n}_bound_pages_on_node_$n "$pages pages pfn null node $n" "$seen" \
			"pfn and node of the present pages of the node $n region, pagewatch run by nobody on nobody's process"
	done
	su nobody -s /bin/sh -c "$PW -p $npid -s --no-kmod --summary --format json" 2>/dev/null |
		jq -r 'select(.type == "mapping" and .vma != "[vdso]") |
			"\(.start | ltrimstr("0x")) \(.nodes // {} | to_entries | map("N\(.key)=\(.value)") | join(" "))"' |
		grep ' N' | sort > /tmp/nodes-nobody.pw
	awk '$0 !~ /vdso|vvar/ { out = ""; for (i = 2; i <= NF; i++) if ($i ~ /^N[0-9]+=/) out = out " " $i
		if (out != "") print $1 out }' /proc/$npid/numa_maps | sort > /tmp/nodes-nobody.kernel
	pw_eq nobody_per_vma_node_counts_match_numa_maps "$(cat /tmp/nodes-nobody.kernel)" \
		"$(cat /tmp/nodes-nobody.pw)" \
		"START N<node>=pages per VMA: numa_maps (expected), pagewatch --summary run by nobody (seen)"
fi
kill $npid 2>/dev/null
true
