# Divergence: a page pinned as an io_uring fixed buffer, then MADV_DONTNEED'd
# and written again, leaves the address mapping a new PFN while the old PFN
# keeps the pin: the per-PFN query (kpage) still shows the old page pinned
# and mapped nowhere (as /proc/kpagecount says), until unregistering.

pw_require_module
pages=16
pw-pin $pages reg-small dontneed unreg-small > /tmp/div.out 2>&1 &
pid=$!
if ! pw_wait_line /tmp/div.out '^ready'; then
	pw_fail pin_workload_ready "pw-pin did not get ready:" "$(cat /tmp/div.out)"
	kill $pid
	exit 0
fi
step() {
	kill -USR1 $pid
	if ! pw_wait_line /tmp/div.out "^done $1\$"; then
		pw_fail step_$1 "pw-pin step $1 did not complete:" "$(cat /tmp/div.out)"
		kill $pid
		exit 0
	fi
}
region=$(pw_region /tmp/div.out small)

# kpage_summary PFN...: "COUNT refcount=R pincount=P mapcount=M FLAGS" per
# distinct tuple of the kpage records of the PFNs, FLAGS the pin flags
# (record columns: - PFN NODE ORDER REFCOUNT MAPCOUNT PINCOUNT FLAGS)
kpage_summary() {
	for pfn in "$@"; do pw-verify kpage $pfn; done |
		awk '{ f = ($8 ~ /maybe_pinned/) ? "maybe_pinned" : "-"
		       r = ($5 >= 1024 && $5 < 2048) ? "1024..2047" : ($5 < 1024 ? "<1024" : $5)
		       n["refcount=" r " pincount=" $7 " mapcount=" $6 " " f]++ }
		     END { for (k in n) print n[k] " " k }'
}

step reg-small
old=$(pw-verify dump $pid $region | cut -d' ' -f2)
pw_eq pinned_pages_present "$pages" "$(echo "$old" | grep -c .)" "PFNs of the registered buffer"

step dontneed
new=$(pw-verify dump $pid $region | cut -d' ' -f2)
seen=$(for pfn in $new; do echo "$old" | grep -qx "$pfn" && echo same || echo new; done | sort | uniq -c | awk '{ print $1 " " $2 }')
pw_eq every_address_maps_a_new_pfn "$pages new" "$seen" \
	"addresses whose PFN after MADV_DONTNEED and a write is one of the pinned PFNs (same) or not (new)"
pw_eq new_pages_not_pinned "$pages refcount=<1024 pincount=0 mapcount=1 -" "$(kpage_summary $new)" \
	"kpage records of the new PFNs per (refcount, pincount, mapcount, pin flag)"
pw_eq old_pfns_still_pinned_and_unmapped "$pages refcount=1024..2047 pincount=1 mapcount=0 maybe_pinned" \
	"$(kpage_summary $old)" "kpage records of the old PFNs per (refcount, pincount, mapcount, pin flag)"
pw_eq old_pfns_kpagecount_is_0 "$pages x 0" \
	"$(pw-verify kpagecount $old | sort | uniq -c | awk '{ print $1 " x " $2 }')" \
	"/proc/kpagecount of the old PFNs (count x value)"

# the text view answers the same question for a PFN range
first=$(echo "$old" | head -n 1)
echo "pfn $first-$(printf '%x' $((0x$first + 1)))" > $PW_DEBUGFS/target
line=$(grep -v "^#" $PW_DEBUGFS/text)
seen=$(echo "$line" | awk -v p=$first '{ print ($2 == p ? "pfn" : "other pfn " $2) " " ($8 ~ /(^|,)maybe_pinned(,|$)/ ? "maybe_pinned" : "not pinned") }')
pw_eq text_view_of_old_pfn_shows_pin "pfn maybe_pinned" "$seen" \
	"text view after writing 'pfn $first-...' to target: $line"

step unreg-small
seen=$(for pfn in $old; do pw-verify kpage $pfn; done |
	awk '{ n[($5 < 1024 && $7 == 0 && $8 !~ /maybe_pinned/) ? "unpinned" : "pinned: " $0]++ }
	     END { for (k in n) print n[k] " " k }')
pw_eq old_pfns_unpinned_after_unregistering "$pages unpinned" "$seen" \
	"kpage records of the old PFNs: refcount < 1024, pincount 0, no maybe_pinned"

kill $pid
wait $pid 2>/dev/null
true
