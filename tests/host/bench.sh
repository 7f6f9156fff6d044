#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make bench's script runs from end to end and prints what issue 18 asks
# of it, on a small dense target, one run a row: every row with its wall
# and CPU time, each pagewatch row as ratios to numa_maps and to the
# floor that agree with the rows' own figures, a met / NOT met line per
# target, the kernel's page-types as a peer (built from Debian's
# linux-source) with its line, the 1 MiB start-up targets against the
# exec floor, --all over 1 GiB of the 1 TiB reservation within 32 MiB,
# and a skipped scale target and peer that say why. Asserts no time.
set -u
. "${top_srcdir:-.}/tests/host/lib.sh"

run="${top_srcdir:-.}/bench/run.sh"
pw_target="${top_builddir:-.}/bench/pw-target"
[ -x "$pw_target" ] || { echo "SKIP: $pw_target is not built"; exit 77; }
is_root || { echo "SKIP: the floor reads /proc/kpageflags: root only"; exit 77; }

ptypes="$tmp/page-types"
"${top_srcdir:-.}/bench/build-page-types.sh" "$ptypes" >"$tmp/build.log" 2>&1
if [ -x "$ptypes" ]; then
	pass "page-types is built from the kernel's source ($(tail -n 1 "$tmp/build.log"))"
else
	skip "page-types: $(cat "$tmp/build.log")"
fi

bench() {
	top_builddir=${top_builddir:-.} PW_BENCH_RUNS=1 PW_BENCH_SIZES=16 \
	PW_BENCH_LAYOUTS=dense PW_BENCH_PAGE_TYPES="$ptypes" "$run"
}

PW_BENCH_SCALE_MIB=0 PW_BENCH_ALL_GIB=1 bench >"$tmp/out" 2>"$tmp/err"
check "bench/run.sh exits 0" test $? = 0
cat "$tmp/out"

# row NAME: the line of row NAME of the dense 16 MiB target
row() {
	awk -v n="$1" '/^dense 16 MiB/ { on = 1; next } /^[a-z]/ { on = 0 }
		on && $1 == n { print; exit }' "$tmp/out"
}

for name in numa_maps pagemap floor json csv text json/1 json-n2 summary summary/1; do
	check "row $name has wall, CPU and peak RSS" \
		sh -c "echo '$(row "$name")' | grep -Eq '^ +$name +wall +[0-9.]+ ms +cpu +[0-9.]+ ms .* rss +[0-9.]+ MiB$'"
done

# each pagewatch row's ratios are its own figures over numa_maps' and
# the floor's, as printed (rounded to 0.1 ms: within 10 % or 0.2x)
ratios_agree() {
	awk -v r="$(row "$1")" -v n="$(row numa_maps)" -v f="$(row floor)" 'BEGIN {
		sub(/^ +/, "", r); sub(/^ +/, "", n); sub(/^ +/, "", f)
		split(r, a, " +"); split(n, b, " +"); split(f, c, " +")
		# a: name wall W ms cpu C ms P pages/s numa_maps X wall Y cpu floor Z wall V cpu rss R MiB
		w = a[3]; cw = a[6]
		if (a[10] != "numa_maps" || a[15] != "floor") exit 1
		want[11] = w / b[3]; want[13] = cw / b[6]
		want[16] = w / c[3]; want[18] = cw / c[6]
		for (i in want) {
			got = a[i] + 0
			d = got - want[i]; if (d < 0) d = -d
			if (d > 0.2 && d > 0.1 * want[i]) exit 1
		}
	}'
}
for name in json csv text json/1 summary; do
	check "row $name: ratios to numa_maps and to the floor are its figures over theirs" \
		ratios_agree "$name"
done

for f in json csv text; do
	check "a verdict on the /proc path's $f CPU against the floor" \
		grep -Eq "^  target: /proc path: $f cpu / floor cpu [0-9.]+ \(<= 1.5\): (met|NOT met)$" "$tmp/out"
	check "a verdict on $f wall with default threads against the floor's one-thread wall" \
		grep -Eq "^  target: /proc path: $f wall \(default threads\) / floor's one-thread wall [0-9.]+ \(<= 1\): (met|NOT met)$" "$tmp/out"
done
check "a verdict on repeated snapshots' memory" \
	grep -Eq '^  target: memory: json -n 2 peak RSS beyond 32 MiB, bytes a page [0-9.]+ \(<= 16\): (met|NOT met)$' "$tmp/out"

if [ -x "$ptypes" ]; then
	check "the peer is named" grep -q "^peer: $ptypes (the kernel's tools/mm/page-types)$" "$tmp/out"
	for name in ptypes-L ptypes; do
		check "row $name has wall and CPU" \
			sh -c "echo '$(row "$name")' | grep -Eq '^ +$name +wall +[0-9.]+ ms +cpu +[0-9.]+ ms '"
	done
	check "the peer line compares page-types with every format and the summary" \
		grep -Eq '^  peer: page-types over pagewatch \(wall, cpu\): -L/json [0-9.]+x [0-9.]+x, -L/csv [0-9.]+x [0-9.]+x, -L/text [0-9.]+x [0-9.]+x, -p/summary [0-9.]+x [0-9.]+x$' "$tmp/out"
fi

for layout in "plain 1 MiB" "reserve 1 MiB in a 1 TiB PROT_NONE reservation"; do
	check "start-up target '$layout' has the exec floor" \
		sh -c "sed -n '/^$layout/,/^[a-z-]/p' '$tmp/out' | grep -Eq '^  exec +wall'"
done
check "a start-up verdict against numa_maps" \
	grep -Eq '^  target: start-up: plain 1 MiB json wall / numa_maps [0-9.]+ \(<= 2\): (met|NOT met)$' "$tmp/out"
check "--all over 1 GiB of the reservation stays within 32 MiB" \
	grep -Eq '^  target: memory: --all over 1 GiB of the reservation, csv peak RSS MiB [0-9.]+ \(<= 32\): met$' "$tmp/out"

# what cannot run says why
PW_BENCH_SCALE_MIB=100000000 PW_BENCH_ALL_GIB=0 PW_BENCH_PAGE_TYPES=/nonexistent \
	top_builddir=${top_builddir:-.} PW_BENCH_RUNS=1 PW_BENCH_SIZES=16 \
	PW_BENCH_LAYOUTS=dense "$run" >"$tmp/skip" 2>&1
check "a scale target larger than the machine is skipped with the memory it needs" \
	grep -Eq '^scale: skipped: a dense 100000000 MiB target needs [0-9]+ MiB available' "$tmp/skip"
check "a missing page-types is skipped with the reason" \
	grep -q '^peer: page-types skipped: /nonexistent was not built' "$tmp/skip"
check "no page-types row without it" sh -c "! grep -q ptypes '$tmp/skip'"
exit $failed
