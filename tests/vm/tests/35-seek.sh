# SEEK_DATA and SEEK_HOLE on the pages file: from any page they find the
# next page with an entry (data) or without one (a hole) exactly as a read
# of the records shows them, stepping over empty page-table levels; on
# kernels without PAGEMAP_SCAN (6.1) pagewatch lists a target's populated
# regions with them, so a 1 TiB mapping with a few pages written is read as
# those pages. Wrong uses get ENXIO or ESRCH.

pw_require_module
pw-layout sparse 64 > /tmp/sparse.out 2>&1 &
pid=$!
if ! pw_wait_line /tmp/sparse.out '^ready'; then
	pw_fail layout_ready "pw-layout sparse did not get ready:" "$(cat /tmp/sparse.out)"
	kill $pid
	exit 0
fi
reserve=$(pw_region /tmp/sparse.out reserve)

seen=$(grep '^features ' $PW_DEBUGFS/version | tr ' ' '\n' | grep -x seek_data)
pw_eq version_lists_seek_data_feature seek_data "$seen" "the features line of the version file"

# ---- the runs of a 1 TiB mapping: first page, 64 pages across a PMD
# boundary, the page at 700 GiB and the last page; the dropped page's PTE
# table has no entry left
expected=""
for r in first run lone last; do
	expected="$expected$(pw_region /tmp/sparse.out $r | sed 's/^/run /');"
done
ms() { awk '{ printf "%d", $1 * 1000 }' /proc/uptime; }
t0=$(ms)
out=$(pw-verify seek-runs $pid $reserve 2>&1)
t1=$(ms)
pw_eq seek_finds_exactly_the_written_runs_of_a_1tib_mapping "$expected" \
	"$(printf '%s\n' "$out" | grep '^run ' | tr '\n' ';')" \
	"pw-verify seek-runs over the reservation: SEEK_DATA then SEEK_HOLE, in turn"
pw_eq seek_needs_two_calls_per_run "seeks 8" "$(printf '%s\n' "$out" | grep '^seeks')" \
	"lseek calls for 4 runs: a SEEK_DATA and a SEEK_HOLE each (the last run ends the mapping)"
pw_info "4 runs of a 1 TiB mapping found in $(( t1 - t0 )) ms (pw-verify start-up included)"

# ---- every answer from every page agrees with the records read
run=$(pw_region /tmp/sparse.out run)
set -- $run
around_run="$(printf '%x %x' $((0x$1 - 0x400000)) $((0x$2 + 0x800000)))"
out=$(pw-verify seek-agree $pid $around_run 2>&1)
pages=$(( (0x$2 - 0x$1 + 0xc00000) / 4096 ))
pw_verified seek_data_agrees_with_records_around_run_and_dropped_page "$out" seek_data $pages
pw_verified seek_hole_agrees_with_records_around_run_and_dropped_page "$out" seek_hole $pages
out=$(pw-verify seek-agree $pid 2>&1)
pw_verified seek_data_agrees_with_records_in_every_small_vma "$out" seek_data +
pw_verified seek_hole_agrees_with_records_in_every_small_vma "$out" seek_hole +

# ---- pagewatch lists the regions with it where PAGEMAP_SCAN is missing
pagewatch -p $pid --snapshot --format json --range $(echo $reserve | tr ' ' '-') > /tmp/sparse.json 2> /tmp/sparse.err
rc=$?
pw_eq snapshot_of_1tib_mapping_exits_0 0 "$rc" "pagewatch --snapshot --range (the reservation): $(head -c 300 /tmp/sparse.err)"
if [ "$(jq -r 'select(.type == "snapshot") | .sources.pagemap_scan' /tmp/sparse.json)" = true ]; then
	lister=pagemap_scan
else
	lister=kmod_seek
fi
pw_eq snapshot_lists_regions_with_pagemap_scan_or_the_module seen \
	"$(jq -r --arg l $lister 'select(.type == "snapshot") | if .sources[$l] then "seen" else "not in sources" end' /tmp/sparse.json)" \
	"sources.$lister of the snapshot object: $(jq -c 'select(.type == "snapshot") | .sources' /tmp/sparse.json)"
expected=$(for r in first run lone last; do
	set -- $(pw_region /tmp/sparse.out $r)
	a=$((0x$1))
	while [ $a -lt $((0x$2)) ]; do printf '0x%x\n' $a; a=$((a + 4096)); done
done | md5sum)
pw_eq snapshot_of_1tib_mapping_has_exactly_the_written_pages "$expected" \
	"$(jq -r 'select(.type == "page") | .addr' /tmp/sparse.json | md5sum)" \
	"the addresses of the snapshot's page objects (67 written pages, regions listed by $lister)"

# ---- misuse
set -- $(pw_region /tmp/sparse.out first)
first_off=$(( 0x$1 / 4096 * 32 ))
# TASK_SIZE is 0x7ffffffff000 on x86_64: the last user page is below it
end_off=$(( 0x7ffffffff000 / 4096 * 32 ))
last_off=$(( end_off - 32 ))
pw_eq seek_before_a_pid_is_written_gives_enxio ENXIO "$(pw-verify seek-errno none 0 data)" \
	"SEEK_DATA on a pages file never bound"
pw_eq seek_data_past_the_address_space_gives_enxio ENXIO "$(pw-verify seek-errno $pid $end_off data)" \
	"SEEK_DATA at the record of 0x800000000000"
pw_eq seek_hole_below_zero_gives_enxio ENXIO "$(pw-verify seek-errno $pid -32 hole)" \
	"SEEK_HOLE at offset -32"
pw_eq seek_data_after_the_last_data_gives_enxio ENXIO \
	"$(pw-verify seek-errno $pid $last_off data)" "SEEK_DATA from the last user page"
pw_eq seek_hole_at_the_last_user_page_is_that_page "OK $last_off" \
	"$(pw-verify seek-errno $pid $last_off hole)" "SEEK_HOLE from the last user page"
pw_eq seek_data_inside_a_data_record_keeps_the_offset "OK $(( first_off + 5 ))" \
	"$(pw-verify seek-errno $pid $(( first_off + 5 )) data)" "SEEK_DATA 5 bytes into the first page's record"
pw_eq seek_set_still_sets_the_offset "OK 4096" "$(pw-verify seek-errno $pid 4096 set)" "SEEK_SET to 4096"
seen=$(pw-verify exited-errno zombie 2>&1 | grep '^exited_seek')
pw_eq seek_of_exited_target_gives_esrch "exited_seek:ESRCH" "$seen" \
	"SEEK_DATA on pages bound to a child that exited (zombie)"

kill $pid
wait $pid 2>/dev/null
true
