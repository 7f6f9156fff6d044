#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# run.sh [SECONDS]: build every tests/fuzz/fuzz_*.c with clang's libFuzzer,
# AddressSanitizer and UndefinedBehaviorSanitizer, and run each for SECONDS
# (default 20, or PW_FUZZ_SECONDS; one per CPU at a time) starting from
# its committed seed corpus
# tests/fuzz/corpus/NAME/. New inputs and crash artifacts go to
# $PW_FUZZ_DIR (default .cache/fuzz). One PASS or FAIL line per harness,
# then "fuzz: N passed, N failed". Exit status 1 when one failed, 77 when
# clang or its libFuzzer runtime is missing (scripts/install-deps).
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
builddir=${top_builddir:-$top}
secs=${1:-${PW_FUZZ_SECONDS:-20}}
out=${PW_FUZZ_DIR:-$top/.cache/fuzz}
cc=${PW_FUZZ_CC:-clang}

# the src/ files each harness links: the parser and what it calls
declare -A sources=(
	[maps]="src/kernel/maps.c src/kernel/textfile.c"
	[filter]="src/model/filter.c src/kernel/maps.c src/kernel/textfile.c"
	[sched]="src/kernel/perf_events.c src/kernel/textfile.c"
	[kmod]="src/kernel/kmod_client.c src/kernel/kpage.c src/kernel/textfile.c"
	[pagemap]="src/kernel/pagemap.c src/kernel/kpage.c"
	[recording]="src/model/recording.c src/model/gzlib.c src/model/json_value.c src/model/snapshot.c src/model/filter.c src/kernel/maps.c src/kernel/textfile.c"
)
declare -A libs=([sched]="-lpfm")

[ -f "$builddir/config.h" ] || { echo "fuzz: no config.h in $builddir: run scripts/build first" >&2; exit 2; }
mkdir -p "$out"
if ! command -v "$cc" >/dev/null ||
   ! echo 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { return 0; }' |
	"$cc" -x c -fsanitize=fuzzer -o "$out/probe" - 2>/dev/null; then
	echo "SKIP fuzz: $cc with libFuzzer is not installed (scripts/install-deps)"
	exit 77
fi

cflags=(-g -O1 -std=gnu11 -fsanitize=fuzzer,address,undefined
	-fno-sanitize-recover=all -fno-omit-frame-pointer
	-I"$top/include" -I"$top/src" -I"$builddir" -I"$here")
export ASAN_OPTIONS=halt_on_error=1:detect_leaks=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1

# fuzz_one NAME: build and run one harness; its PASS or FAIL line (and
# the failure's details) go to $out/NAME.result
fuzz_one() {
	local name=$1 bin=$out/fuzz_$1 work=$out/corpus-$1 runs f src=()
	for f in ${sources[$name]:-}; do src+=("$top/$f"); done
	if ! "$cc" "${cflags[@]}" -o "$bin" "$here/fuzz_$name.c" "${src[@]}" ${libs[$name]:-} \
		>"$out/$name.build.log" 2>&1; then
		echo "FAIL fuzz:$name builds"
		sed 's/^/  | /' "$out/$name.build.log" | head -n 20
		return
	fi
	mkdir -p "$work"
	if "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=1024 \
		-artifact_prefix="$out/$name-" "$work" "$here/corpus/$name" \
		>"$out/$name.log" 2>&1; then
		runs=$(grep -oE 'Done [0-9]+ runs' "$out/$name.log" | tail -n 1 | tr -dc '0-9')
		echo "PASS fuzz:$name (${runs:-?} inputs in ${secs}s, corpus $(ls "$work" | wc -l))"
	else
		echo "FAIL fuzz:$name"
		grep -E 'ERROR|SUMMARY|assertion|runtime error|Test unit written|^    #[0-9]' \
			"$out/$name.log" | head -n 25 | sed 's/^/  | /'
	fi
}

# one harness per CPU at a time (each is single-threaded, and each still
# gets its SECONDS of a whole CPU); results in the harnesses' order
names=()
for harness in "$here"/fuzz_*.c; do
	name=$(basename "$harness" .c)
	names+=("${name#fuzz_}")
done
jobs_max=$(nproc)
for name in "${names[@]}"; do
	while [ "$(jobs -rp | wc -l)" -ge "$jobs_max" ]; do
		wait -n
	done
	fuzz_one "$name" >"$out/$name.result" 2>&1 &
done
wait
passed=0 failed=0
for name in "${names[@]}"; do
	cat "$out/$name.result"
	if grep -q '^PASS' "$out/$name.result"; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
	fi
done
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
