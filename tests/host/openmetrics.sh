#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# --format openmetrics for fleets: two processes of one command name
# (copies of bench/pw-target, a name no other process has) found by
# --comm, written atomically with -o into a textfile directory, linted by
# promtool, served by a real prometheus-node-exporter on 127.0.0.1 and
# scraped with curl. Values against the kernel's own walk: resident pages
# and THP pages against /proc/PID/smaps_rollup (Rss, AnonHugePages),
# swapped pages against its Swap; per mapping (--summary) they add up to
# the per-process figures.
set -u
. "${top_srcdir:-.}/tests/host/lib.sh"

pw_target="${top_builddir:-.}/bench/pw-target"
[ -x "$pw_target" ] || { echo "SKIP: $pw_target is not built"; exit 77; }
for tool in promtool prometheus-node-exporter curl; do
	command -v "$tool" >/dev/null ||
		{ echo "SKIP: $tool not installed (scripts/install-deps)"; exit 77; }
done

comm_name=pwom$$
cp "$pw_target" "$tmp/$comm_name"
# start LAYOUT MIB: a target named $comm_name; appends to $pids
pids=""
start() {
	"$tmp/$comm_name" "$1" "$2" >"$tmp/range.$1" &
	targets="$targets $!"
	pids="$pids $!"
	for _ in $(seq 100); do
		[ -s "$tmp/range.$1" ] && return 0
		sleep 0.05
	done
	fail "$1 target did not start"
	exit 1
}
start dense 8
start thp 8
mkdir -p "$tmp/textfile"
prom=$tmp/textfile/pagewatch.prom

"$pw" --snapshot --format openmetrics --comm "$comm_name" -n 2 -i 0.25 -o "$prom" 2>"$tmp/err"
check "pagewatch --comm $comm_name -o FILE exits 0" [ $? = 0 ]
check "no temporary file is left beside FILE" [ "$(ls -A "$tmp/textfile")" = pagewatch.prom ]
check "the file ends with # EOF" [ "$(tail -n 1 "$prom")" = "# EOF" ]
if promtool check metrics <"$prom" >"$tmp/promtool" 2>&1; then
	pass "promtool check metrics finds no problem"
else
	fail "promtool check metrics: $(cat "$tmp/promtool")"
fi
for fam in resident_pages:gauge thp_pages:gauge swapped_pages:gauge migrated_pages_total:counter diverged_pages_total:counter; do
	check "family pagewatch_${fam%%:*} has TYPE ${fam#*:}, UNIT and HELP" \
		sh -c "grep -qx '# TYPE pagewatch_${fam%%:*} ${fam#*:}' '$prom' &&
		       grep -qx '# UNIT pagewatch_${fam%%:*} pages' '$prom' &&
		       grep -q '^# HELP pagewatch_${fam%%:*} ' '$prom'"
done

# value FILE FAMILY PID [MAPPING]: the sample's value (series added up)
value() {
	grep "^pagewatch_$2{pid=\"$3\"," "$1" | grep -F "${4:-}" |
		awk '{s += $NF} END {print s + 0}'
}
kib() { awk -v k="$1:" '$1 == k {print $2}' "/proc/$2/smaps_rollup"; }
for pid in $pids; do
	rss=$(($(kib Rss "$pid") / 4))
	swap=$(($(kib Swap "$pid") / 4))
	check "pid $pid has comm=\"$comm_name\" on every sample" \
		sh -c "! grep '{pid=\"$pid\"' '$prom' | grep -qv 'comm=\"$comm_name\"'"
	res=$(value "$prom" resident_pages "$pid")
	[ "$res" = "$rss" ] && pass "pid $pid: resident pages over the nodes = smaps_rollup Rss ($rss)" ||
		fail "pid $pid: resident pages $res, smaps_rollup Rss $rss pages"
	got=$(value "$prom" swapped_pages "$pid")
	[ "$got" = "$swap" ] && pass "pid $pid: swapped pages = smaps_rollup Swap ($swap)" ||
		fail "pid $pid: swapped pages $got, Swap $swap pages"
	check "pid $pid: migrated and diverged counters after two snapshots" \
		sh -c "grep -q '^pagewatch_migrated_pages_total{pid=\"$pid\",' '$prom' &&
		       { ! grep -q '^pagewatch_pinned_pages' '$prom' || grep -q '^pagewatch_diverged_pages_total{pid=\"$pid\",' '$prom'; }"
	check "pid $pid: no mapping label without --summary" \
		sh -c "! grep '{pid=\"$pid\"' '$prom' | grep -q 'mapping='"
done

"$pw" --snapshot --format openmetrics --comm "$comm_name" --summary -o "$tmp/summary.prom" 2>/dev/null
check "--summary: promtool check metrics" sh -c "promtool check metrics <'$tmp/summary.prom' >/dev/null 2>&1"
for pid in $pids; do
	a=$(value "$tmp/summary.prom" resident_pages "$pid")
	b=$(value "$prom" resident_pages "$pid")
	[ "$a" = "$b" ] && [ "$(grep -c "^pagewatch_resident_pages{pid=\"$pid\",.*mapping=" "$tmp/summary.prom")" -gt 3 ] &&
		pass "pid $pid: --summary has a series per mapping, adding up to $b resident pages" ||
		fail "pid $pid: --summary resident pages add up to $a, not $b"
	# file pages of large folios are THP too: AnonHugePages counts anon only
	if is_root; then
		thp=$(($(kib AnonHugePages "$pid") / 4))
		got=$(value "$tmp/summary.prom" thp_pages "$pid" 'mapping="[anon]"')
		[ "$got" = "$thp" ] && pass "pid $pid: THP pages of [anon] = smaps_rollup AnonHugePages ($thp)" ||
			fail "pid $pid: THP pages of [anon] $got, AnonHugePages $thp pages"
	fi
done

"$pw" --snapshot --format openmetrics --comm "no-such-$$" -o "$tmp/none.prom" 2>"$tmp/err"
check "--comm of a name no process has: exit 3, no file" [ $? = 3 -a ! -e "$tmp/none.prom" ]
check "--comm of a name no process has: says so" grep -q "no process named 'no-such-$$'" "$tmp/err"

# a run until SIGTERM: the file is replaced after every round, and what
# the signal cuts short leaves no temporary file and no partial file
"$pw" --snapshot --format openmetrics --comm "$comm_name" -i 0.3 -n 0 -o "$tmp/textfile/loop.prom" 2>/dev/null &
loop=$!
for _ in $(seq 100); do [ -s "$tmp/textfile/loop.prom" ] && break; sleep 0.05; done
# a later round renames a new file into place: its mtime moves on
first=$(stat -c %y "$tmp/textfile/loop.prom" 2>/dev/null)
for _ in $(seq 100); do
	[ "$(stat -c %y "$tmp/textfile/loop.prom")" != "$first" ] && break
	sleep 0.1
done
kill -TERM $loop
wait $loop
check "-n 0 -i: SIGTERM ends the run with exit 0" [ $? = 0 ]
check "-n 0 -i: the file was replaced by a later round" \
	[ "$(stat -c %y "$tmp/textfile/loop.prom")" != "$first" ]
check "-n 0 -i: after SIGTERM the file is a whole exposition" \
	[ "$(tail -n 1 "$tmp/textfile/loop.prom")" = "# EOF" ]
check "-n 0 -i: after SIGTERM no temporary file is left" \
	[ "$(ls -A "$tmp/textfile" | grep -c '^\.')" = 0 ]
rm -f "$tmp/textfile/loop.prom"

# node_exporter's textfile collector serves the families
exporter=""
for try in 1 2 3 4 5; do
	port=$((20000 + (RANDOM % 20000)))
	prometheus-node-exporter --web.listen-address="127.0.0.1:$port" \
		--collector.disable-defaults --collector.textfile \
		--collector.textfile.directory="$tmp/textfile" >"$tmp/exporter.log" 2>&1 &
	exporter=$!
	targets="$targets $exporter"
	for _ in $(seq 50); do
		curl -sf "http://127.0.0.1:$port/metrics" >"$tmp/scrape" 2>/dev/null && break 2
		kill -0 "$exporter" 2>/dev/null || break
		sleep 0.1
	done
	kill "$exporter" 2>/dev/null
	wait "$exporter" 2>/dev/null
	exporter=""
done
if [ -z "$exporter" ]; then
	fail "prometheus-node-exporter did not serve on 127.0.0.1: $(tail -n 3 "$tmp/exporter.log")"
	exit 1
fi
check "node_exporter read the file without error" grep -qx 'node_textfile_scrape_error 0' "$tmp/scrape"
check "node_exporter types the gauges" grep -qx '# TYPE pagewatch_resident_pages gauge' "$tmp/scrape"
check "node_exporter types the counters" grep -qx '# TYPE pagewatch_migrated_pages_total counter' "$tmp/scrape"
for pid in $pids; do
	for fam in resident_pages thp_pages swapped_pages migrated_pages_total; do
		# node_exporter sorts labels: comm, node, pid
		want=$(value "$prom" "$fam" "$pid")
		got=$(grep "^pagewatch_$fam{" "$tmp/scrape" | grep "pid=\"$pid\"" | awk '{s += $NF} END {print s + 0}')
		[ "$got" = "$want" ] && pass "scraped pagewatch_$fam of pid $pid = $want" ||
			fail "scraped pagewatch_$fam of pid $pid = $got, the file says $want"
	done
done
kill "$exporter" 2>/dev/null
wait "$exporter" 2>/dev/null
exit $failed
