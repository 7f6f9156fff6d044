#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# probe.sh KDIR NAME...: compile each probes/NAME.c on its own with the
# kernel's Kbuild (run from kmod/ by the Makefile, $MAKE set). Each probe
# names what it tests on a line "/* tests: SYMBOL */". Outcomes, one line
# each in probes/probes.log:
#   present  the probe compiled
#   missing  its first error is SYMBOL being undeclared, an implicit
#            declaration of it, or no member of that name
#   FAILED   anything else (a typo, a missing header): the probe's output
#            follows in the log and on stderr, and probe.sh fails, so the
#            module build stops instead of taking another code path
#
# Every probe compiles in one Kbuild run, in parallel (-k: a probe that
# fails stops no other; a Kbuild run costs seconds before it compiles
# anything); only those that failed compile again, one by one, for their
# first error.
set -u
kdir=$1
shift
log=probes/probes.log
status=0
: >"$log"
targets=""
for p in "$@"; do
	rm -f "probes/$p.o"
	targets="$targets $p.o"
done
# shellcheck disable=SC2086
${MAKE:-make} -C "$kdir" M="$(pwd)/probes" -k -j"$(nproc 2>/dev/null || echo 1)" \
	$targets >/dev/null 2>&1
for p in "$@"; do
	sym=$(sed -n 's|^/\* tests: \([A-Za-z0-9_]*\) \*/$|\1|p' "probes/$p.c")
	out=
	[ -f "probes/$p.o" ] ||
		out=$(${MAKE:-make} -C "$kdir" M="$(pwd)/probes" "$p.o" 2>&1)
	if [ -f "probes/$p.o" ]; then
		echo "probe $p: present ($sym)" >>"$log"
		continue
	fi
	first=$(printf '%s\n' "$out" | grep -m 1 'error:')
	if [ -n "$sym" ] &&
	   printf '%s\n' "$first" | grep -Eq 'implicit declaration of function|has no member named|undeclared' &&
	   printf '%s\n' "$first" | grep -Eq "(^|[^A-Za-z0-9_])$sym([^A-Za-z0-9_]|\$)"; then
		echo "probe $p: missing ($first)" >>"$log"
		continue
	fi
	{
		echo "probe $p: FAILED, not for a missing ${sym:-symbol (no \"tests:\" line)}:"
		printf '%s\n' "$out" | sed 's/^/  | /'
	} >>"$log"
	echo "kmod: compile probe probes/$p.c failed, not for a missing ${sym:-symbol (no \"tests:\" line)}:" >&2
	printf '%s\n' "$out" | sed 's/^/  | /' >&2
	status=1
done
exit $status
