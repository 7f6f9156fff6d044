# The change journal (issue 12): pw-journal makes one change of each kind
# that userspace can provoke, announcing each as "step NAME START END
# CAUSE"; `pagewatch --events --format json` must show, for every step, a
# record of the kernel's kind for that change, over that range, caused by
# that task (the target itself, or the child that moved its pages), then
# the exited record, after which it ends by itself with status 0.

pw_require_module
PW=/pagewatch/bin/pagewatch

grep -q "^features.* journal" /sys/kernel/debug/pagewatch/version &&
	pw_pass version_names_journal_feature ||
	pw_fail version_names_journal_feature "$(grep features /sys/kernel/debug/pagewatch/version)"

pw_numa_balancing_fast
pw-journal > /tmp/j.out 2> /tmp/j.err &
wl=$!
if ! pw_wait_line /tmp/j.out '^ready'; then
	pw_fail journal_workload_ready "$(cat /tmp/j.out /tmp/j.err)"
	kill $wl
	pw_numa_balancing_restore
	exit 0
fi
$PW -p $wl --events --format json > /tmp/j.json 2> /tmp/j.pw.err &
pw=$!

# bound once a probe change shows up in its output
set -- $(sed -n 's/^probe //p' /tmp/j.out)
probe=$1
bound=no
for _ in $(seq 100); do
	kill -USR2 $wl
	sleep 0.2
	if grep -q "\"start\":\"0x$probe\"" /tmp/j.json; then
		bound=yes
		break
	fi
done
pw_eq journal_reader_sees_the_probe yes $bound "a probe mprotect in --events output"

kill -USR1 $wl
i=0
while kill -0 $wl 2>/dev/null && [ $i -lt 600 ]; do
	sleep 0.1
	i=$((i + 1))
done
wait $wl
pw_eq workload_finishes 0 $? "pw-journal exit status"
# the exited record ends --events
i=0
while kill -0 $pw 2>/dev/null && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
if kill -0 $pw 2>/dev/null; then
	pw_fail events_end_with_the_target "pagewatch --events still runs 10 s after the target exited"
	kill $pw
fi
wait $pw
rc=$?
pw_eq events_exit_status 0 $rc "pagewatch --events status; stderr: $(head -c 300 /tmp/j.pw.err)"
pw_numa_balancing_restore

# KIND START END CAUSE_PID CAUSE_COMM PINNED SEQ TIME_NS, addresses decimal
# (converted by jq: a shell loop forking per record takes minutes under
# emulation when NUMA balancing adds thousands of records; user addresses
# are below 2^47, exact in jq's doubles)
jq -r 'def dec: ltrimstr("0x") | explode | reduce .[] as $c (0;
		. * 16 + (if $c >= 97 then $c - 87 elif $c >= 65 then $c - 55
			  else $c - 48 end));
	select(.type == "event") | [.kind, ((.start // "0x0") | dec),
	((.end // "0x0") | dec), .cause_pid, .cause_comm,
	(.pinned_pages // "-"), .seq, .time] | map(tostring) | join(" ")' \
	/tmp/j.json > /tmp/j.recs
pw_info "journal: $(wc -l < /tmp/j.recs) records; kinds: $(cut -d' ' -f1 /tmp/j.recs | sort | uniq -c | tr -s ' \n' ' ')"

# expect STEP KIND [COMM]: a record of KIND over the step's range, by its
# cause, or by a task named COMM that may make the same change first
expect() {
	local name=$1 kind=$2 alt=${3:-} line s e cause found
	line=$(grep "^step $name " /tmp/j.out)
	if [ -z "$line" ]; then
		pw_fail "journal_${name}_step_ran" "pw-journal never ran step $name:" "$(cat /tmp/j.out /tmp/j.err)"
		return
	fi
	set -- $line
	s=$((0x$3)) e=$((0x$4)) cause=$5
	found=$(awk -v k=$kind -v s=$s -v e=$e -v c=$cause -v a="$alt" \
		'$1 == k && $2 < e && $3 > s && ($4 == c || (a != "" && $5 == a)) { print; exit }' /tmp/j.recs)
	if [ -n "$found" ]; then
		pw_pass "journal_${name}_is_${kind}_by_its_cause"
	else
		pw_fail "journal_${name}_is_${kind}_by_its_cause" \
			"expected: a $kind record over $3-$4 caused by pid $cause" \
			"seen over that range: $(awk -v s=$s -v e=$e '$2 < e && $3 > s' /tmp/j.recs | head -5 | tr '\n' ';')"
	fi
	echo "$found"
}

expect dontneed clear > /dev/null
expect mprotect protection_vma > /dev/null
expect munmap unmap > /dev/null
rec=$(expect pinned clear)
set -- $(grep '^step pinned ' /tmp/j.out)
pw_info "records over the pinned range: $(awk -v s=$((0x$3)) -v e=$((0x$4)) '$2 < e && $3 > s' /tmp/j.recs | head -4 | tr '\n' ';')"
pw_eq journal_pinned_dontneed_counts_the_pins 8 "$(echo "$rec" | tail -n 1 | cut -d' ' -f6)" \
	"pinned_pages of the MADV_DONTNEED of 8 io_uring buffer pages"
rec=$(expect move clear)
pw_eq journal_move_names_the_mover pw-mover "$(echo "$rec" | tail -n 1 | cut -d' ' -f5)" "cause_comm"
expect moveback clear > /dev/null
set -- $(sed -n 's/^moved //p' /tmp/j.out)
[ -n "$1" ] && [ "$1" != "$2" ] && pw_pass move_changed_the_node ||
	pw_fail move_changed_the_node "node before and after the move: $*; $(cat /tmp/j.err)"
set -- $(sed -n 's/^nodes //p' /tmp/j.out)
pw_eq moved_pages_came_back "$1" "$2" "node before the move and after the move back"
expect fork protection_page > /dev/null
expect cow clear > /dev/null
if ! pw_have_thp; then
	# Debian's PREEMPT_RT build: no THP, so MADV_COLLAPSE is refused
	pw_eq no_thp_kernel_refuses_collapse "collapse-failed Invalid argument" \
		"$(grep '^collapse-failed' /tmp/j.out)" "pw-journal's MADV_COLLAPSE on a kernel without THP"
elif grep -q '^collapse-failed' /tmp/j.out; then
	pw_fail journal_collapse_ran "MADV_COLLAPSE failed: $(grep collapse-failed /tmp/j.out)"
else
	# MADV_HUGEPAGE, which MADV_COLLAPSE needs after the small pages were
	# made under MADV_NOHUGEPAGE, also hands the range to khugepaged,
	# which may collapse it first (seen once on 6.12.118): then the
	# clear is khugepaged's, and MADV_COLLAPSE finds nothing to do
	rec=$(expect collapse clear khugepaged)
	case $(echo "$rec" | tail -n 1 | cut -d' ' -f5) in
	khugepaged) pw_info "the collapse step's range was collapsed by khugepaged first" ;;
	esac
fi
if pw_have_numa_balancing; then
	expect numa protection_vma > /dev/null
else
	# no NUMA balancing: nothing marks the numa step's pages
	set -- $(grep '^step numa ' /tmp/j.out)
	pw_eq no_numa_balancing_kernel_journals_no_hint_marking 0 \
		"$(awk -v s=$((0x$3)) -v e=$((0x$4)) '$1 == "protection_vma" && $2 < e && $3 > s { n++ } END { print n + 0 }' /tmp/j.recs)" \
		"protection_vma records over the numa step's range"
fi

pw_eq journal_ends_with_exited exited "$(tail -n 1 /tmp/j.recs | cut -d' ' -f1)" "the last record's kind"
# seq counts every record from 1 (a gap would be a loss) and time never
# goes back
bad=$(awk 'NR == 1 { if ($7 != 1) print "first seq " $7 }
	   NR > 1 && $7 != seq + 1 { print "seq " seq " then " $7 }
	   NR > 1 && $8 < time { print "time " time " then " $8 }
	   { seq = $7; time = $8 }' /tmp/j.recs | head -3)
pw_eq journal_seq_and_time_in_order "" "$bad" "gaps or reversals"
unknown=$(cut -d' ' -f1 /tmp/j.recs | grep -v -x -e unmap -e clear \
	-e protection_vma -e protection_page -e soft_dirty -e release \
	-e migrate -e exclusive -e exited | sort -u | tr '\n' ' ')
pw_eq journal_kinds_known "" "$unknown" "kinds outside the kernel's events"
