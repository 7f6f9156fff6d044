# Stress: readers scan targets that change their address space as fast as
# they can, while NUMA balancing scans at its fastest and PIDs wrap.
#
# Readers (6, all at once): two raw readers of `pages` over every VMA of the
# current target (stale ranges included), one of `kpage` over random PFN
# windows, one of `text` through `target`, a reader of the change journal
# bound to each target in turn (a 64-record ring, so it overflows), and a
# loop of pagewatch snapshots. Targets (pw-churn target) live 3-8 s each and are replaced;
# their threads loop over mmap/munmap/mremap/mprotect, fork+exit,
# MADV_DONTNEED, MADV_HUGEPAGE + MADV_COLLAPSE (anon and shmem),
# move_pages/migrate_pages between nodes 0 and 1, io_uring buffer
# register/unregister, and hugetlb churn (2 MiB pages mapped private and
# shared, faulted, COW-forked, pinned, moved between nodes, unmapped). A spinner forks short-lived children with pid_max
# lowered, so PIDs wrap every few seconds and a reader's PID often names
# another process by the time it binds.
#
# Passes when every record read is valid and every failed read is a
# documented errno (pw-churn reader), every snapshot exits 0, 3 or 4, the
# module unloads afterwards, and memory comes back (see the leak check).
# The rig checks dmesg for Oops/WARNING/BUG/bad page/lockup/stall.
# Duration: pw.stress_seconds= on the kernel command line (PW_STRESS_SECONDS
# on the host, `make soak-vm`), default 40 (30 on the RT kernel, tests/vm/run).

pw_require_module
secs=$(sed -n 's/.*pw.stress_seconds=\([0-9]*\).*/\1/p' /proc/cmdline)
: "${secs:=40}"
# pw.stress_readers=0: the targets alone, to tell the kernel's own memory
# drift from the module's (PW_STRESS_READERS on the host)
nreaders=$(sed -n 's/.*pw.stress_readers=\([0-9]*\).*/\1/p' /proc/cmdline)
: "${nreaders:=1}"
dir=/tmp/stress
mkdir -p $dir
pidfile=$dir/pid
echo 0 > $pidfile

# mem_free_kb: free pages (MemFree plus the pages parked in the per-CPU
# lists, /proc/zoneinfo "count:"), once caches are dropped, memory
# compacted and deferred frees (io_uring ring teardown, RCU) had time: the
# highest of five tries a second apart
mem_free_kb() {
	local i=0 best=0 kb
	sync
	while [ $i -lt 5 ]; do
		echo 3 > /proc/sys/vm/drop_caches
		echo 1 > /proc/sys/vm/compact_memory
		sleep 1
		kb=$(awk '/^MemFree:/ { print $2 }' /proc/meminfo)
		kb=$(( kb + $(awk '$1 == "count:" { s += $2 } END { print s * 4 }' /proc/zoneinfo) ))
		[ "$kb" -gt "$best" ] && best=$kb
		i=$((i + 1))
	done
	echo $best
}
# hugetlb churn (pw-churn): 2 MiB pages on both nodes, reserved before the
# memory baseline and released after the last figure
hp=hugepages/hugepages-2048kB/nr_hugepages
for n in 0 1; do
	echo 8 > /sys/devices/system/node/node$n/$hp
done
free_before=$(mem_free_kb)
meminfo_before=$(grep -E '^(MemFree|Shmem|Slab|PageTables|KernelStack|Percpu|AnonPages|AnonHugePages):' /proc/meminfo | tr -s ' ' | tr '\n' ' ')

pw_numa_balancing_fast
pid_max_saved=$(cat /proc/sys/kernel/pid_max)
echo 512 > /proc/sys/kernel/pid_max

end=$(( $(date +%s) + secs ))
pw-churn spin "$secs" > $dir/spin.out 2>&1 &
spinner=$!
readers=""
modes="pages pages kpage text journal"
[ "$nreaders" = 0 ] && modes=""
for mode in $modes; do
	pw-churn reader $mode $pidfile "$secs" > $dir/reader.$mode.$(echo $readers | wc -w) 2>&1 &
	readers="$readers $!"
done

# pagewatch snapshots of whatever the PID file names, until the end
(
	n=0 bad=0
	while [ "$nreaders" != 0 ] && [ "$(date +%s)" -lt "$end" ]; do
		pid=$(cat $pidfile)
		[ "$pid" = 0 ] && { sleep 0.1; continue; }
		# every other one with three reader threads (their windows
		# of the page array overflow as the target grows)
		pagewatch -p "$pid" --snapshot --format json --threads $((1 + n % 2 * 2)) \
			> $dir/snap.json 2> $dir/snap.err
		rc=$?
		n=$((n + 1))
		case $rc in
		0) head -n 1 $dir/snap.json | jq -e '.type == "snapshot" and .complete' > /dev/null ||
			{ bad=$((bad + 1)); echo "bad snapshot header: $(head -c 300 $dir/snap.json)"; } ;;
		3|4) ;;
		*) bad=$((bad + 1)); echo "bad exit $rc: $(head -n 3 $dir/snap.err)" ;;
		esac
	done
	echo "snapshots $n bad $bad"
) > $dir/snapshots.out 2>&1 &
snapper=$!

# children_of PID: /proc/CHILD of every process whose parent is PID
children_of() {
	local st
	for st in /proc/[0-9]*/stat; do
		[ "$(cut -d' ' -f4 $st 2>/dev/null)" = "$1" ] && echo "${st%/stat}"
	done
}

# cpu_times: the guest's CPU time so far, in ticks, from /proc/stat's
# first line: "user nice system idle iowait irq softirq"
cpu_times() {
	awk '$1 == "cpu" { print $2, $3, $4, $5, $6, $7, $8; exit }' /proc/stat
}
# task_times: "TICKS PID COMM STATE" of every task, for what ran in a stall
task_times() {
	cat /proc/[0-9]*/task/[0-9]*/stat 2>/dev/null | awk '{
		c = $0; sub(/^[0-9]+ \(/, "", c)
		rest = c; sub(/^.*\) /, "", rest); split(rest, f, " ")
		sub(/\) [A-Z] .*$/, "", c); gsub(/ /, "_", c)
		print f[12] + f[13], $1, c, f[1] }'
}
# stall_report GAP: where the guest's time went during a stall of GAP
# seconds of this loop (the wait for a target ticks every 0.2 s): the
# CPU times it spent by kind, and the tasks that ran most since the
# target started
stall_report() {
	local now_cpu
	now_cpu=$(cpu_times)
	pw_info "stall: the test's loop slept 0.2 s and woke $1 s later; guest CPU ticks in that time:" \
		"$(echo "$cpu_before $now_cpu" | awk '{ split("user nice system idle iowait irq softirq", k, " ");
			for (i = 1; i <= 7; i++) printf "%s %d ", k[i], $(i + 7) - $i }')" \
		"loadavg $(cat /proc/loadavg)"
	task_times > $dir/tasks.after
	pw_info "stall: tasks that ran most since the target started (ticks pid comm state):" \
		"$(awk 'NR == FNR { t[$2] = $1; next } { print $1 - t[$2], $2, $3, $4 }' \
			$dir/tasks.before $dir/tasks.after | sort -rn | head -n 6 | tr '\n' ';')"
}

targets=0 killed=0 dying="" stalls=0
rm -f $dir/ops
# Targets follow each other until the end, and at least two run: a guest
# that stalls (the RT kernel under emulation has stopped this loop for
# half a minute: stall_report says where its time went) gets up to
# another duration to replace its first target, and the test says so
while [ "$(date +%s)" -lt "$end" ] ||
      { [ $targets -lt 2 ] && [ "$(date +%s)" -lt $((end + secs)) ]; }; do
	[ "$(date +%s)" -ge "$end" ] &&
		pw_info "past the end with $targets target(s) run: one more, to replace the first"
	life=$(( 3 + RANDOM % 6 ))
	left=$(( end - $(date +%s) ))
	[ $life -gt $left ] && life=$left
	[ $life -lt 1 ] && life=1
	pw-churn target $life > $dir/target.out 2>&1 &
	t=$!
	born=$(date +%s)
	# readers never see a half-written PID file
	echo $t > $pidfile.new && mv $pidfile.new $pidfile
	# a target still running 5 s after its time (emulated 6.1 under this
	# load has run one for most of a minute) is killed: exiting under the
	# readers and being replaced is the point. Wall-clock time: under
	# this load a loop of short sleeps takes far longer than it counts.
	overdue=$(( $(date +%s) + life + 5 ))
	task_times > $dir/tasks.before
	cpu_before=$(cpu_times) woke=$(date +%s)
	while ! grep -q '^ops total' $dir/target.out && kill -0 $t 2>/dev/null &&
	      [ "$(date +%s)" -lt $overdue ]; do
		sleep 0.2
		gap=$(( $(date +%s) - woke ))
		if [ $gap -ge 5 ]; then
			stalls=$((stalls + 1))
			stall_report $gap
			overdue=$(( overdue + gap ))
		fi
		cpu_before=$(cpu_times) woke=$(date +%s)
	done
	if ! grep -q '^ops total' $dir/target.out && kill -0 $t 2>/dev/null; then
		# where its threads and their children are: figures for the logs
		pw_info "overdue target $t: started $(( $(date +%s) - born )) s ago, to live $life s;" \
			"$(grep -E '^(MemFree|MemAvailable|HugePages_Free|Shmem|AnonHugePages):' /proc/meminfo | tr -s ' ' | tr '\n' ' ')"
		for task in /proc/$t/task/* $(children_of $t); do
			pw_info "overdue target $t ${task#/proc/}: state $(cut -d' ' -f3 $task/stat 2>/dev/null)," \
				"wchan $(cat $task/wchan 2>/dev/null), stack $(head -n 14 $task/stack 2>/dev/null | awk '{ print $2 }' | tr '\n' ' ')"
		done
		# a thread deep in migrate_pages(2) on emulated 6.1 has taken
		# most of a minute to see the signal: the next target starts
		# while this one dies (the readers see it exit either way)
		kill -9 $t 2>/dev/null && killed=$((killed + 1)) && dying="$dying $t"
	else
		wait $t
	fi
	targets=$((targets + 1))
	grep '^ops ' $dir/target.out >> $dir/ops
done
dying_since=$(date +%s)
wait $spinner $readers $snapper $dying
[ -n "$dying" ] && pw_info "targets killed past their time ($dying ) all gone $(( $(date +%s) - dying_since )) s after the end"

echo "$pid_max_saved" > /proc/sys/kernel/pid_max
pw_numa_balancing_restore

# ---- figures
ops=$(awk '$1 == "ops" && $2 == "total" { s += $3 } END { print s + 0 }' $dir/ops)
per_kind=$(awk '$1 == "ops" && $2 != "total" { s[$2] += $3 } END { for (k in s) printf "%s=%d ", k, s[k] }' $dir/ops)
hops=$(awk '$1 == "ops" && $2 ~ /^hugetlb_/ { s += $3 } END { print s + 0 }' $dir/ops)
forks=$(sed -n 's/^forks //p' $dir/spin.out)
pw_info "duration ${secs}s, $targets targets ($killed killed past their time), $ops operations survived: $per_kind"
[ $stalls -gt 0 ] && pw_info "the test's loop stalled $stalls time(s) for 5 s or more (stall: lines above)"
pw_info "spinner forked ${forks:-0} children with pid_max 512 (PIDs wrapped about $(( ${forks:-0} / 512 )) times)"

reads=0 records=0 bad=0
for f in $dir/reader.*; do
	[ -e "$f" ] || continue
	line=$(grep '^reads ' "$f")
	pw_info "reader $(basename "$f"): ${line:-no summary}"
	set -- $line
	if [ "$1" != reads ]; then
		bad=$((bad + 1))
		continue
	fi
	reads=$((reads + $2)) records=$((records + $4)) bad=$((bad + ${12}))
done
snaps=$(cat $dir/snapshots.out)
pw_info "pagewatch: $(grep '^snapshots' $dir/snapshots.out)"
pw_info "raw readers: $reads reads, $records records checked, $bad bad"

[ "$targets" -gt 1 ] && { [ "$ops" -gt 0 ] || [ "$killed" -gt 0 ]; } &&
	pw_pass targets_ran_and_were_replaced ||
	pw_fail targets_ran_and_were_replaced "targets $targets ($killed killed), operations $ops" "$(cat $dir/target.out)"
if [ "$bad" = 0 ] && { [ "$reads" -gt 0 ] || [ "$nreaders" = 0 ]; }; then
	pw_pass raw_reads_give_valid_records_or_documented_errno
else
	pw_fail raw_reads_give_valid_records_or_documented_errno "reads $reads, bad $bad" \
		"$(cat $dir/reader.* | grep -v '^reads' | head -n 30)"
fi
set -- $(grep '^snapshots' $dir/snapshots.out)
if { [ "${2:-0}" -gt 0 ] || [ "$nreaders" = 0 ]; } && [ "${4:-1}" = 0 ]; then
	pw_pass snapshots_exit_0_3_or_4
else
	pw_fail snapshots_exit_0_3_or_4 "$snaps"
fi

pw_run module_unloads_after_stress rmmod pagewatch
pw_load_module
# the logs live in tmpfs: only the figures above are kept
rm -rf $dir

# ---- leak check: the module takes no page reference, so once the targets
# are gone every page they used is free again. MemFree wanders by the
# per-CPU page lists, slab and page tables the kernel keeps around: a few
# MiB. The targets faulted far more than that (each op touches 4 KiB-2 MiB;
# a leaked reference on one page in a thousand would show as tens of MiB).
tolerance_kb=8192
free_after=$(mem_free_kb)
lost=$(( free_before - free_after ))
pw_info "MemFree before ${free_before} kB, after ${free_after} kB: $lost kB less (tolerance $tolerance_kb kB)"
pw_info "meminfo before: $meminfo_before"
pw_info "meminfo after:  $(grep -E '^(MemFree|Shmem|Slab|PageTables|KernelStack|Percpu|AnonPages|AnonHugePages):' /proc/meminfo | tr -s ' ' | tr '\n' ' ')"
if [ "$lost" -le "$tolerance_kb" ]; then
	pw_pass memory_returns_after_targets_exit
else
	pw_fail memory_returns_after_targets_exit "MemFree before ${free_before} kB, after ${free_after} kB" \
		"$(grep -E 'MemFree|Shmem|Slab|PageTables|AnonPages|Unevictable|Mlocked' /proc/meminfo)"
fi
[ "$hops" -gt 0 ] && pw_pass hugetlb_churn_ran ||
	pw_fail hugetlb_churn_ran "no hugetlb operation (map, fork, pin, move) succeeded: $per_kind"
for n in 0 1; do
	echo 0 > /sys/devices/system/node/node$n/$hp
done
true
