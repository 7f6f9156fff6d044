# savedwrite of shared mappings without page_mkwrite (issue 15, point 2).
# A MAP_SHARED|MAP_ANONYMOUS region and a memfd region (shmem) are written,
# "4" goes to clear_refs (soft-dirty tracking arms write-notify), they are
# written again, then NUMA balancing makes them protnone. Since 6.2 the
# hint fault upgrades such a PTE to writable only when
# vma_wants_manual_pte_write_upgrade() holds, which for a shared VMA without
# page_mkwrite it never does: 6.12 maps the page read-only. 6.1 restores
# its saved write bit. The kernel's word: after the target read every page
# once (one hint fault each), a write pass takes a write fault on exactly
# the pages whose record lacked savedwrite (the task runs on CPU 0 next to
# its pages, so no hint fault migrates one).

pw_require_module
pw_require_numa_balancing || exit 0
pages=64
pw_numa_balancing_fast
pw-numa $pages softdirty > /tmp/sd.out 2>&1 &
pid=$!
if ! pw_wait_line /tmp/sd.out '^ready'; then
	pw_fail softdirty_workload_ready "pw-numa softdirty did not get ready:" "$(cat /tmp/sd.out)"
	kill $pid
	pw_numa_balancing_restore
	exit 0
fi

count() {
	pw-verify dump $pid $(pw_region /tmp/sd.out $1) |
		awk "$2 { n++ } END { print n + 0 }"
}
PN='$8 ~ /(^|,)protnone(,|$)/'
SW='$8 ~ /(^|,)savedwrite(,|$)/'

i=0
while [ $i -lt 60 ]; do
	a=$(count sdshared "$PN")
	b=$(count sdmemfd "$PN")
	[ "$a $b" = "$pages $pages" ] && break
	sleep 0.5
	i=$((i + 1))
done
pw_stop $pid || pw_fail target_stops "pw-numa $pid did not stop"
for r in sdshared sdmemfd; do
	eval "pn_$r=$(count $r "$PN")"
	eval "sw_$r=$(count $r "$PN && $SW")"
done
pw_info "after $i polls: sdshared $pn_sdshared protnone ($sw_sdshared savedwrite), sdmemfd $pn_sdmemfd protnone ($sw_sdmemfd savedwrite)"

pw_numa_scan_pause
kill -CONT $pid
kill -USR1 $pid
if ! pw_wait_line /tmp/sd.out '^writefaults sdmemfd'; then
	pw_fail softdirty_target_reports_faults "pw-numa did not report its faults:" "$(cat /tmp/sd.out)"
else
	for r in sdshared sdmemfd; do
		eval "pn=\$pn_$r sw=\$sw_$r"
		if [ "$pn" = 0 ]; then
			pw_skip ${r}_savedwrite_iff_no_write_fault \
				"the NUMA scanner marked no page of $r within 30 s: no hint fault to compare with"
			continue
		fi
		pw_eq ${r}_protnone_pages_each_take_a_hint_fault "$pn" \
			"$(sed -n "s/^faults $r //p" /tmp/sd.out)" \
			"page faults of pw-numa reading each $r page once (module: $pn protnone)"
		pw_eq ${r}_savedwrite_iff_no_write_fault_after_hint "$((pn - sw))" \
			"$(sed -n "s/^writefaults $r //p" /tmp/sd.out)" \
			"write faults of pw-numa writing each $r page after the hint faults (module: $pn protnone, $sw of them savedwrite)"
	done
fi

kill $pid
wait $pid 2>/dev/null
pw_numa_balancing_restore
true
