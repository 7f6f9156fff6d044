# Helpers for the guest's test scripts (sourced; busybox sh).
# A script reports checks with pw_pass/pw_fail/pw_eq; each check is one
# named behaviour, counted once by the host.
PW_KO=/pagewatch/pagewatch.ko
PW_DEBUGFS=/sys/kernel/debug/pagewatch
PW_FAILED=0

pw_pass() {
	echo "PASS $PW_TEST:$1" >&3
}

# pw_fail NAME DETAIL...: every further argument is one line of detail
pw_fail() {
	local name=$1
	shift
	PW_FAILED=1
	echo "FAIL $PW_TEST:$name" >&3
	for line in "$@"; do
		printf '%s\n' "$line" | sed 's/^/  | /' >&3
	done
}

# pw_leave NAME FILE: hand FILE to the host, which finds it as
# tests/vm/out/RELEASE/files/NAME once the guest is done (base64 on the
# fourth serial port, ttyS3); the host's checks of tests/vm/host/ read it
pw_leave() {
	{
		echo "@@FILE $1"
		base64 "$2"
		echo "@@END"
	} >/dev/ttyS3
}

pw_skip() {
	echo "SKIP $PW_TEST:$1: $2" >&3
}

# pw_eq NAME EXPECTED SEEN [WHAT]: WHAT says how SEEN was obtained
pw_eq() {
	if [ "$2" = "$3" ]; then
		pw_pass "$1"
	else
		pw_fail "$1" "what:     ${4:-}" "expected: $2" "seen:     $3"
	fi
}

# pw_run NAME CMD...: passes when CMD succeeds; on failure shows its output
pw_run() {
	local name=$1 out rc
	shift
	out=$("$@" 2>&1)
	rc=$?
	if [ $rc -eq 0 ]; then
		pw_pass "$name"
	else
		pw_fail "$name" "command: $*" "status:  $rc" "$out"
	fi
	return $rc
}

pw_load_module() {
	lsmod | grep -q '^pagewatch ' || insmod "$PW_KO"
}

pw_unload_module() {
	! lsmod | grep -q '^pagewatch ' || rmmod pagewatch
}

# pw_dmesg_tail: the last lines of the kernel log, for a failure's detail
pw_dmesg_tail() {
	dmesg | tail -n "${1:-20}"
}

# pw_wait_line FILE PATTERN [TRIES]: wait, 0.1 s a try (default 150 tries),
# until FILE has a line matching PATTERN; fails when it never does
pw_wait_line() {
	local i=0
	while [ "$i" -lt "${3:-150}" ]; do
		grep -q "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# pw_region FILE NAME: "START END" from a workload's "region NAME START END"
pw_region() {
	sed -n "s/^region $2 //p" "$1"
}

# pw_verified NAME OUTPUT CHECK EXPECTED: pw-verify's line
# "check CHECK checked=N bad=M" must say bad=0 and checked=EXPECTED
# (EXPECTED "+" means at least one page)
pw_verified() {
	local name=$1 out=$2 check=$3 want=$4 line checked bad
	line=$(printf '%s\n' "$out" | grep "^check $check ")
	checked=$(printf '%s\n' "$line" | sed -n 's/.* checked=\([0-9]*\).*/\1/p')
	bad=$(printf '%s\n' "$line" | sed -n 's/.* bad=\([0-9]*\).*/\1/p')
	if [ -n "$checked" ] && [ "$bad" = 0 ] &&
	   { [ "$checked" = "$want" ] || { [ "$want" = "+" ] && [ "$checked" -gt 0 ]; }; }; then
		pw_pass "$name"
		echo "INFO $PW_TEST:$name: $checked pages agree with the kernel ($check)" >&3
	else
		pw_fail "$name" "what:     pw-verify $check: pages checked, pages disagreeing" \
			"expected: checked=$want bad=0" "seen:     ${line:-no such check}" \
			"$(printf '%s\n' "$out" | grep "^  $check " | head -n 8)"
	fi
}

# NUMA balancing is on from the kernel command line (numa_balancing=enable)
# and tests never switch it: writing kernel.numa_balancing flips a static
# key, and text patching under multi-threaded TCG can leave the other vCPU
# a stale int3 (tests/vm/run). Tests tune and pause its scanner instead.

# pw_numa_balancing_fast: scan soon, often and much
# (restore with pw_numa_balancing_restore)
pw_numa_balancing_fast() {
	local d=/sys/kernel/debug/sched/numa_balancing f
	if ! pw_have_numa_balancing; then
		echo "INFO $PW_TEST: kernel $(uname -r) has no NUMA balancing: its scanner is not sped up" >&3
		PW_NB_SAVED=""
		return 0
	fi
	PW_NB_SAVED="numa_balancing=$(cat /proc/sys/kernel/numa_balancing)"
	for f in scan_delay_ms scan_period_min_ms scan_period_max_ms scan_size_mb; do
		[ -f $d/$f ] && PW_NB_SAVED="$PW_NB_SAVED $f=$(cat $d/$f)"
	done
	if [ "$(cat /proc/sys/kernel/numa_balancing)" = 0 ]; then
		echo "INFO $PW_TEST: kernel.numa_balancing was 0 (not booted with numa_balancing=enable?): switching it on" >&3
		echo 1 > /proc/sys/kernel/numa_balancing
	fi
	echo 0 > $d/scan_delay_ms
	echo 100 > $d/scan_period_min_ms
	echo 200 > $d/scan_period_max_ms
	echo 256 > $d/scan_size_mb
}

# pw_numa_scan_pause: no PTE is marked protnone from now on, without
# switching NUMA balancing off: mode 2 (memory tiering only) leaves the
# static key on, and change_pte_range()/change_huge_pmd() skip pages on
# top-tier nodes (6.1 and 6.12), which both of this guest's DRAM nodes
# are. Hinting faults on entries already marked are still resolved.
# (scan_size_mb=0 is no pause: task_scan_start() divides by it.)
pw_numa_scan_pause() {
	pw_have_numa_balancing || return 0
	echo 2 > /proc/sys/kernel/numa_balancing
}

pw_numa_balancing_restore() {
	local d=/sys/kernel/debug/sched/numa_balancing kv
	for kv in $PW_NB_SAVED; do
		case $kv in
		numa_balancing=*) echo "${kv#*=}" > /proc/sys/kernel/numa_balancing ;;
		*) echo "${kv#*=}" > "$d/${kv%%=*}" ;;
		esac
	done
}

# pw_stop PID: SIGSTOP PID and wait until every thread is stopped
pw_stop() {
	local i=0 t running
	kill -STOP "$1"
	while [ $i -lt 100 ]; do
		running=0
		for t in /proc/$1/task/*/stat; do
			# field 3 is the state; the name in field 2 has no spaces here
			[ "$(cut -d' ' -f3 "$t")" = T ] || running=1
		done
		[ $running = 0 ] && return 0
		sleep 0.05
		i=$((i + 1))
	done
	return 1
}

# pw_require_module: load the module; without it, one failure and the test
# script ends (its checks would only repeat that failure)
pw_require_module() {
	pw_load_module 2>/dev/null
	if [ ! -e "$PW_DEBUGFS/pages" ]; then
		pw_fail module_loaded "no $PW_DEBUGFS/pages: the module did not build or load" \
			"$(pw_dmesg_tail 5)"
		exit 0
	fi
}

# pw_info TEXT: a figure for the logs (results.log), not a check
pw_info() {
	echo "INFO $PW_TEST: $*" >&3
}

# pw_json_pages FILE [SEQ]: one line per page object of pagewatch's JSON
# Lines FILE (of snapshot SEQ, default every one), null as "-":
#  1 ADDR 2 PRESENT 3 PFN 4 NODE 5 MAPCOUNT 6 THP 7 ORDER 8 PINNED
#  9 PINCOUNT 10 REFCOUNT 11 PROTNONE 12 SAVEDWRITE 13 MIGRATED
#  14 DIVERGED 15 OLD_NODE 16 OLD_PFN 17 FLAGS (comma-separated, "-": none)
pw_json_pages() {
	jq -r --argjson seq "${2:-0}" 'select(.type == "page" and ($seq == 0 or .seq == $seq)) |
		[.addr, .present, .pfn, .node, .mapcount, .thp, .order, .pinned,
		 .pincount, .refcount, .protnone, .savedwrite, .migrated,
		 .diverged, .old_node, .old_pfn,
		 (.flags | if length == 0 then null else join(",") end)] |
		map(if . == null then "-" else tostring end) | join(" ")' "$1"
}

# pw_in_regions WORKLOAD-OUTPUT REGION...: filter lines whose first field
# (an address, hex with or without 0x) is in one of the regions
pw_in_regions() {
	local file=$1 r ranges=""
	shift
	for r in "$@"; do
		ranges="$ranges $(pw_region "$file" "$r" | tr ' ' '-')"
	done
	awk -v ranges="$ranges" 'BEGIN { n = split(ranges, r, " ")
		for (i = 1; i <= n; i++) { split(r[i], se, "-"); s[i] = ("0x" se[1]) + 0; e[i] = ("0x" se[2]) + 0 } }
		{ a = $1; if (a !~ /^0x/) a = "0x" a; a += 0
		  for (i = 1; i <= n; i++) if (a >= s[i] && a < e[i]) { print; next } }'
}

# Debian's PREEMPT_RT build of 6.12 has neither CONFIG_TRANSPARENT_HUGEPAGE
# nor CONFIG_NUMA_BALANCING (its config in the image package). A test that
# needs one starts with pw_require_thp / pw_require_numa_balancing: on a
# kernel without it these check the opposite instead (nothing is reported
# as THP, PMD-mapped or protnone), say so, and return 1; the test ends.
pw_have_thp() {
	[ -d /sys/kernel/mm/transparent_hugepage ]
}

pw_have_numa_balancing() {
	[ -f /proc/sys/kernel/numa_balancing ]
}

# pw_nothp_start: run pw-huge nothp (a written 2 MiB-aligned 4 MiB region);
# sets PW_NOTHP_PID
pw_nothp_start() {
	pw-huge nothp > /tmp/nothp.out 2>&1 &
	PW_NOTHP_PID=$!
	if ! pw_wait_line /tmp/nothp.out '^ready'; then
		pw_fail nothp_workload_ready "pw-huge nothp did not get ready:" "$(cat /tmp/nothp.out)"
		kill $PW_NOTHP_PID
		return 1
	fi
}

pw_nothp_stop() {
	kill $PW_NOTHP_PID 2>/dev/null
	wait $PW_NOTHP_PID 2>/dev/null
}

pw_require_thp() {
	pw_have_thp && return 0
	echo "INFO $PW_TEST: kernel $(uname -r) has no transparent huge pages (no /sys/kernel/mm/transparent_hugepage): checking that none is reported instead" >&3
	pw_nothp_start || return 1
	pw_eq no_thp_kernel_refuses_madv_hugepage "madvise EINVAL" "$(grep '^madvise' /tmp/nothp.out)" \
		"madvise(MADV_HUGEPAGE) of a 2 MiB-aligned region"
	pw_eq no_thp_kernel_reports_no_thp "1024 present, 0 thp or pmd, 0 order>0" \
		"$(pw-verify dump $PW_NOTHP_PID $(pw_region /tmp/nothp.out nothp) |
		   awk '$8 ~ /(^|,)present(,|$)/ { p++ } $8 ~ /(^|,)(thp|pmd)(,|$)/ { t++ } $4 != 0 { o++ }
			END { printf "%d present, %d thp or pmd, %d order>0", p, t, o }')" \
		"records of the written 4 MiB region"
	pw_verified no_thp_kernel_kpageflags_agree \
		"$(pw-verify agree $PW_NOTHP_PID $(pw_region /tmp/nothp.out nothp) 2>&1)" \
		thp_matches_kpageflags 1024
	pw_nothp_stop
	return 1
}

pw_require_numa_balancing() {
	pw_have_numa_balancing && return 0
	echo "INFO $PW_TEST: kernel $(uname -r) has no NUMA balancing (no /proc/sys/kernel/numa_balancing): checking that no page is reported protnone instead" >&3
	pw_nothp_start || return 1
	sleep 3
	pw_eq no_numa_balancing_kernel_reports_no_protnone "0 protnone, 0 savedwrite" \
		"$(pw-verify dump-all $PW_NOTHP_PID | awk '$8 ~ /(^|,)protnone(,|$)/ { p++ } $8 ~ /(^|,)savedwrite(,|$)/ { s++ }
			END { printf "%d protnone, %d savedwrite", p, s }')" \
		"records of every VMA of a process that ran 3 s"
	pw_eq no_numa_balancing_kernel_marks_no_pte 0 \
		"$(awk '$1 == "numa_pte_updates" { n = $2 } END { print n + 0 }' /proc/vmstat)" \
		"/proc/vmstat numa_pte_updates (absent counts as 0)"
	pw_nothp_stop
	return 1
}
