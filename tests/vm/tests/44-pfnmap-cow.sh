# A private copy-on-write page in a PFN map: in a MAP_PRIVATE mapping of a
# PCI BAR (/sys/bus/pci/devices/.../resourceN, VM_IO | VM_PFNMAP), the
# page only read is a raw PFN entry: special, no node, no counts, its frame
# the BAR's; the page written is an ordinary anonymous page the kernel
# copied, reported in full (vm_normal_page()'s rule) as pagemap,
# kpagecount and kpageflags say.

pw_require_module
pw-pfnmap > /tmp/pfnmap.out 2>&1 &
pid=$!
pw_wait_line /tmp/pfnmap.out '^\(ready\|nodevice\)'
if grep -q '^nodevice' /tmp/pfnmap.out; then
	pw_skip pfnmap_cow_page "no PFN-mapped device in this guest: $(sed -n 's/^nodevice //p' /tmp/pfnmap.out)"
	wait $pid 2>/dev/null
	exit 0
fi
if ! grep -q '^ready' /tmp/pfnmap.out; then
	pw_fail pfnmap_workload_ready "pw-pfnmap did not get ready:" "$(cat /tmp/pfnmap.out)"
	kill $pid
	exit 0
fi
set -- $(sed -n 's/^device //p' /tmp/pfnmap.out)
dev=$1 bar_pfn=$2
pw_info "device BAR $dev, first frame $bar_pfn"
set -- $(pw_region /tmp/pfnmap.out pfnmap)
start=$1 end=$2
pw_eq vma_is_a_pfn_map "io pfnmap" \
	"$(awk -v s="$start-$end" '$1 == s { v = 1 } v && /^VmFlags:/ { out = ""; for (i = 2; i <= NF; i++) if ($i == "io" || $i == "pf") out = out (out == "" ? "" : " ") ($i == "pf" ? "pfnmap" : $i); print out; exit }' /proc/$pid/smaps)" \
	"VmFlags io and pf of the mapping in /proc/$pid/smaps"
pw-verify dump $pid $start $end > /tmp/pfnmap.dump
raw=$(sed -n 1p /tmp/pfnmap.dump)
cow=$(sed -n 2p /tmp/pfnmap.dump)
pw_eq raw_pfn_entry_is_special_with_the_bar_frame "$bar_pfn - present,special" \
	"$(echo "$raw" | awk '{ f = ""; n = split($8, a, ","); for (i = 1; i <= n; i++) if (a[i] ~ /^(present|special|anon|file)$/) f = f (f == "" ? "" : ",") a[i]; print $2, $3, f }')" \
	"PFN, node and (present, special, anon, file) of the page only read"
pw_eq cow_page_is_an_ordinary_anon_page "order=0 mapcount=1 present,anon,write,anon_exclusive" \
	"$(echo "$cow" | awk '{ f = ""; n = split($8, a, ","); for (i = 1; i <= n; i++) if (a[i] ~ /^(present|special|anon|file|write|anon_exclusive)$/) f = f (f == "" ? "" : ",") a[i]; print "order=" $4 " mapcount=" $6, f }')" \
	"order, mapcount and flags of the page written (COW)"
out=$(pw-verify agree $pid $(echo "$cow" | awk '{ print $1 }') $end 2>&1)
for c in pfn_matches_pagemap mapcount_matches_kpagecount anon_matches_kpageflags \
	 node_matches_sysfs_memory_block anon_exclusive_matches_kpageflags; do
	pw_verified cow_$c "$out" $c 1
done
kill $pid
wait $pid 2>/dev/null
