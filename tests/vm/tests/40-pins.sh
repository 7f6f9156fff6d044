# Pins: io_uring fixed buffers (IORING_REGISTER_BUFFERS take FOLL_LONGTERM
# pins) show as pinned with the count the kernel holds, and not at all once
# unregistered. The kernel's own figure is /proc/vmstat's
# nr_foll_pin_acquired - nr_foll_pin_released (after vm.stat_refresh), and,
# for a large folio, its refcount: every pin adds 1 to it.

pw_require_module
pages=16
pw-pin $pages reg-small reg-thp unreg-small unreg-thp > /tmp/pin.out 2>&1 &
pid=$!
if ! pw_wait_line /tmp/pin.out '^ready'; then
	pw_fail pin_workload_ready "pw-pin did not get ready:" "$(cat /tmp/pin.out)"
	kill $pid
	exit 0
fi

# step NAME: have pw-pin run its next step, which must be NAME
step() {
	kill -USR1 $pid
	if ! pw_wait_line /tmp/pin.out "^done $1\$"; then
		pw_fail step_$1 "pw-pin step $1 did not complete:" "$(cat /tmp/pin.out)"
		kill $pid
		exit 0
	fi
}

pins_outstanding() {
	echo 1 > /proc/sys/vm/stat_refresh 2>/dev/null
	awk '$1 == "nr_foll_pin_acquired" { a = $2 } $1 == "nr_foll_pin_released" { r = $2 }
	     END { print a - r }' /proc/vmstat
}

# summary REGION: "COUNT refcount=R pincount=P FLAGS" per distinct triple,
# FLAGS reduced to the pin flags. A large folio's count is always exact
# (the kernel keeps it), pinned or not: its pages carry pin_exact throughout.
summary() {
	pw-verify dump $pid $(pw_region /tmp/pin.out $1) |
		awk '{ f = ($8 ~ /maybe_pinned/) ? "maybe_pinned" : ""
		       if ($8 ~ /pin_exact/) f = f (f == "" ? "" : ",") "pin_exact"
		       n["refcount=" $5 " pincount=" $7 " " (f == "" ? "-" : f)]++ }
		     END { for (k in n) print n[k] " " k }' | sort
}

# small_pinned: "COUNT pinned" for pages maybe_pinned, estimated (not exact)
# pincount 1, refcount between 1025 (bias + the mapping) and 2047
small_pinned() {
	pw-verify dump $pid $(pw_region /tmp/pin.out ${1:-small}) |
		awk '$8 ~ /(^|,)maybe_pinned(,|$)/ && $8 !~ /pin_exact/ && $7 == 1 && $5 >= 1025 && $5 < 2048 { n++ }
		     END { print n + 0 " pinned" }'
}

# Debian's PREEMPT_RT build has no THP: there the "thp" region is 512
# small pages, and is checked as such (one pin per page)
base=$(pins_outstanding)
if pw_have_thp; then
	thp_before=$(summary thp)
	r0=$(echo "$thp_before" | awk 'NR == 1 { sub("refcount=", "", $2); print $2 }')
	pw_eq thp_folio_is_one_unpinned_folio "512 refcount=$r0 pincount=0 pin_exact" "$thp_before" \
		"pages per (refcount, pincount, pin flags) of the THP region before registering"
else
	pw_info "kernel $(uname -r) has no THP: the thp region is 512 small pages, checked as such"
	pw_eq no_thp_kernel_thp_region_is_small_pages "512 order=0 no-thp" \
		"$(pw-verify dump $pid $(pw_region /tmp/pin.out thp) |
		   awk '{ k["order=" $4 " " ($8 ~ /(^|,)thp(,|$)/ ? "thp" : "no-thp")]++ } END { for (x in k) print k[x] " " x }')" \
		"records of the MADV_HUGEPAGE region on a kernel without THP"
fi
pw_eq small_pages_unpinned_before_registering "0 pinned" "$(small_pinned)" \
	"small pages maybe_pinned with pincount 1, refcount 1025..2047"

step reg-small
pw_eq registered_small_pages_all_pinned "$pages pinned" "$(small_pinned)" \
	"small pages maybe_pinned with pincount 1, refcount 1025..2047; all: $(summary small | tr '\n' ';')"
pw_eq kernel_holds_one_pin_per_small_page "$pages" "$(( $(pins_outstanding) - base ))" \
	"nr_foll_pin_acquired - nr_foll_pin_released, change since start"
out=$(pw-verify agree $pid $(pw_region /tmp/pin.out small) 2>&1)
pw_verified small_pincount_is_refcount_over_bias "$out" small_pincount_is_refcount_over_bias $pages

step reg-thp
kernel_pins=$(( $(pins_outstanding) - base - pages ))
if ! pw_have_thp; then
	pw_eq no_thp_kernel_pins_each_small_page "512 pinned" "$(small_pinned thp)" \
		"small pages of the thp region maybe_pinned with pincount 1, refcount 1025..2047"
	pw_eq no_thp_kernel_holds_one_pin_per_page 512 "$kernel_pins" \
		"nr_foll_pin_acquired - nr_foll_pin_released for the thp region"
else
thp_pinned=$(summary thp)
r1=$(echo "$thp_pinned" | awk 'NR == 1 { sub("refcount=", "", $2); print $2 }')
# 6.1's io_uring pins each of the 512 pages, 6.12's once per folio: the
# module must show whatever the kernel holds, which both figures give
pw_eq registered_thp_pincount_is_kernels_exact_count \
	"512 refcount=$((r0 + kernel_pins)) pincount=$kernel_pins maybe_pinned,pin_exact" "$thp_pinned" \
	"pages per (refcount, pincount, pin flags) of the THP region; kernel: $kernel_pins pins (vmstat), refcount before $r0"
if [ "$kernel_pins" -ge 1 ] && [ $((r1 - r0)) = "$kernel_pins" ]; then
	pw_pass thp_refcount_grew_by_the_pin_count
else
	pw_fail thp_refcount_grew_by_the_pin_count "refcount before $r0, after $r1; pins held (vmstat) $kernel_pins"
fi
pw_info "registered THP: the kernel holds $kernel_pins pins on the folio, refcount $r0 -> $r1"
fi

step unreg-small
pw_eq unregistered_small_pages_not_pinned "$pages refcount<1024 pincount=0 -" \
	"$(pw-verify dump $pid $(pw_region /tmp/pin.out small) |
		awk '{ n[($5 < 1024 ? "refcount<1024" : "refcount=" $5) " pincount=" $7 " " ($8 ~ /pin/ ? "pin-flags" : "-")]++ }
		     END { for (k in n) print n[k] " " k }')" \
	"pages per (refcount, pincount, pin flags) of the small region after unregistering"
pw_eq kernel_holds_only_thp_pins_after_small_unregistered "$kernel_pins" "$(( $(pins_outstanding) - base ))" \
	"nr_foll_pin_acquired - nr_foll_pin_released, change since start"

step unreg-thp
if pw_have_thp; then
	pw_eq unregistered_thp_not_pinned_refcount_restored "512 refcount=$r0 pincount=0 pin_exact" "$(summary thp)" \
		"pages per (refcount, pincount, pin flags) of the THP region after unregistering"
else
	pw_eq no_thp_kernel_unregistered_pages_unpinned "0 pinned" "$(small_pinned thp)" \
		"small pages of the thp region still maybe_pinned after unregistering"
fi
pw_eq kernel_holds_no_pins_after_unregistering 0 "$(( $(pins_outstanding) - base ))" \
	"nr_foll_pin_acquired - nr_foll_pin_released, change since start"

kill $pid
wait $pid 2>/dev/null
true
