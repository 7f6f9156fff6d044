# Tracking across snapshots (issue 4, point 4): between the two snapshots
# of `pagewatch -s -n 2 -i 1` the workload moves its spare pages to the other
# node (move_pages) and replaces its io_uring-pinned pages (MADV_DONTNEED,
# written again). The second snapshot shows the moved pages migrated, not
# diverged, with their old node and PFN; the replaced pages migrated and
# diverged, with the old, still pinned PFN; in JSON, CSV, text and the
# summary. The old and new PFNs and nodes are the kernel's (pagemap and the
# PFN's memory block). Then point 6: a target that exits during a run ends
# it with the documented status 4, and every snapshot printed is complete.

pw_require_module
PW=/pagewatch/bin/pagewatch
pages=16
pw-pin $pages reg-small dontneed move-spare > /tmp/trk.out 2>&1 &
pid=$!
if ! pw_wait_line /tmp/trk.out '^ready'; then
	pw_fail pin_workload_ready "pw-pin did not get ready:" "$(cat /tmp/trk.out)"
	kill $pid
	exit 0
fi
step() {
	kill -USR1 $pid
	if ! pw_wait_line /tmp/trk.out "^done $1\$"; then
		pw_fail step_$1 "pw-pin step $1 did not complete:" "$(cat /tmp/trk.out)"
		kill $pid
		exit 0
	fi
}
step reg-small

# the range of small and spare (adjacent mmaps, whatever their order)
range=$(for r in small spare; do pw_region /tmp/trk.out $r; done | tr ' ' '\n' |
	awk '{ a = ("0x" $1) + 0 } NR == 1 || a < lo { lo = a; l = $1 } NR == 1 || a > hi { hi = a; h = $1 }
	     END { print l "-" h }')
truth() {
	for r in small spare; do pw-verify truth $pid $(pw_region /tmp/trk.out $r); done
}
truth > /tmp/trk.before

# Four runs at once; each prints its first snapshot in one write (stdout is
# fully buffered and flushed per snapshot), then waits 1 s. They are
# stopped while the workload changes its pages, so that every one sees the
# change between its snapshots, whatever the emulation's speed.
$PW -s -p $pid -n 2 -i 1 --range $range --format json > /tmp/trk.json 2> /tmp/trk.json.err &
p_json=$!
$PW -s -p $pid -n 2 -i 1 --range $range --format csv > /tmp/trk.csv 2> /tmp/trk.csv.err &
p_csv=$!
$PW -s -p $pid -n 2 -i 1 --range $range > /tmp/trk.txt 2> /tmp/trk.txt.err &
p_txt=$!
$PW -s -p $pid -n 2 -i 1 --range $range --summary --format json > /tmp/trk-sum.json 2> /tmp/trk-sum.json.err &
p_sum=$!
runs="$p_json $p_csv $p_txt $p_sum"
i=0
while [ $i -lt 100 ]; do
	[ -s /tmp/trk.json ] && [ -s /tmp/trk.csv ] && [ -s /tmp/trk.txt ] && [ -s /tmp/trk-sum.json ] && break
	sleep 0.05
	i=$((i + 1))
done
for p in $runs; do pw_stop $p; done
pw_eq runs_stopped_after_their_first_snapshot 2 "$(cat /tmp/trk.json /tmp/trk-sum.json | grep -c '"type":"snapshot"')" \
	"snapshot objects in the two JSON runs when stopped (more: the 1 s interval passed before they were; polls $i)"
step dontneed
step move-spare
truth > /tmp/trk.after
for p in $runs; do kill -CONT $p; done
for p in $runs; do
	i=0
	while [ $i -lt 200 ] && kill -0 $p 2>/dev/null; do sleep 0.05; i=$((i + 1)); done
done
status=""
for p in $runs; do
	kill $p 2>/dev/null
	wait $p
	status="$status$? "
done
pw_eq four_tracking_runs_exit_0 "0 0 0 0 " "$status" \
	"exit statuses of pagewatch -s -n 2 -i 1 --range $range, json, csv, text, summary json ($(cat /tmp/trk.*.err | head -n 3))"

# ground truth per address: "ADDR REGION BEFORE-PFN BEFORE-NODE AFTER-PFN AFTER-NODE"
for r in small spare; do pw_region /tmp/trk.out $r | sed "s/^/$r /"; done > /tmp/trk.regions
awk 'FILENAME == ARGV[1] { s[$1] = ("0x" $2) + 0; e[$1] = ("0x" $3) + 0; next }
	FILENAME == ARGV[2] { b[$1] = $4 " " $7; next }
	{ a = $1 + 0; r = (a >= s["small"] && a < e["small"]) ? "small" : "spare"
	  print $1, r, b[$1], $4, $7 }' /tmp/trk.regions /tmp/trk.before /tmp/trk.after > /tmp/trk.truth
from=$(awk '$2 == "spare" { print $4; exit }' /tmp/trk.truth)
to=$((1 - from))
pw_eq spare_pages_moved_to_other_node "$pages pages node $from->$to" \
	"$(awk '$2 == "spare" { n[$4 "->" $6]++ } END { for (k in n) print n[k] " pages node " k }' /tmp/trk.truth)" \
	"node of the spare pages' PFNs before and after move_pages (memory blocks, pagemap)"
pw_eq small_pages_replaced_and_old_pfns_unmapped "$pages x kpagecount 0" \
	"$(pw-verify kpagecount $(awk '$2 == "small" { printf "%x ", $3 }' /tmp/trk.truth) | sort | uniq -c | awk '{ print $1 " x kpagecount " $2 }')" \
	"/proc/kpagecount of the small region's PFNs from before MADV_DONTNEED"

# classify: per page, what a format says against the truth, with keys
# "migrated=M diverged=D old=before|other new=after|other"
# judge TRUTH ROWS: ROWS "ADDR MIGRATED DIVERGED OLD_NODE OLD_PFN NODE PFN"
# (PFNs decimal); prints "COUNT REGION: ..." per distinct class
judge() {
	awk 'NR == FNR { t[$1] = $0; next }
	{ split(t[$1], x, " ")
	  old = ($4 == x[4] && $5 == x[3]) ? "before" : "other(" $4 ":" $5 ")"
	  new = ($6 == x[6] && $7 == x[5]) ? "after" : "other(" $6 ":" $7 ")"
	  n[x[2] ": migrated=" $2 " diverged=" $3 " old=" old " new=" new]++ }
	END { for (k in n) print n[k] " " k }' /tmp/trk.truth - | sort | tr '\n' ';'
}
# the small pages were freed and faulted again on their node (replaced,
# not migrated); the spare pages were moved to the other node (migrated)
want="$pages small: migrated=false diverged=true old=before new=after;$pages spare: migrated=true diverged=false old=before new=after;"

pw_json_pages /tmp/trk.json 2 | awk '{ print $1, $13, $14, $15, $16, $4, $3 }' > /tmp/trk.json2
pw_eq json_second_snapshot_migrated_and_diverged "$want" "$(judge < /tmp/trk.json2)" \
	"JSON snapshot 2 per region: migrated, diverged, old_node:old_pfn = before, node:pfn = after"
pw_eq json_first_snapshot_tracking_unknown "$((2 * pages)) migrated=- diverged=- old=-:-;" \
	"$(pw_json_pages /tmp/trk.json 1 | awk '{ n["migrated=" $13 " diverged=" $14 " old=" $15 ":" $16]++ } END { for (k in n) print n[k] " " k }' | tr '\n' ';')" \
	"JSON snapshot 1: migrated, diverged, old_node:old_pfn (null: unknown)"
pw_eq json_headers_say_tracked "1 false;2 true;" \
	"$(jq -r 'select(.type == "snapshot") | "\(.seq) \(.tracked)"' /tmp/trk.json | tr '\n' ';')" \
	"seq and tracked of the JSON snapshot objects"
pw_eq json_replaced_migrated_flag_names "$pages replaced,diverged;$pages replaced,migrated;" \
	"$(pw_json_pages /tmp/trk.json 2 | awk '{ f = ""; if (("," $17 ",") ~ /,replaced,/) f = "replaced"
		if (("," $17 ",") ~ /,migrated,/) f = f ",migrated"
		if (("," $17 ",") ~ /,diverged,/) f = f ",diverged"; n[f]++ } END { for (k in n) print n[k] " " k }' | sort | tr '\n' ';')" \
	"replaced, migrated and diverged in the flags of JSON snapshot 2"
pw_eq json_every_page_replaced "$((2 * pages))" \
	"$(jq -r 'select(.type == "page" and .seq == 2 and .replaced) | .addr' /tmp/trk.json | wc -l)" \
	"JSON pages of snapshot 2 with replaced true (both regions map other pages now)"

awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
	$c["snapshot"] == 2 { m = $c["migrated"] == 1 ? "true" : $c["migrated"] == 0 ? "false" : "-"
	  d = $c["diverged"] == 1 ? "true" : $c["diverged"] == 0 ? "false" : "-"
	  print $c["addr"], m, d, $c["old_node"], $c["old_pfn"], $c["node"], $c["pfn"] }' /tmp/trk.csv > /tmp/trk.csv2
pw_eq csv_second_snapshot_migrated_and_diverged "$want" "$(judge < /tmp/trk.csv2)" \
	"CSV rows of snapshot 2 per region: migrated, diverged (1/0), old_node:old_pfn, node:pfn"

# text: FLAGS positions 15 (M) and 16 (D), WAS "nNODE:PFN" (hexadecimal)
awk '/^# snapshot 2:/ { on = 1 } on && $1 ~ /^[0-9a-f]+$/ && NF >= 8 {
	split($9, w, ":"); sub("^n", "", w[1])
	print "0x" $1, (substr($8, 15, 1) == "M" ? "true" : "false"), (substr($8, 16, 1) == "D" ? "true" : "false"),
	      w[1], ("0x" w[2]) + 0, $3, ("0x" $2) + 0 }' /tmp/trk.txt > /tmp/trk.txt2
pw_eq text_second_snapshot_flags_and_was_column "$want" "$(judge < /tmp/trk.txt2)" \
	"text lines of snapshot 2 per region: M and D in FLAGS, WAS nNODE:PFN, NODE and PFN"

pw_eq summary_counts_replaced_migrated_and_diverged "1 replaced=- migrated=- diverged=-;2 replaced=$((2 * pages)) migrated=$pages diverged=$pages;" \
	"$(jq -r 'select(.type == "mapping") | "\(.seq) \(.migrated // "-") \(.diverged // "-") \(.replaced // "-")"' /tmp/trk-sum.json |
		awk '{ if ($2 == "-") m[$1] = "-"; else m[$1] += $2; if ($3 == "-") d[$1] = "-"; else d[$1] += $3
		       if ($4 == "-") r[$1] = "-"; else r[$1] += $4 }
		     END { for (s in m) print s " replaced=" r[s] " migrated=" m[s] " diverged=" d[s] }' | sort | tr '\n' ';')" \
	"replaced, migrated and diverged of the --summary --format json mapping objects, summed per snapshot"
kill $pid
wait $pid 2>/dev/null

# --------------------------------- the target exits during a run: status 4
pw-bind 0 64 > /tmp/trk-exit.out &
target=$!
pw_wait_line /tmp/trk-exit.out .
$PW -s -p $target -n 1000 -i 0.25 --format json > /tmp/trk-exit.json 2> /tmp/trk-exit.err &
run=$!
pw_wait_line /tmp/trk-exit.json '"type":"snapshot"'
kill -9 $target
wait $target 2>/dev/null
i=0
while [ $i -lt 100 ] && kill -0 $run 2>/dev/null; do sleep 0.1; i=$((i + 1)); done
kill $run 2>/dev/null
wait $run
rc=$?
pw_eq exit_status_4_when_target_exits_during_run 4 "$rc" \
	"status of pagewatch -s -n 1000 -i 0.25 --format json after its target was killed (stderr: $(cat /tmp/trk-exit.err))"
pw_eq target_exit_message_names_the_snapshot "1" \
	"$(grep -c "target $target exited during snapshot [0-9]*: it is incomplete and not shown" /tmp/trk-exit.err)" \
	"lines of stderr saying the target exited during a snapshot"
# every snapshot printed is whole: its page objects number its "pages"
seen=$(jq -r 'select(.type == "snapshot") | "\(.seq) \(.pages) \(.complete)"' /tmp/trk-exit.json > /tmp/trk-exit.heads
	jq -r 'select(.type == "page") | .seq' /tmp/trk-exit.json | uniq -c |
	awk 'NR == FNR { want[$1] = $2; ok[$1] = $3; n++; next }
	     { got[$2] = $1 }
	     END { for (s in want) if (got[s] + 0 != want[s] || ok[s] != "true") bad++
		   print n " snapshots, " bad + 0 " incomplete" }' /tmp/trk-exit.heads -)
case "$seen" in
"0 snapshots"*) pw_fail printed_snapshots_are_complete "no snapshot printed before the target was killed" ;;
*) pw_eq printed_snapshots_are_complete "${seen%% *} snapshots, 0 incomplete" "$seen" \
	"JSON snapshot objects whose page objects number their \"pages\" and that say complete:true" ;;
esac

# a target that exited but was not reaped (a zombie: its parent does not
# wait) has exited too
sh -c 'pw-bind 0 16 > /tmp/trk-zombie.out & echo $! > /tmp/trk-zombie.pid; exec sleep 60' &
parent=$!
pw_wait_line /tmp/trk-zombie.out .
target=$(cat /tmp/trk-zombie.pid)
$PW -s -p $target -n 1000 -i 0.25 --format json > /tmp/trk-zombie.json 2> /tmp/trk-zombie.err &
run=$!
pw_wait_line /tmp/trk-zombie.json '"type":"snapshot"'
kill -9 $target
i=0
while [ $i -lt 50 ] && kill -0 $run 2>/dev/null; do sleep 0.1; i=$((i + 1)); done
kill $run 2>/dev/null
wait $run
rc=$?
pw_eq exit_status_4_when_target_is_a_zombie 4 "$rc" \
	"status of pagewatch -s -n 1000 -i 0.25 after its target was killed and left unreaped (state $(cut -d' ' -f3 /proc/$target/stat 2>/dev/null); $(grep -c '"type":"snapshot"' /tmp/trk-zombie.json) snapshots printed, the last with $(jq -r 'select(.type == "snapshot") | .pages' /tmp/trk-zombie.json | tail -n 1) pages; stderr: $(head -c 300 /tmp/trk-zombie.err))"
kill $parent 2>/dev/null
wait $parent 2>/dev/null
true
