# The journal file as a file (issue 12, point 4): misuse fails with its
# errno, a tiny ring overflows into one overflow record counting what was
# lost, two readers of one target see the same records, a rebind leaves
# the first target, a blocking read waits and a signal interrupts it; a
# journal reader beside pages readers, one closed in the middle of a burst
# of changes, and rmmod refused while a journal is open and clean after.

pw_require_module
PW=/pagewatch/bin/pagewatch

start_target() {
	pw-journal > /tmp/jf.$1 2>&1 &
	eval target_$1=$!
	pw_wait_line /tmp/jf.$1 '^ready' ||
		pw_fail "journal_target_${1}_ready" "$(cat /tmp/jf.$1)"
}
start_target a
start_target b

# checks NAME OUTPUT: pw-jfile's "check NAME ok|bad: why" lines as checks
checks() {
	echo "$2" | while read -r word name verdict why; do
		[ "$word" = check ] || continue
		if [ "$verdict" = ok ]; then
			pw_pass "$1_$name"
		else
			pw_fail "$1_$name" "$why"
		fi
	done
	echo "$2" | grep -q '^check ' || pw_fail "$1_ran" "pw-jfile printed no check: $2"
}

checks errors "$(pw-jfile errors $target_a 2>&1)"
checks overflow "$(pw-jfile overflow $target_a 40 2>&1)"
checks twice "$(pw-jfile twice $target_a 2>&1)"
checks rebind "$(pw-jfile rebind $target_a $target_b 2>&1)"
checks block "$(pw-jfile block $target_a 2>&1)"

# a journal reader beside readers of pages, while the target changes
pw-jfile hold $target_a > /tmp/jf.hold 2>&1 &
holder=$!
pw_wait_line /tmp/jf.hold '^bound' || pw_fail journal_holder_binds "$(cat /tmp/jf.hold)"
for i in $(seq 20); do kill -USR2 $target_a; sleep 0.02; done &
burst=$!
ok=0
for i in 1 2; do
	$PW -p $target_a -s --format json > /tmp/jf.snap 2>/tmp/jf.snap.err && ok=$((ok + 1))
done
pw_eq snapshots_beside_a_journal_reader 2 $ok "snapshots that exited 0: $(head -c 200 /tmp/jf.snap.err)"

# rmmod is refused while a journal is open
if rmmod pagewatch 2>/tmp/jf.rmmod; then
	pw_fail rmmod_refused_while_journal_open "rmmod succeeded with a journal open"
	pw_load_module
else
	pw_pass rmmod_refused_while_journal_open
fi
# the reader goes in the middle of a burst of changes
kill $holder
wait $holder 2>/dev/null
wait $burst
pw_run rmmod_after_the_journal_closed rmmod pagewatch
pw_load_module

kill -9 $target_a $target_b 2>/dev/null
true
