# Safety basics: root-only files, CAP_SYS_ADMIN checked at open, ESRCH for a
# target that is gone, EINVAL/ESRCH for bad writes and misaligned reads, and
# two open files bound to two targets at once each read their own target.

pw_require_module
V=/pagewatch/bin/pw-verify

for f in pages kpage target text version; do
	seen=$(stat -c '%u %a' $PW_DEBUGFS/$f 2>&1)
	case "$seen" in
	"0 400"|"0 600"|"0 200") pw_pass ${f}_file_is_root_only ;;
	*) pw_fail ${f}_file_is_root_only "what:     owner and mode of $PW_DEBUGFS/$f" \
		"expected: 0 400, 0 600 or 0 200" "seen:     $seen" ;;
	esac
done

# debugfs' root is 0700: open it up for the test so that the files' own
# permissions, not the directory's, refuse nobody
mount -o remount,mode=0755 /sys/kernel/debug
for f in pages kpage target text version; do
	seen=$(su nobody -s /bin/sh -c "$V open-errno $PW_DEBUGFS/$f" 2>&1)
	case "$seen" in
	EACCES|EPERM) pw_pass nobody_refused_at_open_of_$f ;;
	*) pw_fail nobody_refused_at_open_of_$f "what:     open($PW_DEBUGFS/$f) as nobody (debugfs root 0755)" \
		"expected: EACCES or EPERM" "seen:     $seen" ;;
	esac
done
mount -o remount,mode=0700 /sys/kernel/debug

# root without CAP_SYS_ADMIN passes the mode bits; the module's check stops it
for f in pages kpage target text; do
	pw_eq root_without_cap_sys_admin_refused_at_open_of_$f EPERM \
		"$($V open-errno $PW_DEBUGFS/$f nocap 2>&1)" "open as uid 0 after dropping CAP_SYS_ADMIN"
done
pw_eq root_with_cap_sys_admin_opens_pages OK "$($V open-errno $PW_DEBUGFS/pages 2>&1)" "open as root"

seen=$($V exited-errno zombie 2>&1 | grep -v "^exited_seek" | tr '\n' ' ')
pw_eq read_of_exited_unreaped_target_gives_esrch "alive:OK exited:ESRCH " "$seen" \
	"pread of pages bound to a child: while alive, then once it exited (zombie)"
seen=$($V exited-errno reaped 2>&1 | grep -v "^exited_seek" | tr '\n' ' ')
pw_eq read_of_exited_reaped_target_gives_esrch "alive:OK exited:ESRCH " "$seen" \
	"pread of pages bound to a child: while alive, then once it exited and was reaped"

# a target killed while a reader loops over its whole address space
pw-bind 0 2048 > /tmp/safety-race.out &
racer=$!
pw_wait_line /tmp/safety-race.out .
$V read-until-gone $racer > /tmp/safety-race.res 2>/tmp/safety-race.err &
reader=$!
# killed mid-loop, once the reader is bound and went round once: a loaded
# host may take longer than any fixed sleep to start it
pw_wait_line /tmp/safety-race.err "one full round" 300
kill -9 $racer
wait $racer 2>/dev/null
i=0
while [ $i -lt 100 ] && kill -0 $reader 2>/dev/null; do sleep 0.1; i=$((i + 1)); done
if kill -0 $reader 2>/dev/null; then
	kill $reader
	pw_fail read_racing_target_exit_ends_in_esrch "the reader still reads 10 s after its target was killed"
else
	pw_eq read_racing_target_exit_ends_in_esrch ESRCH "$(cat /tmp/safety-race.res)" \
		"first failing pread of a reader looping over a target killed meanwhile ($(cat /tmp/safety-race.err))"
fi

pw-bind 0 16 > /tmp/safety0.out &
p0=$!
pw-bind 1 16 > /tmp/safety1.out &
p1=$!
pw_wait_line /tmp/safety0.out . && pw_wait_line /tmp/safety1.out .
a0=$(cut -d' ' -f1 /tmp/safety0.out)
a1=$(cut -d' ' -f1 /tmp/safety1.out)
seen=$($V two-readers $p0 $a0 $p1 $a1 500 2>&1)
pw_eq two_readers_on_two_targets_each_read_their_own "reads=500 bad=0 reads=500 bad=0" \
	"$(echo "$seen" | awk '{ printf "%s%s %s", (NR > 1 ? " " : ""), $3, $4 }')" \
	"two threads, each with its own pages file, 500 reads each, PFN vs. its target's pagemap: $seen"
n0=$($V dump $p0 $a0 $(printf '%x' $((0x$a0 + 4096))) | cut -d' ' -f3)
n1=$($V dump $p1 $a1 $(printf '%x' $((0x$a1 + 4096))) | cut -d' ' -f3)
pw_eq two_targets_pages_on_their_bound_nodes "0 1" "$n0 $n1" "NODE of the first page of pw-bind 0 and pw-bind 1"

# a PID that does not exist: below pid_max, no /proc entry
gone=$(( $(cat /proc/sys/kernel/pid_max) - 1 ))
while [ -d /proc/$gone ]; do gone=$((gone - 1)); done

# bad NAME FILE TEXT ERRNO...: writing TEXT to FILE fails with one of ERRNO
bad() {
	local name=$1 file=$2 text=$3 seen
	shift 3
	seen=$($V write-errno $PW_DEBUGFS/$file "$text" 2>&1)
	case " $* " in
	*" $seen "*) pw_pass $name ;;
	*) pw_fail $name "what:     write('$text') to $PW_DEBUGFS/$file" "expected: $*" "seen:     $seen" ;;
	esac
}
bad pages_rejects_garbage pages "garbage" EINVAL
bad pages_rejects_negative_pid pages "-1" EINVAL ESRCH
bad pages_rejects_pid_0 pages "0" EINVAL ESRCH
bad pages_rejects_missing_pid pages "$gone" ESRCH
bad target_rejects_garbage target "garbage" EINVAL
bad target_rejects_reversed_range target "$p0 7f0000002000-7f0000001000" EINVAL
bad target_rejects_reversed_pfn_range target "pfn 2000-1000" EINVAL
bad target_rejects_negative_pid target "-5 1000-2000" EINVAL ESRCH
bad target_rejects_pid_0 target "0 1000-2000" EINVAL ESRCH
bad target_rejects_missing_pid target "$gone 1000-2000" ESRCH
bad target_accepts_a_valid_range target "$p0 $a0-$(printf '%x' $((0x$a0 + 4096)))" OK

pw_eq pages_read_before_binding_gives_enxio ENXIO "$($V read-errno $PW_DEBUGFS/pages 0 32)" \
	"pread of a pages file no PID was written to"
echo none > $PW_DEBUGFS/target
pw_eq text_without_target_gives_enxio ENXIO "$($V read-errno $PW_DEBUGFS/text 0 4096)" \
	"open+read of text after writing 'none' to target"
pw_eq target_reads_none_when_unset none "$(cat $PW_DEBUGFS/target)" "cat target after writing 'none'"

pw_eq pages_rejects_misaligned_offset EINVAL "$($V pread-errno $p0 1 32)" "pread(32 bytes at offset 1)"
pw_eq pages_rejects_partial_record EINVAL "$($V pread-errno $p0 $(( (0x$a0 / 4096) * 32 )) 31)" \
	"pread(31 bytes at the first page's record)"
# 2^57 is past the largest user address space (5-level paging: 2^56)
pw_eq pages_read_past_user_space_returns_0 "OK 0" \
	"$($V pread-errno $p0 $(( (0x200000000000000 / 4096) * 32 )) 32)" "pread(32 bytes at the record of 2^57)"

kill $p0 $p1
wait $p0 $p1 2>/dev/null
true
