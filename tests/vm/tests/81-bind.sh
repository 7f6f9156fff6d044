# Who may bind (issue 15, points 1 and 5). Every bind (a PID written to
# pages or target, and the text view's open of a PID target) checks the
# caller for CAP_SYS_ADMIN and CAP_SYS_PTRACE in the initial user
# namespace, whoever opened the file; the kernel log names what is missing.
# A bound descriptor stays readable wherever it goes (as a pagemap one
# does). The target setting keeps no address space: text binds at open.

pw_require_module
V=/pagewatch/bin/pw-verify

pw-bind 0 16 > /tmp/bind.out &
tpid=$!
if ! pw_wait_line /tmp/bind.out '^[0-9a-f][0-9a-f]* [0-9a-f][0-9a-f]*$'; then
	pw_fail bind_workload_ready "pw-bind printed no range in 15 s: '$(cat /tmp/bind.out)'; its status: $(cat /proc/$tpid/status 2>/dev/null | head -3 | tr '\n' ' ')"
	kill $tpid 2>/dev/null
	exit 0
fi
a0=$(cut -d' ' -f1 /tmp/bind.out)
a1=$(printf '%x' $((0x$a0 + 4096)))

# refused_line COMM CAP: the kernel log's last refusal of a bind by COMM
# naming CAP (rate-limited to 10 lines in 5 s: this test writes at most 6)
refused_line() {
	dmesg | grep "pagewatch: bind by $1\[[0-9]*\] refused: $2 missing in the initial user namespace" | tail -n 1
}

pw_eq root_binds_pages OK "$($V write-errno $PW_DEBUGFS/pages $tpid)" "write(PID) to pages as root"
pw_eq root_without_cap_sys_ptrace_cannot_bind_pages EPERM \
	"$(pw-nocap ptrace $V write-errno $PW_DEBUGFS/pages $tpid 2>&1)" \
	"write(PID) to pages as uid 0 without CAP_SYS_PTRACE (bounding and effective sets)"
line=$(refused_line pw-verify CAP_SYS_PTRACE)
if [ -n "$line" ]; then
	pw_pass refusal_names_cap_sys_ptrace
	pw_info "kernel log: $line"
else
	pw_fail refusal_names_cap_sys_ptrace "no refusal naming CAP_SYS_PTRACE in the kernel log:" "$(pw_dmesg_tail 5)"
fi
pw_eq root_without_cap_sys_ptrace_cannot_set_a_pid_target EPERM \
	"$(pw-nocap ptrace $V write-errno $PW_DEBUGFS/target "$tpid $a0-$a1" 2>&1)" \
	"write('PID START-END') to target as uid 0 without CAP_SYS_PTRACE"
pw_eq root_without_cap_sys_ptrace_sets_a_pfn_target OK \
	"$(pw-nocap ptrace $V write-errno $PW_DEBUGFS/target "pfn 1000-1001" 2>&1)" \
	"write('pfn 1000-1001') to target as uid 0 without CAP_SYS_PTRACE: no process is bound"
echo "$tpid $a0-$a1" > $PW_DEBUGFS/target
pw_eq root_without_cap_sys_ptrace_cannot_open_text_of_a_pid EPERM \
	"$(pw-nocap ptrace $V read-errno $PW_DEBUGFS/text 0 4096 2>&1)" \
	"open+read of text (target '$tpid $a0-$a1') as uid 0 without CAP_SYS_PTRACE"
pw_eq root_reads_text_of_a_pid "OK" "$($V read-errno $PW_DEBUGFS/text 0 4096 | cut -d' ' -f1)" \
	"open+read of text (target '$tpid $a0-$a1') as root"

# pagewatch itself, run as root without CAP_SYS_PTRACE. Against a root
# target with every capability, the kernel's own pagemap check refuses it
# first (commoncap: the reader's permitted set must hold the target's) and
# pagewatch names CAP_SYS_PTRACE.
pw-nocap ptrace pagewatch -p $tpid --snapshot --format json > /tmp/bind.pw 2> /tmp/bind.pw.err
rc=$?
if [ $rc -ne 0 ] && grep -q CAP_SYS_PTRACE /tmp/bind.pw.err; then
	pw_pass pagewatch_without_cap_sys_ptrace_refused_by_pagemap_with_capability_named
else
	pw_fail pagewatch_without_cap_sys_ptrace_refused_by_pagemap_with_capability_named \
		"pagewatch -p $tpid --snapshot under pw-nocap ptrace: exit $rc" "stderr: $(cat /tmp/bind.pw.err)"
fi
# Against a target without CAP_SYS_PTRACE either, pagemap lets it read and
# the module's bind refuses it, naming the capability in the kernel log;
# pagewatch goes on without the module
pw-nocap ptrace pw-bind 0 16 > /tmp/bind-nocap.out &
npid=$!
pw_wait_line /tmp/bind-nocap.out .
pw-nocap ptrace pagewatch -p $npid --snapshot --format json > /tmp/bind.pw 2> /tmp/bind.pw.err
rc=$?
line=$(refused_line pagewatch CAP_SYS_PTRACE)
if [ $rc -eq 0 ] && [ -n "$line" ]; then
	pw_pass pagewatch_without_cap_sys_ptrace_refused_by_module_with_capability_named
	pw_info "kernel log: $line; pagewatch said: $(head -c 300 /tmp/bind.pw.err)"
else
	pw_fail pagewatch_without_cap_sys_ptrace_refused_by_module_with_capability_named \
		"pagewatch -p $npid --snapshot under pw-nocap ptrace, target under pw-nocap ptrace too: exit $rc (0 expected: it degrades)" \
		"stderr: $(cat /tmp/bind.pw.err)" "kernel log:" "$(pw_dmesg_tail 5)"
fi
kill $npid
wait $npid 2>/dev/null

# descriptors opened by root, then held by nobody: one inherited bound,
# one passed unbound over a UNIX socket (SCM_RIGHTS)
pw_eq descriptor_passed_to_nobody_cannot_rebind \
	"inherited_rebind:EPERM inherited_read:OK passed_bind:EPERM passed_read:ENXIO" \
	"$($V passed-fd $tpid $a0 2>&1)" \
	"as nobody: write(PID) and pread on a pages file root bound (inherited), then on one root opened and passed unbound"

# the target setting holds no address space: once the process has exited
# (and been reaped) text cannot open it; target still shows the setting
pw-bind 1 16 > /tmp/bind1.out &
gone=$!
pw_wait_line /tmp/bind1.out .
g0=$(cut -d' ' -f1 /tmp/bind1.out)
g1=$(printf '%x' $((0x$g0 + 4096)))
echo "$gone $g0-$g1" > $PW_DEBUGFS/target
before=$($V read-errno $PW_DEBUGFS/text 0 4096 | cut -d' ' -f1)
kill -9 $gone
wait $gone 2>/dev/null
pw_eq text_of_an_exited_target_fails_at_open "OK ESRCH" \
	"$before $($V open-errno $PW_DEBUGFS/text 2>&1)" \
	"open+read of text while the target lives, then open once it was killed and reaped"
pw_eq target_setting_outlives_its_process "$gone $g0-$g1" "$(cat $PW_DEBUGFS/target)" \
	"cat target after its process exited"
echo "$tpid $a0-$a1" > $PW_DEBUGFS/target
pw_eq text_rebinds_at_open_after_a_new_target "$a0" \
	"$(grep -v '^#' $PW_DEBUGFS/text | cut -d' ' -f1)" "ADDR of text after target was set to a live process again"

echo none > $PW_DEBUGFS/target
kill $tpid
wait $tpid 2>/dev/null
true
