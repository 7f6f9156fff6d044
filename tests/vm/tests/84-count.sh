# Counts made in the module (PAGEWATCH_IOC_COUNT on `pages`, feature
# "count"): for targets holding every kind of page a summary counts (THP,
# the zero page, shared pages, pages on both nodes, pinned small pages and a
# pinned THP, hugetlb pages on both nodes), stopped so that nothing moves:
# - the ioctl's counts of every VMA, whole and cut off its first and last
#   page, equal the counts made from the records a read returns;
# - `--summary`, which counts through the ioctl, prints the mapping lines
#   and pages_read of a summary made from the pages kept (the first
#   snapshot of `-n 2`, which keeps them to compare);
# - bad ranges, an unbound file, an exited target, a bad pointer and an
#   unknown command each get their documented errno.

pw_require_module
V=/pagewatch/bin/pw-verify
PW=/pagewatch/bin/pagewatch

pw_eq version_lists_count_feature 1 \
	"$(grep -c '^features.* count\( \|$\)' $PW_DEBUGFS/version)" \
	"a \"count\" word on the features line of $PW_DEBUGFS/version"

hp=hugepages/hugepages-2048kB/nr_hugepages
for n in 0 1; do
	echo 8 > /sys/devices/system/node/node$n/$hp
done

# ready NAME OUT: wait for the workload writing OUT to say ready
ready() {
	if ! pw_wait_line "$2" '^ready' 300; then
		pw_fail ${1}_workload_ready "$1 did not get ready:" "$(cat "$2")"
		return 1
	fi
}

# step PID OUT NAME: have a stepped workload run its next step, NAME
step() {
	kill -USR1 $1
	pw_wait_line "$2" "^done $3\$" 300 ||
		pw_fail step_$3 "step $3 did not complete:" "$(cat "$2")"
}

# mapping_lines FILE: the mapping lines of snapshot 1, and its pages_read
mapping_lines() {
	jq -c 'select(.seq == 1 and (.type == "mapping" or .type == "snapshot")) |
		if .type == "snapshot" then { pages_read } else . end' "$1"
}

# agree NAME PID: both comparisons on the stopped PID
agree() {
	local name=$1 pid=$2 i
	pw_stop $pid
	pw_verified ${name}_ioctl_counts_equal_counted_records \
		"$($V count-agree $pid 2>&1)" count_equals_records +
	# stopped, its pages stay; khugepaged or compaction could still move
	# one between the two reads: three tries. With --all too (every page
	# of every mapping counts as read, with state or not).
	for all in "" --all; do
		for i in 1 2 3; do
			$PW -p $pid -s --summary --format json $all > /tmp/count-sum.json 2>/tmp/count-sum.err
			$PW -p $pid -s --summary --format json -n 2 -i 0.25 $all > /tmp/count-kept.json 2>/tmp/count-kept.err
			mapping_lines /tmp/count-sum.json > /tmp/count-sum.lines
			mapping_lines /tmp/count-kept.json > /tmp/count-kept.lines
			cmp -s /tmp/count-sum.lines /tmp/count-kept.lines && break
		done
		pw_eq ${name}_summary${all:+_all}_counted_by_the_module "true false" \
			"$(jq -r 'select(.type == "snapshot" and .seq == 1) | .sources.kmod_count' \
				/tmp/count-sum.json /tmp/count-kept.json | tr '\n' ' ' | sed 's/ $//')" \
			"sources.kmod_count of --summary $all, then of -n 2 --summary $all (pages kept)"
		if [ -s /tmp/count-sum.lines ] && cmp -s /tmp/count-sum.lines /tmp/count-kept.lines; then
			pw_pass ${name}_summary${all:+_all}_counted_in_module_equals_kept_pages
			pw_info "${name}${all:+ --all}: $(($(wc -l < /tmp/count-sum.lines) - 1)) mapping lines, $(head -n 1 /tmp/count-sum.lines)"
		else
			pw_fail ${name}_summary${all:+_all}_counted_in_module_equals_kept_pages \
				"what: --summary $all (<) against the first snapshot of -n 2 --summary $all (>), JSON" \
				"$(diff /tmp/count-sum.lines /tmp/count-kept.lines | head -n 8)" \
				"$(head -n 3 /tmp/count-sum.err /tmp/count-kept.err)"
		fi
	done
	kill -CONT $pid
}

pw-layout maps 64 > /tmp/count-maps.out 2>&1 &
maps=$!
pw-layout nodes 64 > /tmp/count-nodes.out 2>&1 &
nodes=$!
pw-pin 64 reg-small reg-thp > /tmp/count-pin.out 2>&1 &
pin=$!
pw-huge reg > /tmp/count-huge.out 2>&1 &
huge=$!
if ready maps /tmp/count-maps.out && ready nodes /tmp/count-nodes.out &&
   ready pin /tmp/count-pin.out && ready huge /tmp/count-huge.out; then
	step $pin /tmp/count-pin.out reg-small
	step $pin /tmp/count-pin.out reg-thp
	step $huge /tmp/count-huge.out reg
	agree maps $maps
	agree nodes $nodes
	agree hugetlb $huge
	agree pins $pin
	# what the last summary (pw-pin's) counted: the pins io_uring holds,
	# 64 small pages and the 512 of the THP region, nothing else
	pw_eq pinned_pages_counted 576 \
		"$(jq -s '[.[] | select(.type == "mapping") | .pinned] | add' /tmp/count-sum.json)" \
		"the sum of pinned over the mapping lines of pw-pin's --summary"
fi
kill $maps $nodes $pin $huge 2>/dev/null
wait $maps $nodes $pin $huge 2>/dev/null

# errors: the range first, then the file and the target
sleep 60 &
s=$!
pw_eq unaligned_start_einval EINVAL "$($V count-errno $s 0x1001 0x3000)" "start not page aligned"
pw_eq unaligned_end_einval EINVAL "$($V count-errno $s 0x1000 0x3001)" "end not page aligned"
pw_eq empty_range_einval EINVAL "$($V count-errno $s 0x2000 0x2000)" "start = end"
pw_eq reversed_range_einval EINVAL "$($V count-errno $s 0x3000 0x2000)" "start > end"
pw_eq range_past_user_space_einval EINVAL \
	"$($V count-errno $s 0x1000 0xfffffffffffff000)" "end past any user address space"
pw_eq unbound_file_enxio ENXIO "$($V count-errno none 0x1000 0x2000)" "no PID written to pages"
pw_eq bad_pointer_efault EFAULT "$($V count-errno $s 0 0 badptr)" "argument pointer 16"
pw_eq unknown_command_enotty ENOTTY "$($V count-errno $s 0 0 badcmd)" "command number 2 of the magic"
pw_eq hole_counts_nothing OK "$($V count-errno $s 0x1000 0x200000)" "a range with no VMA: counted, all zero"
# holes are stepped over as SEEK_DATA finds them, not walked a batch of
# 512 pages at a time (2^35 pages up to 128 TiB): this ends at once
pw_eq whole_47_bit_space_counts_at_once OK \
	"$(timeout 20 $V count-errno $s 0x1000 0x7ffffffff000 || echo "timed out after 20 s")" \
	"[4 KiB, 128 TiB - 4 KiB) of a sleep(1), within 20 s"
kill $s
wait $s 2>/dev/null
pw_eq exited_target_esrch ESRCH "$($V count-errno exited 0x1000 0x2000)" \
	"pages bound to a child that then exited and was reaped"

for n in 0 1; do
	echo 0 > /sys/devices/system/node/node$n/$hp
done
