# A private copy-on-write page in a PFN map: in a MAP_PRIVATE mapping of a
# PCI BAR (/sys/bus/pci/devices/.../resourceN, VM_IO | VM_PFNMAP), the
# page only read is a raw PFN entry: special, no node, no counts, its frame
# the BAR's; the page written is an ordinary anonymous page the kernel
# copied, reported in full (vm_normal_page()'s rule) as kpageflags,
# kpagecount and the node sysfs gives its memory block say.

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
pw_eq vma_is_a_pfn_map "pfnmap io" \
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
# pagemap, smaps and numa_maps skip VM_PFNMAP VMAs (walk_page_test()):
# the truth about the copy is its frame's, from /proc/kpageflags,
# /proc/kpagecount and the memory block sysfs puts on a node
pfn=$(echo "$cow" | awk '{ print $2 }')
kpf=$(dd if=/proc/kpageflags bs=8 skip=$((0x$pfn)) count=1 2>/dev/null | od -An -tu8 | tr -d ' ')
pw_eq cow_frame_is_a_mapped_anon_page "anon=1 mmap=1 nopage=0 kpagecount=1" \
	"anon=$(( (kpf >> 12) & 1 )) mmap=$(( (kpf >> 11) & 1 )) nopage=$(( (kpf >> 20) & 1 )) kpagecount=$(pw-verify kpagecount $pfn)" \
	"KPF_ANON, KPF_MMAP, KPF_NOPAGE of PFN $pfn (/proc/kpageflags) and its /proc/kpagecount"
bs=$((0x$(cat /sys/devices/system/memory/block_size_bytes)))
block=$(( 0x$pfn * 4096 / bs ))
truth=$(ls -d /sys/devices/system/memory/memory$block/node* 2>/dev/null | sed 's/.*node//')
pw_eq cow_node_matches_memory_block "$truth" "$(echo "$cow" | awk '{ print $3 }')" \
	"node of the frame's memory block (memory$block in sysfs), node the module reports"
kill $pid
wait $pid 2>/dev/null
