#!/usr/bin/env bash
# Compile probes fail loudly (issue 15, point 6): against the headers of
# every kernel the VM rig has fetched, a probe whose tested symbol is
# missing is logged "missing" and the build goes on; a probe broken for
# any other reason (a typo, a missing header) stops the build with its
# error. (That every real probe's outcome is logged is checked per kernel
# by tests/vm/run, host:kmod_probes_logged.)
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cache=${PW_CACHE:-$top/.cache}/kernels
kdirs=$(ls -d "$cache"/*/root/usr/src/linux-headers-*-amd64 2>/dev/null)
if [ -z "$kdirs" ]; then
	echo "SKIP: no kernel headers under $cache (make check-vm fetches them)"
	exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

probe() {	# probe NAME TESTED BODY: a probe file in the copy
	printf '// SPDX-License-Identifier: GPL-2.0\n/* tests: %s */\n%s\n' "$2" "$3" >"$work/kmod/probes/$1.c"
}

for kdir in $kdirs; do
	rel=$(basename "$kdir" | sed 's/^linux-headers-//')
	rm -rf "$work/kmod" "$work/include"
	cp -a "$top/kmod" "$top/include" "$work/"
	make -s -C "$work/kmod" clean KDIR="$kdir" >/dev/null 2>&1

	probe zz_missing pw_no_such_helper '#include <linux/mm.h>
int pw_probe(struct page *page);
int pw_probe(struct page *page) { return pw_no_such_helper(page); }'
	if ! make -C "$work/kmod" KDIR="$kdir" PROBES=zz_missing compat.h >"$work/out" 2>&1; then
		fail "$rel: a probe of a missing symbol stopped the build: $(tail -n 5 "$work/out")"
	elif ! grep -q '^probe zz_missing: missing (.*pw_no_such_helper' "$work/kmod/probes/probes.log"; then
		fail "$rel: probes.log does not call zz_missing missing: $(cat "$work/kmod/probes/probes.log")"
	elif grep -q PW_HAVE_ZZ_MISSING "$work/kmod/compat.h" &&
	     ! grep -q '/\* PW_HAVE_ZZ_MISSING is not set \*/' "$work/kmod/compat.h"; then
		fail "$rel: compat.h defines PW_HAVE_ZZ_MISSING"
	else
		echo "PASS: $rel: missing symbol logged as missing, build goes on"
	fi
	rm -f "$work/kmod/probes/zz_missing.c"

	probe zz_typo folio_order '#include <linux/mm.h>
unsigned int pw_probe(struct folio *folio);
unsigned int pw_probe(struct folio *folio) { return folio_order(folio) +; }'
	probe zz_header folio_order '#include <linux/pw_no_such_header.h>'
	for p in zz_typo zz_header; do
		if make -C "$work/kmod" KDIR="$kdir" PROBES=$p compat.h >"$work/out" 2>&1; then
			fail "$rel: broken probe $p did not stop the build"
		elif ! grep -q "compile probe probes/$p.c failed, not for a missing folio_order" "$work/out" ||
		     ! grep -q "error:" "$work/out"; then
			fail "$rel: the build stopped without the error of $p: $(tail -n 5 "$work/out")"
		elif ! grep -q "^probe $p: FAILED" "$work/kmod/probes/probes.log"; then
			fail "$rel: probes.log does not say $p FAILED"
		else
			echo "PASS: $rel: broken probe $p stops the build with its error"
		fi
		rm -f "$work/kmod/probes/$p.c"
	done
done
exit $((fails > 0))
