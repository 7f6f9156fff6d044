# Hostile input to every file of the module (pw-fuzz): two fuzzers at once,
# each with its own seed, write garbage, huge and negative numbers, the PIDs
# of init, kthreadd, a zombie and themselves, ranges past TASK_SIZE,
# reversed and unaligned, ring sizes to the journal, and read, seek and
# poll with random offsets and sizes. Every
# call must end in a value or an allowed errno within 60 s (a text read far
# into a 1 << 20-page target formats every line before it). Non-root users
# are refused at open: 80-safety checks that for every file.
# The seed is pw.fuzz_seed= on the kernel command line (PW_FUZZ_SEED on the
# host), the time otherwise; iterations pw.fuzz_iterations= (default 10000
# per fuzzer). Both are printed, so a failure can be replayed.

pw_require_module
seed=$(sed -n 's/.*pw.fuzz_seed=\([0-9]*\).*/\1/p' /proc/cmdline)
iters=$(sed -n 's/.*pw.fuzz_iterations=\([0-9]*\).*/\1/p' /proc/cmdline)
: "${seed:=$(date +%s)}" "${iters:=10000}"

start=$(date +%s)
pw-fuzz "$iters" "$seed" > /tmp/fuzz.0 2>&1 &
f0=$!
pw-fuzz "$iters" $((seed + 1)) > /tmp/fuzz.1 2>&1 &
f1=$!
wait $f0
rc0=$?
wait $f1
rc1=$?
secs=$(( $(date +%s) - start ))

for i in 0 1; do
	eval rc=\$rc$i
	s=$(sed -n 's/^seed //p' /tmp/fuzz.$i)
	calls=$(sed -n 's/^calls \([0-9]*\) .*/\1/p' /tmp/fuzz.$i)
	pw_info "fuzzer $i: seed $s, $iters iterations, ${calls:-?} calls in ${secs}s:" \
		$(sed -n 's/^calls [0-9]* //p; s/^errno //p' /tmp/fuzz.$i | tr '\n' ' ')
	if [ "$rc" = 0 ] && grep -q '^bad 0$' /tmp/fuzz.$i; then
		pw_pass "fuzzer_${i}_every_call_returns_a_value_or_an_allowed_errno"
	else
		pw_fail "fuzzer_${i}_every_call_returns_a_value_or_an_allowed_errno" \
			"pw-fuzz $iters $s exited $rc (3: a call hung)" "$(grep '^bad' /tmp/fuzz.$i)"
	fi
done

# the module still answers sanely afterwards
echo none > $PW_DEBUGFS/target
pw_eq version_still_reads_after_fuzzing "abi 1" "$(grep '^abi ' $PW_DEBUGFS/version)" "abi line of version"
sleep 600 &
s=$!
n=$(pagewatch -p $s --snapshot --format json 2>/dev/null | jq -s '[.[1:][] | select(.present)] | length')
[ "${n:-0}" -gt 0 ] && pw_pass snapshot_works_after_fuzzing ||
	pw_fail snapshot_works_after_fuzzing "present pages of sleep: ${n:-none}"
kill $s
wait $s 2>/dev/null
pw_run module_unloads_after_fuzzing rmmod pagewatch
pw_load_module
true
