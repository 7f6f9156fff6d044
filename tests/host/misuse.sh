#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Misuse of the tool: malformed options, /proc files it may not read, a
# module of another ABI (a fake PAGEWATCH_KMOD_DIR), a kernel thread, PID
# namespaces, a 1 TiB PROT_NONE reservation. Each ends in a clear error
# with its documented exit status, or in a correct snapshot. (degraded.sh
# already covers: --no-kmod, no CAP_SYS_ADMIN, another user's process,
# reversed --range, unknown --filter/--format, ABI 99, a missing PID.)
set -u
. "${top_srcdir:-.}/tests/host/lib.sh"

command -v jq >/dev/null || { echo "SKIP: jq is not installed"; exit 77; }
start_target

# bad NAME ARGS...: exit 2, one line on stderr, nothing on stdout
bad() {
	name=$1
	shift
	"$pw" "$@" >"$tmp/out" 2>"$tmp/err"
	status=$?
	if [ $status = 2 ] && [ ! -s "$tmp/out" ] && [ "$(wc -l <"$tmp/err")" = 1 ]; then
		pass "$name"
	else
		fail "$name (exit $status, $(wc -l <"$tmp/err") stderr lines: $(head -c 200 "$tmp/err"))"
	fi
}
bad "--pid abc: exit 2, one line" -p abc -s
bad "--pid -5: exit 2, one line" -p -5 -s
bad "--pid 0: exit 2, one line" -p 0 -s
bad "--pid past INT_MAX: exit 2, one line" -p 99999999999999999999 -s
bad "--interval -1: exit 2, one line" -p "$target" -s -i -1
bad "--interval abc: exit 2, one line" -p "$target" -s -i abc
bad "--count x: exit 2, one line" -p "$target" -s -n x
bad "--count -3: exit 2, one line" -p "$target" -s -n -3
bad "--range without a dash: exit 2, one line" -p "$target" -s --range 1000
bad "--range past 64 bits: exit 2, one line" -p "$target" -s --range 0-fffffffffffffffffff
bad "--range garbage: exit 2, one line" -p "$target" -s --range xyz-abc
bad "--filter node= without a node: exit 2, one line" -p "$target" -s --filter node=
bad "--filter node=99999: exit 2, one line" -p "$target" -s --filter node=99999
bad "--filter empty item: exit 2, one line" -p "$target" -s --filter pinned,,thp
bad "--snapshot without a target: exit 2, one line" -s
bad "--demo with -p: exit 2, one line" --demo -p "$target" -s
bad "a stray argument: exit 2, one line" -p "$target" -s stray
"$pw" --no-such-option >/dev/null 2>"$tmp/err"
check "unknown option: exit 2" [ $? = 2 ]
check "unknown option: stderr names it" grep -q -- "--no-such-option" "$tmp/err"
"$pw" -s -p >/dev/null 2>"$tmp/err"
check "-p without a value: exit 2" [ $? = 2 ]
check "-p without a value: first stderr line says so" sh -c "head -n 1 '$tmp/err' | grep -q \"requires an argument -- 'p'\""

# a kernel thread has a PID but no address space
"$pw" -p 2 -s >/dev/null 2>"$tmp/err"
check "kernel thread (kthreadd): exit 3" [ $? = 3 ]
check "kernel thread: says it has no user address space" grep -q "no user address space" "$tmp/err"

# fake modules: PAGEWATCH_KMOD_DIR
fake() {
	rm -rf "$tmp/kmod"
	mkdir "$tmp/kmod"
	printf "$1" >"$tmp/kmod/version"
}
fake 'abi 1\nrecord_size 48\nfeatures kpage\n'
PAGEWATCH_KMOD_DIR="$tmp/kmod" "$pw" -p "$target" -s >/dev/null 2>"$tmp/err"
check "module with ABI 1 but 48-byte records: exit 6" [ $? = 6 ]
fake 'garbage\n\001\002'
PAGEWATCH_KMOD_DIR="$tmp/kmod" "$pw" -p "$target" -s >/dev/null 2>"$tmp/err"
check "module whose version file has no abi line: exit 6" [ $? = 6 ]
fake ''
PAGEWATCH_KMOD_DIR="$tmp/kmod" "$pw" -p "$target" -s >/dev/null 2>"$tmp/err"
check "module with an empty version file: exit 6" [ $? = 6 ]
fake 'abi 1\nrecord_size 32\nfeatures kpage\n'
PAGEWATCH_KMOD_DIR="$tmp/kmod" "$pw" -p "$target" -s --format json >"$tmp/nopages.json" 2>"$tmp/err"
check "module without a pages file: exit 0" [ $? = 0 ]
check "module without a pages file: stderr says the module is not used" grep -q "module" "$tmp/err"
check "module without a pages file: a complete snapshot" jq -e -s '.[0].complete and .[0].sources.kmod == false' "$tmp/nopages.json"
# a "module" whose pages file holds random records: decoded, never trusted
# into a crash (unknown flag bits, nodes and orders out of range)
truncate -s 4T "$tmp/kmod/pages" 2>/dev/null && rm -f "$tmp/kmod/kpage" && {
	while IFS=' -' read -r start end _; do
		page=$((0x$start / 4096))
		[ "$page" -lt 34359738368 ] || continue
		head -c $(( (0x$end - 0x$start) / 4096 * 32 )) /dev/urandom |
			dd of="$tmp/kmod/pages" bs=32 seek="$page" conv=notrunc 2>/dev/null
	done </proc/$target/maps
	PAGEWATCH_KMOD_DIR="$tmp/kmod" "$pw" -p "$target" -s --format json >"$tmp/garbage.json" 2>"$tmp/err"
	check "module giving random records: exit 0" [ $? = 0 ]
	check "module giving random records: valid JSON, a complete snapshot" \
		jq -e -s '.[0].complete and .[0].pages == (.[1:] | length)' "$tmp/garbage.json"
}

# PID namespaces: the host sees a namespaced process under its host PID
if is_root && unshare -p -f --mount-proc true 2>/dev/null; then
	unshare -p -f --mount-proc sleep 600 &
	ns_parent=$!
	targets="$targets $ns_parent"
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		ns_target=$(pgrep -P "$ns_parent" -x sleep) && break
		sleep 0.1
	done
	"$pw" -p "$ns_target" -s --format json >"$tmp/ns.json" 2>/dev/null
	check "process in another PID namespace, by its host PID: exit 0" [ $? = 0 ]
	check "process in another PID namespace: its sleep pages are listed" \
		jq -e -s --argjson p "$ns_target" '.[0].pid == $p and ([.[1:][] | select(.vma | test("sleep$"))] | length > 0)' "$tmp/ns.json"
	unshare -p -f --mount-proc "$pw" -p "$ns_target" -s >/dev/null 2>"$tmp/err"
	check "inside a new PID namespace, a host PID not in it: exit 3" [ $? = 3 ]
	# /proc of the parent namespace: its PIDs are not the ones the module
	# would resolve, so the module is left out
	unshare -p -f "$pw" -p "$target" -s --format json >"$tmp/nsproc.json" 2>"$tmp/err"
	check "new PID namespace with the host's /proc: exit 0" [ $? = 0 ]
	check "new PID namespace with the host's /proc: module not used, said once" \
		sh -c "grep -c 'another PID namespace' '$tmp/err' | grep -qx 1 && jq -e -s '.[0].sources.kmod == false' '$tmp/nsproc.json' >/dev/null"
	# the namespace's init ignores SIGTERM from its parent namespace
	# unless it handles it: SIGKILL, or it outlives the test by 10 min
	kill -KILL "$ns_target" "$ns_parent" 2>/dev/null
else
	skip "PID namespace checks need root and unshare -p"
fi

# /proc files another user may not read: a non-dumpable process of the
# same user has root-owned /proc files
if is_root && command -v setpriv >/dev/null && command -v python3 >/dev/null; then
	setpriv --reuid=65534 --regid=65534 --clear-groups /usr/bin/env python3 -c \
		'import ctypes, time; ctypes.CDLL(None).prctl(4, 0, 0, 0, 0); print("ok", flush=True); time.sleep(600)' \
		>"$tmp/nd.out" 2>&1 &
	nd=$!
	targets="$targets $nd"
	for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
		[ -s "$tmp/nd.out" ] && break
		sleep 0.1
	done
	setpriv --reuid=65534 --regid=65534 --clear-groups "$pw" -p "$nd" -s >/dev/null 2>"$tmp/err"
	check "non-dumpable process of the same user: exit 5" [ $? = 5 ]
	check "non-dumpable process: stderr names CAP_SYS_PTRACE" grep -q CAP_SYS_PTRACE "$tmp/err"
	kill "$nd" 2>/dev/null
else
	skip "unreadable /proc checks need root, setpriv and python3"
fi

# a 1 TiB PROT_NONE reservation: PAGEMAP_SCAN (or pagemap) skips it fast
if command -v python3 >/dev/null; then
	python3 -c 'import mmap, time
m = mmap.mmap(-1, 1 << 40, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS | 0x4000, prot=0)
print("ok", flush=True)
time.sleep(600)' >"$tmp/big.out" 2>&1 &
	big=$!
	targets="$targets $big"
	for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
		[ -s "$tmp/big.out" ] && break
		sleep 0.1
	done
	# timeout only guards against a hang (status 124); speed is bench/'s
	timeout 60 "$pw" -p "$big" -s --summary --format json >"$tmp/big.json" 2>/dev/null
	check "1 TiB PROT_NONE reservation: --summary exits 0" [ $? = 0 ]
	# --summary lists mappings with pages: the reservation has none
	check "1 TiB PROT_NONE reservation: complete, with no mapping of 1 TiB listed" \
		jq -e -s '.[0].complete and ([.[1:][] | select(.perms == "---p" and .resident > 0)] | length == 0)' "$tmp/big.json"
	timeout 60 "$pw" -p "$big" -s --format json >"$tmp/bigpages.json" 2>/dev/null
	check "1 TiB PROT_NONE reservation: page snapshot exits 0" [ $? = 0 ]
	check "1 TiB PROT_NONE reservation: no page of it listed (never touched)" \
		jq -e -s '.[0].complete and .[0].pages < 100000' "$tmp/bigpages.json"
	kill "$big" 2>/dev/null
else
	skip "huge mapping check needs python3"
fi

exit $failed
