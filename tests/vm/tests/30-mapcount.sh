# Mapcount and page kinds: private pages written once are mapped once; a
# MAP_SHARED|MAP_ANONYMOUS region written by parent and forked child is
# mapped twice, and one only the parent wrote is mapped once and absent from
# the child; read-only touched private pages map the one zero page. Every
# page of both processes agrees with /proc/kpagecount and /proc/kpageflags.

pw_require_module
pages=64
pw-layout maps $pages > /tmp/maps.out 2>&1 &
pid=$!
if ! pw_wait_line /tmp/maps.out '^ready'; then
	pw_fail layout_ready "pw-layout maps did not get ready:" "$(cat /tmp/maps.out)"
	kill $pid
	exit 0
fi
child=$(sed -n 's/^child //p' /tmp/maps.out)

# census PID REGION: "COUNT MAPCOUNT=M" per mapcount of the region's present
# pages, then "COUNT absent" for pages not present
census() {
	pw-verify dump $1 $(pw_region /tmp/maps.out $2) |
		awk '$8 ~ /(^|,)present(,|$)/ { n["mapcount=" $6]++; next } { n["absent"]++ }
		     END { for (k in n) print n[k] " " k }' | sort | tr '\n' ' '
}

pw_eq private_pages_written_once_have_mapcount_1 "$pages mapcount=1 " "$(census $pid private)" \
	"pages per MAPCOUNT of the private region"
pw_eq shared_pages_written_by_parent_and_child_have_mapcount_2_in_parent \
	"$pages mapcount=2 " "$(census $pid shared_both)" "pages per MAPCOUNT of shared_both in the parent"
pw_eq shared_pages_written_by_parent_and_child_have_mapcount_2_in_child \
	"$pages mapcount=2 " "$(census $child shared_both)" "pages per MAPCOUNT of shared_both in the child"
pw_eq shared_pages_only_parent_wrote_have_mapcount_1 "$pages mapcount=1 " \
	"$(census $pid shared_parent)" "pages per MAPCOUNT of shared_parent in the parent"
pw_eq shared_pages_child_never_touched_are_absent_in_child "$pages absent " \
	"$(census $child shared_parent)" "pages per MAPCOUNT of shared_parent in the child"

# parent and child map the same shmem pages
p=$(pw-verify dump $pid $(pw_region /tmp/maps.out shared_both) | cut -d' ' -f2 | md5sum)
c=$(pw-verify dump $child $(pw_region /tmp/maps.out shared_both) | cut -d' ' -f2 | md5sum)
pw_eq shared_pages_have_same_pfns_in_parent_and_child "$p" "$c" \
	"md5 of the PFN column of shared_both, parent vs. child"

seen=$(pw-verify dump $pid $(pw_region /tmp/maps.out zero) |
	awk '$8 ~ /(^|,)zero(,|$)/ { z++; pfn[$2] = 1 } END { n = 0; for (k in pfn) n++; print z + 0 " zero, " n " pfn" }')
pw_eq read_only_touched_pages_map_the_one_zero_page "$pages zero, 1 pfn" "$seen" \
	"pages flagged zero in the zero region, distinct PFNs among them"

seen=$(pw-verify dump $pid $(pw_region /tmp/maps.out private) |
	awk '{ n[($8 ~ /(^|,)anon(,|$)/ && $8 ~ /(^|,)anon_exclusive(,|$)/ && $8 ~ /(^|,)write(,|$)/) ? "anon,anon_exclusive,write" : $8]++ }
	     END { for (k in n) print n[k] " " k }')
pw_eq private_written_pages_are_anon_exclusive_writable "$pages anon,anon_exclusive,write" "$seen" \
	"pages per FLAGS of the private region"

for who in parent child; do
	[ $who = parent ] && p=$pid || p=$child
	out=$(pw-verify agree $p 2>&1)
	pw_verified ${who}_mapcount_matches_kpagecount "$out" mapcount_matches_kpagecount +
	pw_verified ${who}_thp_matches_kpageflags "$out" thp_matches_kpageflags +
	pw_verified ${who}_anon_matches_kpageflags "$out" anon_matches_kpageflags +
	pw_verified ${who}_zero_matches_kpageflags "$out" zero_matches_kpageflags +
	pw_verified ${who}_order_matches_kpageflags_compound "$out" order_matches_kpageflags_compound +
	pw_verified ${who}_anon_exclusive_matches_kpageflags "$out" anon_exclusive_matches_kpageflags +
	pw_verified ${who}_pfn_matches_pagemap "$out" pfn_matches_pagemap +
	pw_verified ${who}_small_pincount_is_refcount_over_bias "$out" small_pincount_is_refcount_over_bias +
	echo "$who $out"
done

# the regions alone, with their page counts written out
out=$(pw-verify agree $pid $(pw_region /tmp/maps.out zero) 2>&1)
pw_verified zero_region_zero_flag_matches_kpageflags "$out" zero_matches_kpageflags $pages
out=$(pw-verify agree $pid $(pw_region /tmp/maps.out shared_both) 2>&1)
pw_verified shared_region_mapcount_matches_kpagecount "$out" mapcount_matches_kpagecount $pages

kill $pid
wait $pid 2>/dev/null
true
