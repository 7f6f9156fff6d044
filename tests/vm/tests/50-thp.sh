# THP: a 2 MiB-aligned MADV_HUGEPAGE region, written, is one PMD-mapped
# order-9 folio: all 512 pages report pmd and thp, order 9, consecutive PFNs
# from a 512-aligned head, as /proc/PID/smaps (AnonHugePages) and
# /proc/kpageflags say. Read through the text view, which must equal the
# binary records.

pw_require_module
pw_require_thp || exit 0
pw-layout maps 16 > /tmp/thp.out 2>&1 &
pid=$!
if ! pw_wait_line /tmp/thp.out '^ready'; then
	pw_fail layout_ready "pw-layout maps did not get ready:" "$(cat /tmp/thp.out)"
	kill $pid
	exit 0
fi
set -- $(pw_region /tmp/thp.out thp)
start=$1 end=$2

# ground truth first: the kernel maps the VMA with one huge PMD
huge=$(awk -v s="$start-$end" '$1 == s { v = 1 } v && /^AnonHugePages:/ { print $2 " " $3; exit }' /proc/$pid/smaps)
pw_eq smaps_shows_region_pmd_mapped "2048 kB" "$huge" "AnonHugePages of the $start-$end VMA in /proc/$pid/smaps"

echo "$pid $start-$end" > $PW_DEBUGFS/target
# lines starting with "#" are comments (the column header)
grep -v "^#" $PW_DEBUGFS/text > /tmp/thp.text
pw_eq text_view_shows_512_lines 512 "$(wc -l < /tmp/thp.text)" \
	"lines of $PW_DEBUGFS/text after writing '$pid $start-$end' to target"

seen=$(awk '{ n[($4 == 9 && $8 ~ /(^|,)pmd(,|$)/ && $8 ~ /(^|,)thp(,|$)/ && $8 ~ /(^|,)present(,|$)/) ? "pmd,thp,order9" : $4 " " $8]++ }
	END { for (k in n) print n[k] " " k }' /tmp/thp.text)
pw_eq every_page_is_pmd_mapped_thp_of_order_9 "512 pmd,thp,order9" "$seen" \
	"count per (ORDER FLAGS) of the text view's lines"

seen=$(awk '{ pfn = ("0x" $2) + 0 } NR == 1 { head = pfn } { if (pfn != head + NR - 1) bad++ }
	END { print (head % 512 == 0 ? "aligned" : "unaligned") " head, " bad + 0 " out of sequence" }' /tmp/thp.text)
pw_eq pfns_are_one_aligned_folio "aligned head, 0 out of sequence" "$seen" \
	"PFN column: head % 512 and pages whose PFN is not head + index"

pw-verify dump $pid $start $end > /tmp/thp.bin
if cmp -s /tmp/thp.text /tmp/thp.bin; then
	pw_pass text_view_equals_binary_records
else
	pw_fail text_view_equals_binary_records "text view vs. pw-verify dump of the binary pages file:" \
		"$(diff /tmp/thp.text /tmp/thp.bin | head -n 8)"
fi

out=$(pw-verify agree $pid $start $end 2>&1)
pw_verified thp_flag_matches_kpageflags "$out" thp_matches_kpageflags 512
pw_verified order_matches_kpageflags_compound "$out" order_matches_kpageflags_compound 512
pw_verified mapcount_matches_kpagecount "$out" mapcount_matches_kpagecount 512
pw_verified pfn_matches_pagemap "$out" pfn_matches_pagemap 512

kill $pid
wait $pid 2>/dev/null
true
