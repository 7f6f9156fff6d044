# What the records say is what the kernel says (issue 15, point 4): the
# huge zero page is zero, pmd, thp and order 9 (as /proc/kpageflags has
# ZERO_PAGE, THP and a compound page), and kpage's pfn_valid means an
# online page: exactly the PFNs /proc/kpageflags does not call NOPAGE,
# including those of a memory block taken offline.

pw_require_module
if pw_require_thp; then
pw-split hugezero 8 > /tmp/hz.out 2>&1 &
pid=$!
if ! pw_wait_line /tmp/hz.out '^ready'; then
	pw_fail hugezero_workload_ready "pw-split hugezero did not get ready:" "$(cat /tmp/hz.out)"
	kill $pid
	exit 0
fi
set -- $(pw_region /tmp/hz.out hugezero)
pages=$(( (0x$2 - 0x$1) / 4096 ))
seen=$(pw-verify dump $pid $1 $2 |
	awk '$4 == 9 && $8 ~ /(^|,)zero(,|$)/ && $8 ~ /(^|,)pmd(,|$)/ && $8 ~ /(^|,)thp(,|$)/ { n++ } END { print n + 0 }')
pw_eq huge_zero_pages_are_zero_pmd_thp_order_9 "$pages" "$seen" \
	"pages of a read-only-touched MADV_HUGEPAGE region with order 9 and zero, pmd, thp"
out=$(pw-verify agree $pid $1 $2 2>&1)
pw_verified huge_zero_zero_matches_kpageflags "$out" zero_matches_kpageflags $pages
pw_verified huge_zero_thp_matches_kpageflags "$out" thp_matches_kpageflags $pages
pw_verified huge_zero_order_matches_kpageflags_compound "$out" order_matches_kpageflags_compound $pages
pw_verified huge_zero_node_matches_memory_block "$out" node_matches_sysfs_memory_block $pages
kill $pid
wait $pid 2>/dev/null
fi

# the first 64 MiB of PFNs (BIOS holes included) against KPF_NOPAGE
out=$(pw-verify kpage-online 0 16384 2>&1)
pw_verified kpage_pfn_valid_is_online_low_memory "$out" pfn_valid_matches_kpageflags_nopage 16384

# a memory block taken offline: its PFNs keep their struct pages (pfn_valid)
# but are not online; kpage must read them as no page, as kpageflags does
# offline_pages() retries until it succeeds or a signal comes: each try is
# bounded (SIGINT after 10 s), three blocks from the top of memory at most
bs=$(( 0x$(cat /sys/devices/system/memory/block_size_bytes) ))
offlined=
tries=0
for m in $(ls -d /sys/devices/system/memory/memory* | sed 's/.*memory//' | sort -rn); do
	f=/sys/devices/system/memory/memory$m
	[ "$(cat $f/state)" = online ] && [ "$(cat $f/removable 2>/dev/null || echo 1)" != 0 ] || continue
	[ $tries -lt 3 ] || break
	tries=$((tries + 1))
	if timeout -s INT 10 sh -c "echo offline > $f/state" 2>/dev/null; then
		offlined=$m
		break
	fi
done
if [ -z "$offlined" ]; then
	pw_skip kpage_pfn_valid_is_online_offline_block \
		"none of the $tries highest memory blocks of this guest went offline within 10 s each"
else
	first=$(printf '%x' $(( offlined * bs / 4096 )))
	n=$(( bs / 4096 ))
	out=$(pw-verify kpage-online $first $n 2>&1)
	pw_verified kpage_pfn_valid_is_online_offline_block "$out" pfn_valid_matches_kpageflags_nopage $n
	rec=$(pw-verify kpage $first 1)
	pw_eq offline_pfn_reads_as_empty_record "- $first - 0 0 0 0 -" "$rec" \
		"kpage record of the first PFN of offline memory block $offlined"
	echo online > /sys/devices/system/memory/memory$offlined/state ||
		pw_fail offline_block_back_online "memory block $offlined did not come back online"
fi
true
