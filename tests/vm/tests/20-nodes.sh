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
true
