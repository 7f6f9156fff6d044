#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make install and make uninstall with DESTDIR: the program, pagewatch(1)
# and pagewatch(4), the bash completion, the example systemd units, and
# the module's source laid out for DKMS under PREFIX/src/pagewatch-VERSION
# (dkms.conf at its top, every file kmod/ builds from); uninstall leaves
# no file behind.
set -u
. "${top_srcdir:-.}/tests/host/lib.sh"

src=${top_srcdir:-.}
build=${top_builddir:-.}
dest=$tmp/root
version=$("$pw" --version | awk '{print $2}')
prefix=$(sed -n 's/^prefix = //p' "$build/Makefile")
compdir=$(make -s --no-print-directory -C "$build" -f Makefile -f - print-compdir <<'MK' 2>/dev/null
print-compdir:
	@echo $(bashcompdir)
MK
)
# under make check, MAKEFLAGS may make it say which directory it entered
compdir=$(echo "$compdir" | grep '^/')
dkms=$dest$prefix/src/pagewatch-$version

make -s -C "$build" install DESTDIR="$dest" >"$tmp/install.log" 2>&1
check "make install DESTDIR= succeeds" [ $? = 0 ]
check "the program is installed" [ -x "$dest$prefix/bin/pagewatch" ]
check "pagewatch(1) is installed" [ -f "$dest$prefix/share/man/man1/pagewatch.1" ]
check "pagewatch(4) is installed" [ -f "$dest$prefix/share/man/man4/pagewatch.4" ]
check "the bash completion is where bash-completion looks ($compdir)" \
	[ -f "$dest$compdir/pagewatch" ]
check "the example systemd service and timer are installed as documentation" \
	[ -f "$dest$prefix/share/doc/pagewatch/examples/pagewatch-metrics.service" -a \
	  -f "$dest$prefix/share/doc/pagewatch/examples/pagewatch-metrics.timer" ]
check "dkms.conf is at the top of $prefix/src/pagewatch-$version" [ -f "$dkms/dkms.conf" ]
check "dkms.conf names this version" grep -qx "PACKAGE_VERSION=\"$version\"" "$dkms/dkms.conf"
check "VERSION, which the module build reads, is there" grep -qx "$version" "$dkms/VERSION"
check "dkms.conf builds through kmod/Makefile for the kernel DKMS builds for" \
	grep -qx 'MAKE\[0\]="make -C kmod KDIR=${kernel_source_dir}"' "$dkms/dkms.conf"

# every file the module is built from, and nothing the build makes
missing=""
for f in $(cd "$src" && ls kmod/Makefile kmod/Kbuild kmod/*.sh kmod/*.c kmod/*.h kmod/probes/* include/pagewatch/*.h |
	   grep -v -e '\.mod\.c$' -e '/compat\.h$' -e '\.o$' -e '\.cmd$' -e 'probes\.log$' -e 'modules\.order$' -e 'Module\.symvers$'); do
	[ -f "$dkms/$f" ] || missing="$missing $f"
done
[ -z "$missing" ] && pass "the DKMS tree holds every source of the module" ||
	fail "missing from the DKMS tree:$missing"
extra=$(cd "$dkms" && find . -name '*.o' -o -name '*.ko' -o -name 'compat.h' | head -n 3)
[ -z "$extra" ] && pass "the DKMS tree holds no build product" || fail "build products in the DKMS tree: $extra"

make -s -C "$build" uninstall DESTDIR="$dest" >"$tmp/uninstall.log" 2>&1
check "make uninstall DESTDIR= succeeds" [ $? = 0 ]
left=$(find "$dest" -type f | head -n 5)
[ -z "$left" ] && pass "make uninstall removes every installed file" ||
	fail "left after make uninstall: $left"
exit $failed
