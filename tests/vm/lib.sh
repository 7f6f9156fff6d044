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
