# Migration entries do not freeze the folio (issue 15, point 3). A split
# installs migration entries, then rewrites the struct pages without the
# PTE lock a reader holds; 6.12's page-cache migration clears the source's
# mapping before the entries go. While THPs are split (debugfs
# split_huge_pages) and collapsed again (MADV_COLLAPSE), and while page
# cache pages move between nodes (move_pages), every record read must be
# consistent: thp exactly when order > 0, pin_exact only with thp, a
# migration record unstable with no counts, and a page-cache one file.

pw_require_module
pw_require_thp || exit 0
SPLIT=/sys/kernel/debug/split_huge_pages
secs=10

pw-split thp 16 > /tmp/split.out 2>&1 &
pid=$!
if ! pw_wait_line /tmp/split.out '^ready'; then
	pw_fail split_workload_ready "pw-split thp did not get ready:" "$(cat /tmp/split.out)"
	kill $pid
	exit 0
fi
set -- $(pw_region /tmp/split.out thp)
start=$1 end=$2
thp_before=$(pw-verify dump $pid $start $end | awk '$8 ~ /(^|,)thp(,|$)/ { n++ } END { print n + 0 }')
(
	t=$(( $(date +%s) + secs ))
	n=0
	while [ "$(date +%s)" -lt $t ]; do
		echo "$pid,0x$start,0x$end" > $SPLIT 2>/dev/null && n=$((n + 1))
		sleep 0.05
	done
	echo "splits $n" > /tmp/split.splits
) &
splitter=$!
out=$(pw-verify invariants $pid $start $end $secs 2>&1)
wait $splitter
kill $pid
wait $pid 2>/dev/null
pw_info "THP target: $thp_before THP pages at first; $(cat /tmp/split.splits) writes to split_huge_pages; $(grep '^collapsed' /tmp/split.out | sed 's/collapsed /MADV_COLLAPSE ok\/failed: /'); reader: $(echo "$out" | grep '^seen')"
pw_eq thp_target_started_as_thps $(( (0x$end - 0x$start) / 4096 )) "$thp_before" \
	"thp pages of the 16 MiB MADV_HUGEPAGE region before splitting"
if echo "$out" | grep -q '^seen.* small [1-9]' && grep -q '^collapsed [1-9]' /tmp/split.out; then
	pw_pass thp_target_was_split_and_collapsed_while_read
else
	pw_fail thp_target_was_split_and_collapsed_while_read \
		"the reader saw no small page, or no MADV_COLLAPSE succeeded: nothing raced" \
		"$(echo "$out" | grep '^seen')" "$(cat /tmp/split.out)"
fi
pw_verified thp_split_records_have_thp_iff_order "$out" thp_iff_order_above_0 +
pw_verified thp_split_records_pin_exact_only_with_thp "$out" pin_exact_implies_thp +
# migration records are caught only when a split is under way as the
# reader passes: any it saw must hold; seeing none checks nothing
n=$(echo "$out" | sed -n 's/^check migration_unstable_without_counts checked=\([0-9]*\).*/\1/p')
if [ "${n:-0}" -gt 0 ]; then
	pw_verified thp_split_migration_records_are_unstable "$out" migration_unstable_without_counts +
else
	pw_skip thp_split_migration_records_are_unstable \
		"the reader caught no migration entry of a split in ${secs}s ($(echo "$out" | grep '^seen'))"
fi

pw-split file 512 > /tmp/split-file.out 2>&1 &
pid=$!
if ! pw_wait_line /tmp/split-file.out '^ready'; then
	pw_fail file_workload_ready "pw-split file did not get ready:" "$(cat /tmp/split-file.out)"
	kill $pid
	exit 0
fi
set -- $(pw_region /tmp/split-file.out file)
out=$(pw-verify invariants $pid $1 $2 $secs file 2>&1)
kill $pid
wait $pid 2>/dev/null
moved=$(sed -n 's/^moved \([0-9]*\) .*/\1/p' /tmp/split-file.out)
pw_info "page-cache target: $(grep '^moved' /tmp/split-file.out) (pages moved, move_pages rounds); reader: $(echo "$out" | grep '^seen')"
if [ "${moved:-0}" -gt 0 ]; then
	pw_pass page_cache_pages_migrated_while_read
else
	pw_fail page_cache_pages_migrated_while_read "move_pages moved no page: $(cat /tmp/split-file.out)"
fi
pw_verified page_cache_migration_records_keep_file "$out" migration_keeps_file +
pw_verified page_cache_migration_records_are_unstable "$out" migration_unstable_without_counts +
pw_verified page_cache_records_have_thp_iff_order "$out" thp_iff_order_above_0 +
true
