#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The Debian packages on this machine, for real (CI runs as root on a
# throwaway machine): `make deb` builds pagewatch and pagewatch-dkms from
# the dist tarball with no lintian error; `apt-get install ./pagewatch*.deb`
# installs them and DKMS builds and installs the module for each kernel of
# the VM rig whose headers are on the machine (the running kernel has
# none: a warning, not a failure); dkms build/install -k by hand work too.
# The modules DKMS installed are kept in tests/vm/dkms/RELEASE/ for the VM
# test 91-dkms, which loads them in the guests with modprobe. Purging the
# packages removes every module and source they brought.
#
# Headers: Debian's linux-headers-6.12 package depends on its kernel image
# (and so initramfs-tools, udev), which a CI machine must not get; the rig
# already unpacked each kernel's headers with dpkg -x (tests/vm/fetch-kernel),
# so a kernel without headers gets /lib/modules/RELEASE/build pointing at
# them, the link a linux-headers package makes, and loses it at the end.
set -u
. "${top_srcdir:-.}/tests/host/lib.sh"

src=$(cd "${top_srcdir:-.}" && pwd)
build=$(cd "${top_builddir:-.}" && pwd)
is_root || { echo "SKIP: installs packages: needs root (CI runs as root)"; exit 77; }
for tool in dpkg-buildpackage dh_dkms lintian dkms apt-get; do
	command -v "$tool" >/dev/null ||
		{ echo "FAIL: $tool not found: scripts/install-deps installs it"; exit 1; }
done
if dpkg -s pagewatch-dkms >/dev/null 2>&1 || dpkg -s pagewatch >/dev/null 2>&1; then
	echo "FAIL: pagewatch packages are installed already: apt-get purge pagewatch pagewatch-dkms first"
	exit 1
fi
version=$("$pw" --version | awk '{print $2}')
cache=${PW_CACHE:-$src/.cache}
made_links=""
cleanup() {
	apt-get purge -y -qq pagewatch pagewatch-dkms >/dev/null 2>&1
	for rel in $made_links; do
		rm -f "/lib/modules/$rel/build"
		# what depmod wrote for a kernel that is not installed
		[ -d "/lib/modules/$rel/kernel" ] || rm -rf "/lib/modules/$rel"
	done
	rmdir /lib/modules 2>/dev/null
}
trap 'cleanup; for p in $targets; do kill "$p" 2>/dev/null; done; rm -rf "$tmp"' EXIT

# ---- the packages
# the unit tests inside the package build ran in this make check already
if DEB_BUILD_OPTIONS=nocheck make -s -C "$build" deb >"$tmp/deb.log" 2>&1; then
	pass "make deb builds both packages, lintian finds no error"
else
	fail "make deb: $(tail -n 20 "$tmp/deb.log")"
	exit 1
fi
debs=$(ls "$build"/deb/pagewatch_"$version"-*_*.deb "$build"/deb/pagewatch-dkms_"$version"-*_all.deb 2>/dev/null)
check "pagewatch and pagewatch-dkms .debs of version $version" [ "$(echo "$debs" | wc -w)" = 2 ]
dpkg-deb -c "$build"/deb/pagewatch-dkms_*.deb >"$tmp/dkms-contents"
check "pagewatch-dkms holds dkms.conf and the module's source" \
	sh -c "grep -q './usr/src/pagewatch-$version/dkms.conf' '$tmp/dkms-contents' &&
	       grep -q './usr/src/pagewatch-$version/kmod/pw_walk.c' '$tmp/dkms-contents' &&
	       grep -q './usr/src/pagewatch-$version/include/pagewatch/abi.h' '$tmp/dkms-contents' &&
	       ! grep -qE '\\.(o|ko)\$' '$tmp/dkms-contents'"
check "pagewatch-dkms depends on dkms" \
	sh -c "dpkg-deb -f '$build'/deb/pagewatch-dkms_*.deb Depends | grep -q dkms"

# ---- headers of the rig's kernels
rels=""
for series in $(grep -v '^#' "$src/tests/vm/series"); do
	root=$("$src/tests/vm/fetch-kernel" "$series" 2>>"$tmp/fetch.log") ||
		{ fail "no $series kernel headers: $(tail -n 2 "$tmp/fetch.log")"; continue; }
	rel=$(cat "$cache/kernels/$series.release")
	rels="$rels $rel"
	[ -e "/lib/modules/$rel/build/include" ] && continue
	mkdir -p "/lib/modules/$rel"
	ln -sfn "$root/usr/src/linux-headers-$rel" "/lib/modules/$rel/build"
	made_links="$made_links $rel"
done

# ---- install: DKMS builds for every kernel with headers
# shellcheck disable=SC2086
if DEBIAN_FRONTEND=noninteractive apt-get install -y $debs >"$tmp/apt.log" 2>&1; then
	pass "apt-get install ./pagewatch*.deb succeeds"
else
	fail "apt-get install: $(tail -n 30 "$tmp/apt.log")"
fi
check "pagewatch from the package runs" /usr/bin/pagewatch --version
check "the man pages and the completion are installed" \
	[ -f /usr/share/man/man1/pagewatch.1.gz -a -f /usr/share/man/man4/pagewatch.4.gz -a \
	  -f /usr/share/bash-completion/completions/pagewatch ]
check "the example units are in the documentation" \
	[ -f /usr/share/doc/pagewatch/examples/pagewatch-metrics.timer ]
dkms status >"$tmp/status" 2>&1
rm -rf "$build/tests/vm/dkms"
for rel in $rels; do
	ko=/lib/modules/$rel/updates/dkms/pagewatch.ko
	check "dkms status: pagewatch/$version, $rel: installed" \
		grep -q "^pagewatch/$version, $rel, x86_64: installed" "$tmp/status"
	check "$ko: vermagic $rel, version $version" \
		sh -c "[ \"\$(modinfo -F vermagic '$ko' | cut -d' ' -f1)\" = '$rel' ] &&
		       [ \"\$(modinfo -F version '$ko')\" = '$version' ]"
	# bookworm's DKMS signs what it builds, with the MOK key it made
	check "$ko is signed with DKMS's key (/var/lib/dkms/mok.pub, for mokutil --import)" \
		sh -c "[ \"\$(modinfo -F signer '$ko')\" = 'DKMS module signing key' ] &&
		       [ -f /var/lib/dkms/mok.pub ]"
	mkdir -p "$build/tests/vm/dkms/$rel"
	cp "$ko" "$build/tests/vm/dkms/$rel/pagewatch.ko" 2>/dev/null
	grep "^pagewatch/" "$tmp/status" | grep ", $rel," >"$build/tests/vm/dkms/$rel/dkms-status"
done
echo "dkms status:"; sed 's/^/  | /' "$tmp/status"

# ---- by hand, as README tells: remove, build and install for one kernel
rel=${rels##* }
if [ -n "$rel" ]; then
	dkms remove "pagewatch/$version" -k "$rel" >"$tmp/dkms.log" 2>&1 &&
	dkms build "pagewatch/$version" -k "$rel" >>"$tmp/dkms.log" 2>&1 &&
	dkms install "pagewatch/$version" -k "$rel" >>"$tmp/dkms.log" 2>&1
	check "dkms remove, build -k $rel and install -k $rel by hand" [ $? = 0 ]
	log=/var/lib/dkms/pagewatch/$version/$rel/x86_64/log/make.log
	check "dkms built it through kmod/Makefile: compat.h from the probes, then Kbuild for $rel" \
		sh -c "grep -q 'GEN *compat.h' '$log' && grep -q 'make -C /lib/modules/$rel/build M=' '$log'"
fi

# ---- purge
apt-get purge -y -qq pagewatch pagewatch-dkms >"$tmp/purge.log" 2>&1
check "apt-get purge pagewatch pagewatch-dkms succeeds" [ $? = 0 ]
check "dkms status no longer lists pagewatch" sh -c "! dkms status 2>/dev/null | grep -q '^pagewatch/'"
for rel in $rels; do
	check "purge removed the module of $rel" [ ! -e "/lib/modules/$rel/updates/dkms/pagewatch.ko" ]
done
check "purge removed the source under /usr/src" [ ! -e "/usr/src/pagewatch-$version" ]
exit $failed
