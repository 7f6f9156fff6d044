# Repeated snapshots with the change journal (issue 12, point 4): 16 pages
# moved to the other node and back between two snapshots (-n 2 -i 8) are
# reported as migrated in the second although their node is the one of the
# first, with the node they went through (via_node), which pagewatch read
# in between because the journal announced the moves.

pw_require_module
PW=/pagewatch/bin/pagewatch
pw-journal move 16 > /tmp/jn.out 2> /tmp/jn.err &
pid=$!
if ! pw_wait_line /tmp/jn.out '^ready'; then
	pw_fail journal_workload_ready "$(cat /tmp/jn.out /tmp/jn.err)"
	kill $pid
	exit 0
fi
$PW -p $pid -s -n 2 -i 30 --format json > /tmp/jn.json 2> /tmp/jn.pw.err &
pw=$!
# the first snapshot is out: move and come back before the second
pw_wait_line /tmp/jn.json '"type":"snapshot"' 200 ||
	pw_fail first_snapshot_written "$(cat /tmp/jn.pw.err)"
kill -USR1 $pid
pw_wait_line /tmp/jn.out '^nodes' 1200 || pw_fail journal_workload_moved "$(cat /tmp/jn.out /tmp/jn.err)"
wait $pw
pw_eq snapshots_exit_status 0 $? "pagewatch -s -n 2 status; $(head -c 300 /tmp/jn.pw.err)"

set -- $(grep '^step move ' /tmp/jn.out)
start=$((0x$3)) end=$((0x$4))
set -- $(sed -n 's/^moved //p' /tmp/jn.out)
home=$1 away=$2
[ -n "$home" ] && [ "$home" != "$away" ] && pw_pass the_pages_moved ||
	pw_fail the_pages_moved "node before and after the move: $home $away"
# ADDR MIGRATED NODE OLD_NODE VIA_NODE of snapshot 2, inside the region
jq -r 'select(.type == "page" and .seq == 2) |
	[.addr, .migrated, .node, .old_node, .via_node] | map(tostring) | @tsv' /tmp/jn.json |
	while IFS='	' read -r addr m n o v; do
		a=$(printf %d $addr)
		[ $a -ge $start ] && [ $a -lt $end ] && echo "$m $n $o $v"
	done | sort | uniq -c | tr -s ' ' > /tmp/jn.seen
# a page move_pages() could not move (busy at that instant) stays as it was
moved=$(awk -v want="true $home $home $away" '$2 " " $3 " " $4 " " $5 == want { print $1 }' /tmp/jn.seen)
other=$(awk -v a="true $home $home $away" -v b="false $home null null" \
	'$2 " " $3 " " $4 " " $5 != a && $2 " " $3 " " $4 " " $5 != b' /tmp/jn.seen)
if [ "${moved:-0}" -ge 12 ] && [ -z "$other" ]; then
	pw_pass moved_and_back_pages_are_migrated_via_the_other_node
else
	pw_fail moved_and_back_pages_are_migrated_via_the_other_node \
		"expected: at least 12 of the 16 pages 'migrated node=$home old_node=$home via_node=$away', the rest unchanged" \
		"seen (count migrated node old_node via_node): $(tr '\n' ';' < /tmp/jn.seen)"
fi
pw_info "pages moved and back: ${moved:-0} of 16"
kill $pid 2>/dev/null
wait $pid 2>/dev/null
true
