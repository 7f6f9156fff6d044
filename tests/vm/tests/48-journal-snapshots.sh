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
$PW -p $pid -s -n 2 -i 8 --format json > /tmp/jn.json 2> /tmp/jn.pw.err &
pw=$!
# the first snapshot is out: move and come back before the second
pw_wait_line /tmp/jn.json '"type":"snapshot"' 200 ||
	pw_fail first_snapshot_written "$(cat /tmp/jn.pw.err)"
kill -USR1 $pid
pw_wait_line /tmp/jn.out '^nodes' 300 || pw_fail journal_workload_moved "$(cat /tmp/jn.out /tmp/jn.err)"
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
pw_eq moved_and_back_pages_are_migrated_via_the_other_node \
	" 16 true $home $home $away" "$(cat /tmp/jn.seen | tr '\n' ';' | sed 's/;$//')" \
	"count migrated node old_node via_node of the 16 pages in snapshot 2"
kill $pid 2>/dev/null
wait $pid 2>/dev/null
true
