# Zero perturbation (issue 3, point 4): a target stopped with SIGSTOP, whose
# pages NUMA balancing left protnone, read in full 100 times, is unchanged:
# same PFNs, nodes and flags (protnone pages still protnone), same refcount
# and mapcount on its anonymous pages, no NUMA fault counted for any of its
# threads (/proc/PID/task/TID/sched) and no NUMA hinting fault in the whole
# system (/proc/vmstat numa_hint_faults).

pw_require_module
pages=512
pw_numa_balancing_fast
pw-numa $pages > /tmp/zp.out 2>&1 &
pid=$!
if ! pw_wait_line /tmp/zp.out '^ready'; then
	pw_fail numa_workload_ready "pw-numa did not get ready:" "$(cat /tmp/zp.out)"
	kill $pid
	pw_numa_balancing_restore
	exit 0
fi
# protnone FILE: pages of a dump flagged protnone
protnone() {
	awk '$8 ~ /(^|,)protnone(,|$)/ { n++ } END { print n + 0 }' "$1"
}
# a kernel without NUMA balancing (Debian's PREEMPT_RT build) marks none:
# the reads must leave every page unchanged all the same
want_cold=$pages nb=""
if ! pw_have_numa_balancing; then
	want_cold=0 nb=" (kernel without NUMA balancing: none)"
fi
i=0
while [ $i -lt 60 ] && [ "$want_cold" != 0 ]; do
	cold=$(pw-verify dump $pid $(pw_region /tmp/zp.out cold) > /tmp/zp.cold && protnone /tmp/zp.cold)
	[ "$cold" = $pages ] && break
	sleep 0.5
	i=$((i + 1))
done
pw_stop $pid || pw_fail target_stops "pw-numa $pid did not stop: $(cat /proc/$pid/task/*/stat)"

# Scanning paused from here: it cannot touch the stopped target anyway, and
# other tasks (this shell, pw-verify) then take no hint faults that would
# move the system-wide counter. PTEs already protnone stay so. Let tasks
# that run periodically (busybox timeout) fault their last hinted pages in.
pw_numa_scan_pause
sleep 2

# stable view: anonymous pages with every field; others (shared libraries,
# whose counts other processes move) with PFN, node, order and flags
view() {
	awk '{ if ($8 !~ /(^|,)anon(,|$)/) { $5 = "."; $6 = "." } print }'
}
pw-verify dump-all $pid | view > /tmp/zp.before
pw-verify reread $pid 100 > /tmp/zp.counters 2>&1
pw-verify dump-all $pid | view > /tmp/zp.after

total=$(wc -l < /tmp/zp.before)
pn=$(protnone /tmp/zp.before)
pw_eq untouched_pages_protnone_before_reading "$want_cold" \
	"$(awk -v s=$(pw_region /tmp/zp.out cold | cut -d' ' -f1) '$1 == s { on = 1 } on && n < '$pages' { n++; if ($8 ~ /(^|,)protnone(,|$)/) p++ } END { print p + 0 }' /tmp/zp.before)" \
	"protnone pages of the untouched half when stopped ($pn protnone of $total pages in all)$nb"
pw_eq target_read_in_full_100_times "records $((total * 100))" "$(grep '^records' /tmp/zp.counters)" \
	"records pw-verify reread returned ($total pages, 100 rounds)"
# (protnone pages are part of what must stay, where the kernel has them)
if [ "$total" -gt 0 ] && { [ "$pn" -gt 0 ] || ! pw_have_numa_balancing; } &&
   cmp -s /tmp/zp.before /tmp/zp.after; then
	pw_pass every_page_unchanged_after_100_reads
else
	pw_fail every_page_unchanged_after_100_reads "$total pages, $pn protnone before;" \
		"dump-all before vs. after the 100 reads (< before, > after):" \
		"$(diff /tmp/zp.before /tmp/zp.after | head -n 12)"
fi
pw_eq protnone_pages_still_protnone_after_100_reads "$pn" "$(protnone /tmp/zp.after)" \
	"protnone pages of $pid after the reads (before: $pn)"

before=$(sed -n 's/^before task://p' /tmp/zp.counters)
after=$(sed -n 's/^after task://p' /tmp/zp.counters)
if [ -z "$before" ]; then
	pw_skip target_numa_fault_counts_unchanged "this kernel's /proc/PID/sched has no numa lines"
else
	pw_eq target_numa_fault_counts_unchanged "$before" "$after" \
		"numa lines of /proc/$pid/task/*/sched before vs. after the reads"
fi
for key in numa_hint_faults numa_hint_faults_local numa_pages_migrated; do
	b=$(sed -n "s/^before vmstat:$key //p" /tmp/zp.counters)
	a=$(sed -n "s/^after vmstat:$key //p" /tmp/zp.counters)
	pw_eq vmstat_${key}_unchanged_by_reads "$b" "$a" "/proc/vmstat $key before vs. after the reads"
done
pw_info "$total pages read 100 times, $pn protnone (polls $i); $(echo "$before" | grep -c .) numa lines in the threads' sched files; $(grep '^after vmstat:numa_hint_faults ' /tmp/zp.counters)"
cat /tmp/zp.counters

# The same with a change journal open on the target (issue 12): binding it
# registers an MMU notifier (the target's mmap lock taken for writing
# once); neither that nor the reads beside it change a page or count a
# fault
pw-jfile hold $pid > /tmp/zp.hold 2>&1 &
holder=$!
if pw_wait_line /tmp/zp.hold '^bound'; then
	pw_pass journal_binds_to_the_stopped_target
else
	pw_fail journal_binds_to_the_stopped_target "$(cat /tmp/zp.hold)"
fi
pw-verify reread $pid 100 > /tmp/zp.counters2 2>&1
pw-verify dump-all $pid | view > /tmp/zp.after2
if [ "$total" -gt 0 ] && cmp -s /tmp/zp.before /tmp/zp.after2; then
	pw_pass every_page_unchanged_with_a_journal_open
else
	pw_fail every_page_unchanged_with_a_journal_open \
		"dump-all before the journal vs. after it and 100 reads:" \
		"$(diff /tmp/zp.before /tmp/zp.after2 | head -n 12)"
fi
after2=$(sed -n 's/^after task://p' /tmp/zp.counters2)
[ -n "$before" ] && pw_eq target_numa_fault_counts_unchanged_with_a_journal "$before" "$after2" \
	"numa lines of /proc/$pid/task/*/sched before vs. after the journal and the reads"
for key in numa_hint_faults numa_pages_migrated; do
	b=$(sed -n "s/^before vmstat:$key //p" /tmp/zp.counters)
	a=$(sed -n "s/^after vmstat:$key //p" /tmp/zp.counters2)
	pw_eq vmstat_${key}_unchanged_with_a_journal "$b" "$a" "/proc/vmstat $key before vs. after"
done
kill $holder
wait $holder 2>/dev/null

kill -CONT $pid
kill $pid
wait $pid 2>/dev/null
pw_numa_balancing_restore
true
