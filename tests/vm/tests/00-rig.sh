# The rig itself: two NUMA nodes, and mbind'd memory lands where it was bound.

online=$(cat /sys/devices/system/node/online)
pw_eq two_numa_nodes_online "0-1" "$online" "cat /sys/devices/system/node/online"

pw-bind 1 64 > /tmp/bind.out &
pid=$!
for i in 1 2 3 4 5 6 7 8 9 10; do
	[ -s /tmp/bind.out ] && break
	sleep 0.2
done
start=$(cut -d' ' -f1 /tmp/bind.out)
line=$(grep "^$start " /proc/$pid/numa_maps)
n1=$(echo "$line" | tr ' ' '\n' | sed -n 's/^N1=//p')
n0=$(echo "$line" | tr ' ' '\n' | sed -n 's/^N0=//p')
pw_eq mbind_node1_pages_on_node1 64 "$n1" "N1= of /proc/$pid/numa_maps line: $line"
pw_eq mbind_node1_no_pages_on_node0 "" "$n0" "N0= of /proc/$pid/numa_maps line: $line"
kill $pid
wait $pid 2>/dev/null
true
